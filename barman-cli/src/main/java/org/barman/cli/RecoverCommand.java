package org.barman.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.core.Server;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.recovery.RecoveryTarget;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman recover [OPTIONS] SERVER BACKUP_ID DESTINATION_DIRECTORY}: recovers a backup, to a point in time
 * when a target is given, locally or on another host.
 */
@Command(mixinStandardHelpOptions = true, name = "recover", description = "Recover a backup into a folder, to a point in time when a target is "
        + "given, on this host or on another one (--remote-ssh-command).")
final class RecoverCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @ArgGroup(exclusive = true)
    private Target target;

    @Option(names = "--exclusive", description = "Stop just before the target instead of just after it.")
    private boolean exclusive;

    @Option(names = "--target-tli", paramLabel = "TLI", description = "Timeline to recover along: a number, "
            + "latest or current (default: latest).")
    private String targetTimeline;

    @Option(names = "--target-action", paramLabel = "ACTION", description = "What PostgreSQL does at the target: "
            + "pause, promote or shutdown (default: PostgreSQL's, pause).")
    private String targetAction;

    @Option(names = "--standby-mode", description = "Start the copy as a standby (standby.signal).")
    private boolean standbyMode;

    @Option(names = "--tablespace", paramLabel = "NAME:DIRECTORY", description = "Recover tablespace NAME into "
            + "DIRECTORY (created when missing; repeatable).")
    private List<String> tablespaces = List.of();

    @Option(names = "--remote-ssh-command", paramLabel = "COMMAND", description = "Recover onto the host COMMAND "
            + "reaches, such as \"ssh postgres@pg2\".")
    private String remoteSshCommand;

    @ArgGroup(exclusive = true)
    private GetWal getWal;

    @ArgGroup(exclusive = true)
    private BackupCommand.Retry retry;

    @Option(names = "--retry-sleep", paramLabel = "SECONDS", description = "Seconds between attempts of a failed "
            + "copy (default: basebackup_retry_sleep).")
    private Integer retrySleep;

    @Option(names = "--recovery-staging-path", paramLabel = "DIRECTORY", description = "Where a remote recovery of "
            + "a compressed backup unpacks it on this host first (default: recovery_staging_path).")
    private Path recoveryStagingPath;

    @Parameters(index = "0", paramLabel = "SERVER", description = "The server name.")
    private String serverName;

    @Parameters(index = "1", paramLabel = "BACKUP_ID", description = "The backup id, or latest, last, oldest, "
            + "first.")
    private String backupId;

    @Parameters(index = "2", paramLabel = "DESTINATION_DIRECTORY", description = "An empty or new folder.")
    private String destination;

    /** The recovery target, one at most. */
    static final class Target {
        @Option(names = "--target-time", paramLabel = "TIMESTAMP", description = "Recover up to this time "
                + "(YYYY-MM-DD HH:MM:SS[+TZ]).")
        String time;

        @Option(names = "--target-xid", paramLabel = "XID", description = "Recover up to this transaction.")
        String xid;

        @Option(names = "--target-name", paramLabel = "NAME", description = "Recover up to this restore point "
                + "(pg_create_restore_point).")
        String name;

        @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover up to this WAL position.")
        String lsn;

        @Option(names = "--target-immediate", description = "Stop as soon as the backup is consistent.")
        boolean immediate;

        RecoveryTarget toTarget(boolean exclusive) {
            if (time != null) {
                return new RecoveryTarget(RecoveryTarget.Kind.TIME, time, exclusive);
            }
            if (xid != null) {
                return new RecoveryTarget(RecoveryTarget.Kind.XID, xid, exclusive);
            }
            if (name != null) {
                return new RecoveryTarget(RecoveryTarget.Kind.NAME, name, exclusive);
            }
            if (lsn != null) {
                return new RecoveryTarget(RecoveryTarget.Kind.LSN, lsn, exclusive);
            }
            return new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", exclusive);
        }
    }

    /** {@code --get-wal} or {@code --no-get-wal}. */
    static final class GetWal {
        @Option(names = "--get-wal", description = "restore_command fetches WAL with barman get-wal.")
        boolean on;

        @Option(names = "--no-get-wal", description = "Copy the WAL into barman_wal/ of the destination.")
        boolean off;
    }

    @Override
    public Integer call() {
        Server server = barman.barman().server(serverName);
        RecoveryTarget recoveryTarget = target == null
                ? (exclusive ? new RecoveryTarget(RecoveryTarget.Kind.NONE, "", true) : RecoveryTarget.NONE)
                : target.toTarget(exclusive);
        Map<String, String> relocations = new LinkedHashMap<>();
        for (String pair : tablespaces) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new BarmanException("--tablespace " + pair + ": expected NAME:DIRECTORY");
            }
            relocations.put(pair.substring(0, colon), pair.substring(colon + 1));
        }
        Optional<Integer> retryTimes = retry == null ? Optional.empty() : Optional.of(retry.none ? 0 : retry.times);
        RecoveryOptions options = new RecoveryOptions(recoveryTarget, Optional.ofNullable(targetTimeline),
                Optional.ofNullable(targetAction), standbyMode, relocations, Optional.ofNullable(remoteSshCommand),
                getWal == null ? Optional.empty() : Optional.of(getWal.on), retryTimes,
                Optional.ofNullable(retrySleep).map(Duration::ofSeconds), Optional.ofNullable(recoveryStagingPath));
        barman.info("Starting " + (remoteSshCommand == null ? "local" : "remote") + " restore for server "
                + serverName + " using backup " + backupId);
        barman.info("Destination directory: " + destination);
        CopyListener progress = ProgressBar.forTerminal(barman.quiet(), "Copying");
        RecoveryReport report;
        try {
            report = server.recover(backupId, destination, options, progress);
        } finally {
            ProgressBar.finish(progress);
        }
        print(report);
        return 0;
    }

    private void print(RecoveryReport report) {
        barman.info("Copied backup " + report.backup() + ": " + report.files() + " files, "
                + Formats.prettySize(report.bytes()));
        report.tablespaces().forEach((name, location) -> barman.info("\tTablespace " + name + " -> " + location));
        if (report.walFiles() > 0) {
            barman.info("Copied " + report.walFiles() + " WAL files into " + report.destination() + "/barman_wal");
        }
        barman.info("Recovery settings written to " + report.settingsFile()
                + (report.signalFile() == null ? "" : " (with " + report.signalFile() + ")") + ":");
        report.settings().forEach((name, value) -> barman.info("\t" + name + " = " + value));
        barman.info("");
        barman.info("Your PostgreSQL server has been successfully prepared for recovery!");
        if (!report.warnings().isEmpty()) {
            barman.info("");
            barman.info("IMPORTANT: before starting it, check:");
            report.warnings().forEach(warning -> barman.info("\t* " + warning));
        }
    }
}
