package org.barman.api;

import java.util.Locale;

/** What a backup does with a file that has not changed since the previous backup ({@code reuse_backup}). */
public enum ReuseMode {
    /** Copy every file again. */
    OFF,
    /** Hard-link the unchanged file from the previous backup: saves time and space. */
    LINK,
    /** Copy the unchanged file from the previous backup: saves reading the PostgreSQL host. */
    COPY;

    /**
     * @param text {@code off}, {@code link} or {@code copy}, in any case
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ReuseMode parse(String text) {
        for (ReuseMode mode : values()) {
            if (mode.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a reuse mode: expected off, link or copy");
    }

    /** @return the spelling of {@code barman.conf}: off, link or copy */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
