package org.barman.core.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;

/**
 * {@code backup_options = exclusive_backup}: the old exclusive API, {@code pg_start_backup(label, fast)} and
 * {@code pg_stop_backup()}, where PostgreSQL writes {@code backup_label} into the data folder itself. PostgreSQL
 * 15 removed it; it never works on a standby.
 */
public final class ExclusiveBackupStrategy implements BackupStrategy {

    /** The {@code backup_options} value. */
    public static final String NAME = "exclusive_backup";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSupported(int serverVersionNum) {
        if (serverVersionNum >= 150000) {
            throw new BarmanException("backup_options = exclusive_backup cannot work with PostgreSQL "
                    + serverVersionNum / 10000 + ": PostgreSQL 15 removed exclusive backups; set backup_options = "
                    + "concurrent_backup");
        }
    }

    @Override
    public Start start(Connection connection, String label, boolean immediateCheckpoint) throws SQLException {
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
    public Stop stop(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_stop_backup()::text, now()");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new Stop(Lsn.parse(rows.getString(1)), rows.getObject(2, OffsetDateTime.class), null, null);
        }
    }
}
