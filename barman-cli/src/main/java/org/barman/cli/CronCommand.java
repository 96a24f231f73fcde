package org.barman.cli;

import java.util.concurrent.Callable;

import org.barman.api.BackupInfo;
import org.barman.api.WalFileInfo;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.retention.EnforcementReport;
import org.barman.core.wal.ArchiveReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman cron}: the periodic maintenance of every server (WAL archiving, backups waiting for WAL,
 * {@code receive-wal} started in the background where {@code streaming_archiver = on}, retention policies); run it
 * every minute.
 */
@Command(mixinStandardHelpOptions = true, name = "cron", description = "Periodic maintenance of every server: WAL archiving, backups waiting for "
        + "WAL, receive-wal started where streaming_archiver is on, retention policies. Run it every minute.")
final class CronCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Override
    public Integer call() {
        try {
            return run() ? 0 : 1;
        } catch (org.barman.core.lock.LockBusyException busy) {
            // Run every minute: an earlier cron still at work is normal, and must not mail an error each minute.
            barman.info("Another barman cron is running: skipping this run (" + busy.getMessage() + ")");
            return 0;
        }
    }

    private boolean run() {
        boolean ok = barman.barman().cron(new CronListener() {
            @Override
            public void archivingStarted(Server server) {
                barman.info("Starting WAL archiving for server " + server.name());
            }

            @Override
            public void archived(Server server, ArchiveReport report) {
                ArchiveOutput.print(barman, server, report);
            }

            @Override
            public void skipped(Server server, String reason) {
                barman.info("Skipping server " + server.name() + ": " + reason);
            }

            @Override
            public void slotCreated(Server server, String slot) {
                barman.info("Created replication slot '" + slot + "' of server " + server.name()
                        + " (create_slot = auto)");
            }

            @Override
            public void receiverStarting(Server server) {
                barman.info("Starting streaming archiver for server " + server.name());
            }

            @Override
            public void receiverStarted(Server server, long pid) {
                barman.info("Started receive-wal of server " + server.name() + " in the background (pid " + pid
                        + ")");
            }

            @Override
            public void receiverStopped(Server server, long pid) {
                barman.info("Stopped receive-wal of server " + server.name() + " (pid " + pid
                        + "): streaming_archiver is off");
            }

            @Override
            public void abandonedBackupFailed(Server server, BackupInfo backup) {
                barman.info("Backup " + backup.id() + " of server " + server.name() + " was left STARTED by a "
                        + "process that ended: marked FAILED");
            }

            @Override
            public void removingObsoleteBackup(Server server, BackupInfo backup) {
                barman.info("Enforcing retention policy: removing backup " + backup.id() + " for server "
                        + server.name());
            }

            @Override
            public void obsoleteBackupInUse(Server server, BackupInfo backup, String reason) {
                barman.info("Enforcing retention policy: keeping backup " + backup.id() + " of server "
                        + server.name() + " this time: " + reason + "; the next cron deletes it");
            }

            @Override
            public void retentionEnforced(Server server, EnforcementReport report) {
                if (report.removedWal().isEmpty()) {
                    return;
                }
                barman.info("Enforcing retention policy: removing WAL files of server " + server.name()
                        + " older than " + report.firstWalKept().map(Object::toString).orElse("?") + ":");
                for (WalFileInfo file : report.removedWal()) {
                    barman.info("\t" + file.name());
                }
            }

            @Override
            public void retentionSkipped(Server server, String reason) {
                barman.info("Skipping retention policy of server " + server.name() + ": " + reason
                        + "; the next cron enforces it");
            }

            @Override
            public void failed(Server server, String error) {
                // already printed with the archive report, or here when it failed before
                if (!error.startsWith("archiving WAL")) {
                    barman.error(error);
                }
            }
        });
        return ok;
    }
}
