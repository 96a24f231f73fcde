package org.barman.cli;

import java.util.concurrent.Callable;

import org.barman.core.Server;
import org.barman.core.lock.LockBusyException;
import org.barman.core.wal.ArchiveReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman archive-wal SERVER|all}: moves complete WAL files from the incoming folder (archive_command's) and
 * the streaming folder (receive-wal's) to the archive.
 */
@Command(mixinStandardHelpOptions = true, name = "archive-wal", description = "Move the WAL files PostgreSQL "
        + "delivered (archive_command) and receive-wal received into the archive, compressed.")
final class ArchiveWalCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    @Override
    public Integer call() {
        boolean ok = true;
        for (Server server : barman.barman().servers(target)) {
            try {
                ArchiveReport report = server.archiveWal();
                ArchiveOutput.print(barman, server, report);
                ok &= report.succeeded();
            } catch (LockBusyException busy) {
                barman.info("Another archive-wal process is already running for server " + server.name()
                        + ": skipped (" + busy.getMessage() + ")");
            }
        }
        return ok ? 0 : 1;
    }
}
