package org.barman.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * How PostgreSQL is told that a base backup starts and stops ({@code backup_options}).
 *
 * <p>Both calls use the same open connection: with the non-exclusive API, PostgreSQL ends the backup when the
 * session that started it closes.
 */
public interface BackupStrategy {

    /** @return the name used in {@code backup_options}, such as {@code concurrent_backup} */
    String name();

    /**
     * @param serverVersionNum the server's {@code server_version_num}
     * @throws BarmanException saying what to use instead when this strategy cannot work with that version
     */
    void checkSupported(int serverVersionNum);

    /**
     * @param connection an open connection to the server being backed up
     * @param label the backup label
     * @param immediateCheckpoint whether to ask for a fast checkpoint
     * @return where the backup starts
     * @throws SQLException when PostgreSQL refuses
     */
    Start start(Connection connection, String label, boolean immediateCheckpoint) throws SQLException;

    /**
     * @param connection the connection {@link #start} used
     * @return where the backup stops, and the files to write into the copy
     * @throws SQLException when PostgreSQL refuses
     */
    Stop stop(Connection connection) throws SQLException;

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
     * @param backupLabel the content of {@code backup_label} to write into the copy (null when PostgreSQL wrote
     *     it into the data folder itself, as an exclusive backup does)
     * @param tablespaceMap the content of {@code tablespace_map} to write into the copy, null when none
     */
    record Stop(Lsn lsn, OffsetDateTime time, String backupLabel, String tablespaceMap) {
    }
}
