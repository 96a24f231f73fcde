package org.barman.core.backup;

import java.sql.Connection;
import java.sql.SQLException;

import org.barman.api.BackupRun;
import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strategies of {@code backup_method = rsync} and {@code local-rsync}: start the backup with SQL on the
 * server's connection, copy the files through the transport ({@link BackupRun#copyFiles}), stop it with SQL on the
 * same connection.
 */
abstract class FileCopyStrategy implements BackupStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(FileCopyStrategy.class);

    /** @return the second half of the mode: {@code concurrent} or {@code exclusive} */
    abstract String modeSuffix();

    /** @return whether PostgreSQL writes {@code backup_label} into PGDATA itself */
    abstract boolean labelInPgdata();

    abstract Start start(Connection connection, String label, boolean immediateCheckpoint) throws SQLException;

    abstract Stop stop(Connection connection) throws SQLException;

    @Override
    public void checkSupported(int serverVersionNum, boolean standby, PluginOptions options) {
        String compression = options.get("backup_compression").orElse("none");
        if (!compression.equals("none")) {
            throw new BarmanException(options.origin() + ": backup_compression = " + compression + " needs "
                    + "backup_method = postgres; the rsync and local-rsync methods copy the files as they are "
                    + "(set backup_compression = none, or backup_method = postgres)");
        }
        checkSupported(serverVersionNum, standby);
    }

    @Override
    public String mode(String transport) {
        return transport + "-" + modeSuffix();
    }

    /**
     * The backup failed after it started: leave the server out of backup mode where the session's end does not.
     *
     * @param run the failed backup
     */
    void abandon(BackupRun run) {
    }

    @Override
    public Outcome take(BackupRun run) throws SQLException {
        Start start = start(run.connection(), run.label(), run.immediateCheckpoint());
        try {
            run.started(start);
            CopyResult copied = run.copyFiles(labelInPgdata());
            LOG.info("Asking PostgreSQL to stop backup {} of server {}", run.backupId(), run.serverName());
            return new Outcome(stop(run.connection()), copied);
        } catch (SQLException | RuntimeException e) {
            abandon(run);
            throw e;
        }
    }
}
