package org.barman.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.ReuseMode;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman backup SERVER|all}: takes a base backup of a server, or of every server one after another. */
@Command(mixinStandardHelpOptions = true, name = "backup", description = "Take a base backup of a server, or of all servers one after another.")
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @ArgGroup(exclusive = true)
    private Checkpoint checkpoint;

    @Option(names = "--reuse-backup", paramLabel = "off|link|copy", converter = ReuseModeConverter.class,
            description = "Reuse the previous backup's unchanged files: off, link (hard links) or copy "
                    + "(default: reuse_backup).")
    private ReuseMode reuse;

    @ArgGroup(exclusive = true)
    private Retry retry;

    @Option(names = "--retry-sleep", paramLabel = "SECONDS",
            description = "Seconds between attempts of a failed copy (default: basebackup_retry_sleep).")
    private Integer retrySleep;

    @Option(names = {"-w", "--wait"}, description = "Wait until the WAL that makes the backup consistent is "
            + "archived, so that it ends DONE rather than WAITING_FOR_WALS.")
    private boolean waitForWals;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", description = "With --wait, give up waiting after "
            + "SECONDS (default: wait as long as it takes).")
    private Integer waitTimeout;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    /** {@code --immediate-checkpoint} or {@code --no-immediate-checkpoint}. */
    static final class Checkpoint {
        @Option(names = "--immediate-checkpoint", description = "Ask for an immediate checkpoint.")
        boolean immediate;

        @Option(names = "--no-immediate-checkpoint", description = "Wait for a spread checkpoint.")
        boolean spread;
    }

    /** {@code --retry-times N} or {@code --no-retry}. */
    static final class Retry {
        @Option(names = "--retry-times", paramLabel = "N", description = "Attempts after a failed copy (default: "
                + "basebackup_retry_times).")
        Integer times;

        @Option(names = "--no-retry", description = "Do not retry a failed copy.")
        boolean none;
    }

    /** Reads off, link or copy. */
    static final class ReuseModeConverter implements picocli.CommandLine.ITypeConverter<ReuseMode> {
        @Override
        public ReuseMode convert(String value) {
            return ReuseMode.parse(value);
        }
    }

    @Override
    public Integer call() {
        Optional<Boolean> immediate = checkpoint == null ? Optional.empty() : Optional.of(checkpoint.immediate);
        Optional<Integer> retryTimes = retry == null ? Optional.empty()
                : Optional.of(retry.none ? 0 : retry.times);
        Duration wait = !waitForWals ? Duration.ZERO
                : waitTimeout == null ? Duration.ofDays(3650) : Duration.ofSeconds(waitTimeout);
        BackupOptions options = new BackupOptions(immediate, Optional.ofNullable(reuse), retryTimes,
                Optional.ofNullable(retrySleep).map(Duration::ofSeconds), wait);
        boolean ok = true;
        for (Server server : barman.barman().servers(target)) {
            ok &= backup(server, options);
        }
        return ok ? 0 : 1;
    }

    private boolean backup(Server server, BackupOptions options) {
        barman.info("Starting backup of server " + server.name());
        CopyListener progress = ProgressBar.forTerminal(barman.quiet(), "Copying");
        try {
            BackupInfo info = server.takeBackup(options, progress);
            ProgressBar.finish(progress);
            barman.info("Backup " + info.id() + " of server " + server.name() + ": " + info.status());
            barman.info("\tBegin WAL: " + info.beginWal() + " (LSN " + info.beginXlog() + ")");
            barman.info("\tEnd WAL: " + info.endWal() + " (LSN " + info.endXlog() + ")");
            barman.info("\tSize: " + Formats.prettySize(info.size()) + ", on disk: "
                    + Formats.prettySize(info.deduplicatedSize()));
            if (info.status() != org.barman.api.BackupStatus.DONE) {
                barman.info("\tWaiting for WAL " + server.firstMissingWal(info).map(Object::toString).orElse("")
                        + " to be archived: barman cron marks the backup DONE once it is");
            }
            return true;
        } catch (BarmanException e) {
            ProgressBar.finish(progress);
            barman.error(e.getMessage());
            return false;
        }
    }
}
