package org.barman.api;

import java.io.IOException;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * How a base backup is taken: how PostgreSQL is told that it starts and stops, and how the server's files reach the
 * backup. Core runs everything around it (the lock, {@code backup.info}, hooks, the closing WAL) and hands the
 * strategy a {@link BackupRun} for one backup.
 *
 * <p>A strategy that copies files at the file level ({@code backup_options = concurrent_backup} or
 * {@code exclusive_backup}) starts the backup with SQL, calls {@link BackupRun#copyFiles} (the server's transport)
 * and stops it. A strategy whose server sends the files itself (such as {@code BASE_BACKUP} on a replication
 * connection) writes them into {@link BackupRun#dataDirectory()} and the tablespace folders and never calls
 * {@code copyFiles}.
 *
 * <p>One instance serves every backup: keep what belongs to one backup in local variables, not in fields.
 */
public interface BackupStrategy {

    /**
     * @return the strategy's name: the {@code backup_options} value that selects it, such as
     *     {@code concurrent_backup}, or the {@code backup_method} value, such as {@code postgres}
     */
    String name();

    /**
     * Refuses a server this strategy cannot back up, before anything is recorded ({@code barman check} calls it
     * too).
     *
     * @param serverVersionNum the server's {@code server_version_num}
     * @param standby whether the server is in recovery (a standby)
     * @throws BarmanException saying what to use instead when this strategy cannot work with that server
     */
    void checkSupported(int serverVersionNum, boolean standby);

    /**
     * Refuses a server this strategy cannot back up with the server's options, before anything is recorded
     * ({@code barman check} calls it too). The default checks only the server ({@link #checkSupported(int,
     * boolean)}); a strategy with options of its own, or that cannot honour some of core's, checks them here.
     *
     * @param serverVersionNum the server's {@code server_version_num}
     * @param standby whether the server is in recovery (a standby)
     * @param options the server's options
     * @throws BarmanException naming the option, or saying what to use instead
     */
    default void checkSupported(int serverVersionNum, boolean standby, PluginOptions options) {
        checkSupported(serverVersionNum, standby);
    }

    /**
     * @param transport the name of the server's transport, the one {@link BackupRun#copyFiles} copies through
     *     (a strategy that never calls it ignores it)
     * @return how {@code backup.info} records a backup this strategy takes ({@code mode}), such as
     *     {@code rsync-concurrent} or {@code postgres}
     */
    String mode(String transport);

    /**
     * Takes the backup: starts it, reports the start with {@link BackupRun#started}, brings every file into the
     * backup's folders, and stops it. On failure it leaves PostgreSQL as it found it (out of backup mode) where it
     * can, and throws; core records the backup as FAILED.
     *
     * @param run the backup being taken
     * @return where the backup stopped and what was copied
     * @throws SQLException when PostgreSQL refuses
     * @throws IOException when the files cannot be received or written
     * @throws BarmanException when the backup fails otherwise (the message says why)
     */
    Outcome take(BackupRun run) throws SQLException, IOException;

    /** @return the plug-in API version this strategy was built against; see {@link BarmanApi#VERSION} */
    default String apiVersion() {
        return BarmanApi.VERSION;
    }

    /**
     * @param lsn the start position (the checkpoint's redo location)
     * @param timeline the timeline of that position
     * @param time when the backup started, by the server's clock
     */
    record Start(Lsn lsn, long timeline, OffsetDateTime time) {
    }

    /**
     * @param lsn the stop position
     * @param time when the backup stopped, by the server's clock
     * @param backupLabel the content of {@code backup_label}, which core records in {@code backup.info} and writes
     *     into a plain copy; null when it is in a plain copy already (written there by PostgreSQL, as an exclusive
     *     backup does, or received with the files), from where core reads it
     * @param tablespaceMap the content of {@code tablespace_map}, which core writes into the copy; null when none
     *     or already in the copy
     */
    record Stop(Lsn lsn, OffsetDateTime time, String backupLabel, String tablespaceMap) {
    }

    /**
     * What a backup produced.
     *
     * @param stop where it stopped
     * @param copied the files brought into the backup (what {@code backup.info} records as its size: the bytes
     *     stored)
     * @param compression the name of the {@link Compressor} whose tar archives hold the copy ({@code base.tar.gz},
     *     {@code <oid>.tar.gz} and so on in the data folder, as Barman's {@code backup_compression_format = tar}
     *     stores them; recovery decompresses them with that compressor), or null for a plain copy of the files
     */
    record Outcome(Stop stop, CopyResult copied, String compression) {

        /**
         * Checks the fields.
         *
         * @param stop where it stopped
         * @param copied the files brought into the backup (the bytes stored)
         * @param compression the compressor of the copy's tar archives, or null for a plain copy
         */
        public Outcome {
            if (stop == null || copied == null) {
                throw new IllegalArgumentException("a backup outcome needs its stop and its copy result");
            }
        }

        /**
         * A plain copy of the files.
         *
         * @param stop where it stopped
         * @param copied the files brought into the backup
         */
        public Outcome(Stop stop, CopyResult copied) {
            this(stop, copied, null);
        }
    }
}
