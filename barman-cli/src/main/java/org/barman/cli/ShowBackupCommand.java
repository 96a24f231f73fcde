package org.barman.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.RetentionStatus;
import org.barman.api.Tablespace;
import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.catalog.BackupDetails;
import org.barman.core.catalog.BackupInfoFile;
import org.barman.core.catalog.BackupWalSummary;
import org.barman.core.catalog.Catalog;
import org.barman.core.config.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman show-backup SERVER ID}: everything known about one backup, in Barman's layout. */
@Command(mixinStandardHelpOptions = true, name = "show-backup", description = "Show the details of a backup (an id, or latest, last, oldest, first).")
final class ShowBackupCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Parameters(index = "0", paramLabel = "SERVER", description = "A server name.")
    private String serverName;

    @Parameters(index = "1", paramLabel = "BACKUP_ID", description = "A backup id, or latest, last, oldest, first.")
    private String reference;

    @Override
    public Integer call() {
        Server server = barman.barman().server(serverName);
        BackupDetails details = server.showBackup(reference);
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), Map.of(server.name(), json(details)));
        } else {
            lines(details).forEach(barman::info);
        }
        return 0;
    }

    /**
     * @param details a backup's details
     * @return the lines of Barman's {@code show-backup} (Barman 2.x/3.x console layout)
     */
    static List<String> lines(BackupDetails details) {
        BackupInfo info = details.info();
        List<String> out = new ArrayList<>();
        out.add("Backup " + info.id() + ":");
        out.add("  Server Name            : " + info.serverName());
        if (info.systemid() != null) {
            out.add("  System Id              : " + info.systemid());
        }
        out.add("  Status                 : " + info.status());
        if (!Catalog.COPY_DONE.contains(info.status())) {
            if (info.error() != null) {
                out.add("  Error:            : " + Secrets.mask(info.error()));
            }
            return out;
        }
        BackupWalSummary wal = details.wal();
        out.add("  PostgreSQL Version     : " + info.version());
        out.add("  PGDATA directory       : " + info.pgdata());
        if (!info.tablespaces().isEmpty()) {
            out.add("  Tablespaces:");
            for (Tablespace tablespace : info.tablespaces()) {
                out.add("    " + tablespace.name() + ": " + tablespace.location() + " (oid: " + tablespace.oid() + ")");
            }
        }
        out.add("");
        out.add("  Base backup information:");
        if (info.mode() != null) {
            out.add("    Backup Method        : " + info.mode());
        }
        if (info.compression() != null) {
            out.add("    Compression          : " + info.compression() + " (tar archives)");
        }
        out.add("    Disk usage           : " + Formats.prettySize(info.size()) + " ("
                + Formats.prettySize(info.size() + wal.requiredSize()) + " with WALs)");
        if (info.deduplicatedSize() > 0 && info.size() > 0) {
            out.add("    Incremental size     : " + Formats.prettySize(info.deduplicatedSize()) + " (-"
                    + Formats.percent(1 - (double) info.deduplicatedSize() / info.size()) + ")");
        }
        out.add("    Timeline             : " + info.timeline());
        out.add("    Begin WAL            : " + info.beginWal());
        out.add("    End WAL              : " + info.endWal());
        out.add("    WAL number           : " + wal.requiredCount());
        if (wal.requiredCompressionRatio() > 0) {
            out.add("    WAL compression ratio: " + Formats.percent(wal.requiredCompressionRatio()));
        }
        out.add("    Begin time           : " + BackupInfoFile.time(info.beginTime()));
        out.add("    End time             : " + BackupInfoFile.time(info.endTime()));
        out.add("    Begin Offset         : " + info.beginOffset());
        out.add("    End Offset           : " + info.endOffset());
        out.add("    Begin LSN           : " + info.beginXlog());
        out.add("    End LSN             : " + info.endXlog());
        out.add("");
        out.add("  WAL information:");
        out.add("    No of files          : " + wal.untilNextCount());
        out.add("    Disk usage           : " + Formats.prettySize(wal.untilNextSize()));
        if (wal.walsPerSecond() > 0) {
            out.add("    WAL rate             : " + Formats.fixed(wal.walsPerSecond() * 3600, 2) + "/hour");
        }
        if (wal.untilNextCompressionRatio() > 0) {
            out.add("    Compression ratio    : " + Formats.percent(wal.untilNextCompressionRatio()));
        }
        out.add("    Last available       : " + wal.last().map(file -> file.name().fileName()).orElse("None"));
        out.add("");
        out.add("  Catalog information:");
        out.add("    Retention Policy     : " + (details.retentionStatus() == RetentionStatus.NONE ? "not enforced"
                : details.retentionStatus().display()));
        out.add("    Previous Backup      : " + details.previous().map(BackupId::value)
                .orElse("- (this is the oldest base backup)"));
        out.add("    Next Backup          : " + details.next().map(BackupId::value)
                .orElse("- (this is the latest base backup)"));
        return out;
    }

    /** The backup.info fields (times as {@code ctime}, as Barman's JSON does) and the WAL figures. */
    private static Map<String, Object> json(BackupDetails details) {
        BackupInfo info = details.info();
        BackupWalSummary wal = details.wal();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("backup_id", info.id().value());
        out.put("server_name", info.serverName());
        out.put("status", info.status().name());
        out.put("mode", info.mode());
        out.put("compression", info.compression());
        out.put("systemid", info.systemid());
        out.put("version", info.version());
        out.put("pgdata", info.pgdata());
        List<List<Object>> tablespaces = new ArrayList<>();
        info.tablespaces().forEach(t -> tablespaces.add(List.of(t.name(), t.oid(), t.location())));
        out.put("tablespaces", tablespaces.isEmpty() ? null : tablespaces);
        out.put("timeline", info.timeline());
        out.put("begin_time", info.beginTime() == null ? null : Formats.ctime(info.beginTime()));
        out.put("end_time", info.endTime() == null ? null : Formats.ctime(info.endTime()));
        out.put("begin_wal", text(info.beginWal()));
        out.put("end_wal", text(info.endWal()));
        out.put("begin_xlog", text(info.beginXlog()));
        out.put("end_xlog", text(info.endXlog()));
        out.put("begin_offset", info.beginOffset());
        out.put("end_offset", info.endOffset());
        out.put("size", info.size());
        out.put("deduplicated_size", info.deduplicatedSize());
        out.put("xlog_segment_size", info.xlogSegmentSize());
        out.put("config_file", info.configFile());
        out.put("hba_file", info.hbaFile());
        out.put("ident_file", info.identFile());
        out.put("included_files", info.includedFiles().isEmpty() ? null : info.includedFiles());
        out.put("backup_label", info.backupLabel());
        out.put("error", Secrets.mask(info.error()));
        details.otherFields().forEach((key, value) -> out.put(key, "None".equals(value) ? null : value));
        if (Catalog.COPY_DONE.contains(info.status())) {
            out.put("wal_num", wal.requiredCount());
            out.put("wal_size", wal.requiredSize());
            out.put("wal_until_next_num", wal.untilNextCount());
            out.put("wal_until_next_size", wal.untilNextSize());
            out.put("wal_first", wal.first().map(ShowBackupCommand::name).orElse(null));
            out.put("wal_last", wal.last().map(ShowBackupCommand::name).orElse(null));
            out.put("wals_per_second", wal.walsPerSecond());
            out.put("wal_compression_ratio", wal.requiredCompressionRatio());
            out.put("wal_until_next_compression_ratio", wal.untilNextCompressionRatio());
            out.put("previous_backup_id", details.previous().map(BackupId::value).orElse(null));
            out.put("next_backup_id", details.next().map(BackupId::value).orElse(null));
            out.put("retention_policy_status", details.retentionStatus() == RetentionStatus.NONE ? null
                    : details.retentionStatus().display());
        }
        return out;
    }

    private static String name(WalFileInfo file) {
        return file.name().fileName();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
