package org.barman.cli;

import java.util.concurrent.Callable;

import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.wal.ArchiveReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code barman cron}: the periodic maintenance of every server; run it every minute. */
@Command(name = "cron", description = "Periodic maintenance of every server (WAL archiving); run it every minute.")
final class CronCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Override
    public Integer call() {
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
            public void failed(Server server, String error) {
                // already printed with the archive report, or here when it failed before
                if (!error.startsWith("archiving WAL")) {
                    barman.error(error);
                }
            }
        });
        return ok ? 0 : 1;
    }
}
