package org.barman.core.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small queries the backup strategies share. */
final class BackupQueries {

    private BackupQueries() {
    }

    /** @return the timeline of the latest checkpoint (or restartpoint on a standby): the backup's timeline */
    static long checkpointTimeline(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT timeline_id FROM pg_control_checkpoint()")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
