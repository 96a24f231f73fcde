package org.barman.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionStatus;
import org.barman.api.Tablespace;
import org.barman.core.Server;
import org.barman.core.catalog.BackupSummary;
import org.barman.core.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman list-backup SERVER|all}: the backups of a server, newest first, one line each as Barman prints
 * them: {@code main 20120529T092136 - Wed May 30 15:20:25 2012 - Size: 5.0 GiB - WAL Size: 845.0 MiB}.
 */
@Command(mixinStandardHelpOptions = true, name = "list-backup", description = "List the backups of a server, or of all, newest first.")
final class ListBackupCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = "--minimal", description = "Print only the backup ids.")
    private boolean minimal;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    @Override
    public Integer call() {
        Map<String, Object> json = new LinkedHashMap<>();
        for (Server server : barman.barman().servers(target)) {
            List<Object> rows = new ArrayList<>();
            for (BackupSummary summary : server.listBackups()) {
                if (barman.format() == OutputFormat.json) {
                    rows.add(minimal ? summary.info().id().value() : json(summary));
                } else {
                    barman.info(minimal ? summary.info().id().value() : line(server.name(), summary));
                }
            }
            json.put(server.name(), rows);
        }
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), json);
        }
        return 0;
    }

    /**
     * @param serverName the server
     * @param summary a backup
     * @return its {@code list-backup} line
     */
    static String line(String serverName, BackupSummary summary) {
        BackupInfo info = summary.info();
        StringBuilder line = new StringBuilder(serverName + " " + info.id() + " - ");
        if (!Catalog.COPY_DONE.contains(info.status())) {
            return line.append(info.status()).toString();
        }
        line.append(info.endTime() == null ? "end time unknown" : Formats.ctime(info.endTime()))
                .append(" - Size: ").append(Formats.prettySize(summary.size()))
                .append(" - WAL Size: ").append(Formats.prettySize(summary.walSize()));
        if (!info.tablespaces().isEmpty()) {
            line.append(" (tablespaces: ").append(String.join(", ", info.tablespaces().stream()
                    .map(tablespace -> tablespace.name() + ":" + tablespace.location()).toList())).append(')');
        }
        if (info.status() == BackupStatus.WAITING_FOR_WALS) {
            line.append(" - ").append(BackupStatus.WAITING_FOR_WALS);
        }
        if (shown(summary.retentionStatus())) {
            line.append(" - ").append(summary.retentionStatus().display());
        }
        return line.toString();
    }

    /** Barman shows the retention status only when a policy is enforced and the backup is not VALID. */
    private static boolean shown(RetentionStatus status) {
        return status != RetentionStatus.NONE && status != RetentionStatus.VALID;
    }

    private static Map<String, Object> json(BackupSummary summary) {
        BackupInfo info = summary.info();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("backup_id", info.id().value());
        if (!Catalog.COPY_DONE.contains(info.status())) {
            row.put("status", info.status().name());
            return row;
        }
        if (info.endTime() != null) {
            row.put("end_time_timestamp", Formats.timestamp(info.endTime()));
            row.put("end_time", Formats.ctime(info.endTime()));
        }
        row.put("size_bytes", summary.size());
        row.put("wal_size_bytes", summary.walSize());
        row.put("size", Formats.prettySize(summary.size()));
        row.put("wal_size", Formats.prettySize(summary.walSize()));
        row.put("status", info.status().name());
        row.put("retention_status", summary.retentionStatus().display());
        List<Map<String, String>> tablespaces = new ArrayList<>();
        for (Tablespace tablespace : info.tablespaces()) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("name", tablespace.name());
            item.put("location", tablespace.location());
            tablespaces.add(item);
        }
        row.put("tablespaces", tablespaces);
        return row;
    }
}
