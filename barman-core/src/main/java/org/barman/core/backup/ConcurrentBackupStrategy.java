package org.barman.core.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import org.barman.api.Lsn;

/**
 * {@code backup_options = concurrent_backup}: PostgreSQL's non-exclusive backup API, which works on every
 * supported version and on standbys. {@code pg_backup_start}/{@code pg_backup_stop} from PostgreSQL 15,
 * {@code pg_start_backup(label, fast, false)}/{@code pg_stop_backup(false, false)} before. The backup lives as long
 * as the session: the same connection must be used from start to stop, and closing it aborts the backup.
 */
public final class ConcurrentBackupStrategy extends FileCopyStrategy {

    /** The {@code backup_options} value. */
    public static final String NAME = "concurrent_backup";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSupported(int serverVersionNum, boolean standby) {
        // The non-exclusive API exists since 9.6, below every supported version, and works on standbys.
    }

    @Override
    String modeSuffix() {
        return "concurrent";
    }

    @Override
    boolean labelInPgdata() {
        return false;
    }

    @Override
    Start start(Connection connection, String label, boolean immediateCheckpoint) throws SQLException {
        boolean modern = connection.getMetaData().getDatabaseMajorVersion() >= 15;
        String sql = modern ? "SELECT pg_backup_start(?, ?)::text, now()" : "SELECT pg_start_backup(?, ?, false)::text, now()";
        Lsn lsn;
        OffsetDateTime time;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, label);
            statement.setBoolean(2, immediateCheckpoint);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                lsn = Lsn.parse(rows.getString(1));
                time = rows.getObject(2, OffsetDateTime.class);
            }
        }
        return new Start(lsn, BackupQueries.checkpointTimeline(connection), time);
    }

    @Override
    Stop stop(Connection connection) throws SQLException {
        boolean modern = connection.getMetaData().getDatabaseMajorVersion() >= 15;
        String sql = modern ? "SELECT lsn::text, labelfile, spcmapfile, now() FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile, now() FROM pg_stop_backup(false, false)";
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            String map = rows.getString(3);
            return new Stop(Lsn.parse(rows.getString(1)), rows.getObject(4, OffsetDateTime.class), rows.getString(2),
                    map == null || map.isEmpty() ? null : map);
        }
    }
}
