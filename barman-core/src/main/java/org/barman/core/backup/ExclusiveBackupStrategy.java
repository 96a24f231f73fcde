package org.barman.core.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import org.barman.api.BackupRun;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup_options = exclusive_backup}: the old exclusive API, {@code pg_start_backup(label, fast)} and
 * {@code pg_stop_backup()}, where PostgreSQL writes {@code backup_label} into the data folder itself. PostgreSQL
 * 15 removed it; it never works on a standby. The backup outlives the session: when the copy fails, this strategy
 * ends backup mode itself, or the server would refuse the next backup.
 */
public final class ExclusiveBackupStrategy extends FileCopyStrategy {

    /** The {@code backup_options} value. */
    public static final String NAME = "exclusive_backup";

    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveBackupStrategy.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSupported(int serverVersionNum, boolean standby) {
        if (serverVersionNum >= 150000) {
            throw new BarmanException("backup_options = exclusive_backup cannot work with PostgreSQL "
                    + serverVersionNum / 10000 + ": PostgreSQL 15 removed exclusive backups; set backup_options = "
                    + "concurrent_backup");
        }
        if (standby) {
            throw new BarmanException("backup_options = exclusive_backup cannot back up a standby (conninfo points "
                    + "to one): set backup_options = concurrent_backup");
        }
    }

    @Override
    String modeSuffix() {
        return "exclusive";
    }

    @Override
    boolean labelInPgdata() {
        return true;
    }

    @Override
    void abandon(BackupRun run) {
        try {
            stop(run.connection());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not end exclusive backup mode of server {}: {}", run.serverName(), e.getMessage());
        }
    }

    @Override
    Start start(Connection connection, String label, boolean immediateCheckpoint) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_start_backup(?, ?)::text, now()")) {
            statement.setString(1, label);
            statement.setBoolean(2, immediateCheckpoint);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Start(Lsn.parse(rows.getString(1)), BackupQueries.checkpointTimeline(connection),
                        rows.getObject(2, OffsetDateTime.class));
            }
        }
    }

    @Override
    Stop stop(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_stop_backup()::text, now()");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new Stop(Lsn.parse(rows.getString(1)), rows.getObject(2, OffsetDateTime.class), null, null);
        }
    }
}
