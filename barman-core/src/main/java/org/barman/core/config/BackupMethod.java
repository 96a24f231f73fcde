package org.barman.core.config;

import java.util.Locale;

/** {@code backup_method}: how base backups of a server are taken, with Barman's values. */
public enum BackupMethod {
    /** PostgreSQL's backup functions and a file-level copy through {@code transport} (the default). */
    RSYNC("rsync"),
    /** The same through the local transport: PostgreSQL runs on the backup host. */
    LOCAL_RSYNC("local-rsync"),
    /** {@code BASE_BACKUP} on a replication connection, by the backup strategy named {@code postgres}. */
    POSTGRES("postgres");

    private final String configValue;

    BackupMethod(String configValue) {
        this.configValue = configValue;
    }

    /**
     * @param text a {@code backup_method} value, in any case
     * @return the method
     * @throws IllegalArgumentException when the text is none of them
     */
    public static BackupMethod parse(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (BackupMethod method : values()) {
            if (method.configValue.equals(wanted)) {
                return method;
            }
        }
        throw new IllegalArgumentException("not one of rsync, local-rsync, postgres");
    }

    /** @return the value as {@code barman.conf} writes it */
    public String configValue() {
        return configValue;
    }

    /** @return whether PostgreSQL's files are copied through a transport (rsync and local-rsync) */
    public boolean copiesFiles() {
        return this != POSTGRES;
    }
}
