package org.barman.core.catalog;

import java.util.Arrays;
import java.util.Locale;

import org.barman.api.BarmanException;

/** What {@code barman list-files --target} lists for a backup. */
public enum ListFilesTarget {
    /** The backup's own files: {@code backup.info}, {@code data/} and the tablespace folders. */
    DATA,
    /** The backup's files and the WAL segments that make it consistent ({@code begin_wal} to {@code end_wal}). */
    STANDALONE,
    /** The WAL files from the backup's start to the next backup (or the end of the archive), history files too. */
    WAL,
    /** {@link #DATA} and {@link #WAL}. */
    FULL;

    /**
     * @param text a target as typed: data, standalone, wal or full
     * @return the target
     * @throws BarmanException naming the accepted values
     */
    public static ListFilesTarget parse(String text) {
        for (ListFilesTarget target : values()) {
            if (target.name().equalsIgnoreCase(text)) {
                return target;
            }
        }
        throw new BarmanException("'" + text + "' is not a list-files target: expected one of "
                + Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
    }
}
