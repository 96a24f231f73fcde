package org.barman.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.wal.WalSwitch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman switch-wal [--force] [--archive] [--archive-timeout SECONDS] SERVER...|all}: closes PostgreSQL's
 * current WAL segment, and waits, when asked, until it is in Barman's archive.
 */
@Command(mixinStandardHelpOptions = true, name = "switch-wal", description = "Make PostgreSQL close its current "
        + "WAL segment (pg_switch_wal), so that it is archived now; with --archive, wait until Barman has archived "
        + "it.")
final class SwitchWalCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = "--force", description = "Run a CHECKPOINT first, so that a switch happens even when nothing "
            + "was written since the last one (needs a superuser or the pg_checkpoint role).")
    private boolean force;

    @Option(names = "--archive", description = "Wait until the closed WAL file is archived (archive-wal runs "
            + "meanwhile, as cron would), or fail.")
    private boolean archive;

    @Option(names = "--archive-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "With --archive: how long to wait (default: ${DEFAULT-VALUE} s).")
    private int archiveTimeout;

    @Parameters(paramLabel = "SERVER", arity = "1..*", description = "Server names, or all.")
    private List<String> targets;

    @Override
    public Integer call() {
        if (archiveTimeout <= 0) {
            throw new BarmanException("--archive-timeout must be a number of seconds above 0, not " + archiveTimeout);
        }
        boolean ok = true;
        for (String target : targets) {
            for (Server server : barman.barman().servers(target)) {
                try {
                    switchWal(server);
                } catch (BarmanException e) {
                    barman.error(e.getMessage());
                    ok = false;
                }
            }
        }
        return ok ? 0 : 1;
    }

    private void switchWal(Server server) {
        WalSwitch walSwitch = server.walSwitch();
        Duration timeout = Duration.ofSeconds(archiveTimeout);
        WalSwitch.Result result = walSwitch.switchWal(force);
        if (result.standby()) {
            barman.info("No switch performed because server '" + server.name() + "' is a standby.");
        } else if (result.closed().isPresent()) {
            barman.info("The WAL file " + result.closed().get() + " has been closed on server '" + server.name()
                    + "'");
        } else {
            barman.info("No switch required for server '" + server.name() + "'");
        }
        if (!archive) {
            return;
        }
        WalFileInfo archived;
        if (result.closed().isPresent()) {
            barman.info("Waiting for the WAL file " + result.closed().get() + " from server '" + server.name()
                    + "' (max: " + archiveTimeout + " seconds)");
            archived = walSwitch.awaitArchived(result.closed().get(), timeout);
        } else {
            barman.info("Waiting for a WAL file from server '" + server.name() + "' to be archived (max: "
                    + archiveTimeout + " seconds)");
            archived = walSwitch.awaitAnyArchived(timeout);
        }
        barman.info("The WAL file " + archived.name() + " of server '" + server.name() + "' is archived");
    }
}
