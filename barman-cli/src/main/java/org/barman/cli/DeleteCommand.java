package org.barman.cli;

import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.catalog.DeletionReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman delete SERVER ID}: deletes a backup and the WAL files no remaining backup needs. Refused while a
 * backup runs for the server, and when it would leave fewer DONE backups than {@code minimum_redundancy}.
 */
@Command(mixinStandardHelpOptions = true, name = "delete", description = "Delete a backup (an id, or oldest, first, latest, last) and the WAL "
        + "files no remaining backup needs.")
final class DeleteCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Parameters(index = "0", paramLabel = "SERVER", description = "A server name.")
    private String serverName;

    @Parameters(index = "1", paramLabel = "BACKUP_ID", description = "A backup id, or oldest, first, latest, last.")
    private String reference;

    @Override
    public Integer call() {
        Server server = barman.barman().server(serverName);
        DeletionReport report = server.deleteBackup(reference);
        if (barman.format() == OutputFormat.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("backup_id", report.backup().id().value());
            json.put("removed_wal", report.removedWal().stream().map(file -> file.name().fileName()).toList());
            Json.print(barman.out(), Map.of(server.name(), json));
            return 0;
        }
        barman.info("Deleting backup " + report.backup().id() + " for server " + server.name());
        if (!report.removedWal().isEmpty()) {
            barman.info("Delete associated WAL segments:");
            for (WalFileInfo file : report.removedWal()) {
                barman.info("\t" + file.name());
            }
        }
        barman.info("Deleted backup " + report.backup().id() + " (start time: "
                + Formats.ctime(report.started().atZone(ZoneId.systemDefault())) + ", elapsed time: "
                + Formats.humanDuration(Duration.between(report.started(), report.ended())) + ")");
        return 0;
    }
}
