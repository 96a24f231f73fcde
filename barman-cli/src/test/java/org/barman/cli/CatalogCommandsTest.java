package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionStatus;
import org.barman.api.Tablespace;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.catalog.BackupSummary;
import org.barman.core.catalog.Catalog;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list-backup, show-backup, list-files and delete run in-process on a real catalogue and WAL archive. */
class CatalogCommandsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path config;
    private Server server;
    private Catalog catalog;

    @BeforeEach
    void fourBackupsAndTheirWal() throws IOException {
        config = config("");
        server = Barman.load(config).server("main");
        catalog = server.catalog();
        backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003",
                3 * MIB, new Tablespace("tbs1", 16387, "/srv/tbs1"), new Tablespace("tbs2", 16388, "/srv/tbs2"));
        backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000004", null, 0);
        backup("20240103T000000", BackupStatus.WAITING_FOR_WALS, "000000010000000000000006",
                "000000010000000000000006", MIB);
        backup("20240104T000000", BackupStatus.STARTED, "000000010000000000000008", null, 0);
        archive(2, 3, 4, 5, 6, 7);
    }

    private Path config(String mainOptions) throws IOException {
        Path file = dir.resolve("barman.conf");
        Files.writeString(file, """
                [barman]
                barman_home = %s
                barman_user = %s
                log_file = %s

                [main]
                description = "Main PostgreSQL Database"
                conninfo = host=pg user=postgres
                %s

                [other]
                conninfo = host=other
                """.formatted(dir.resolve("home"), System.getProperty("user.name"), dir.resolve("log/barman.log"),
                mainOptions));
        return file;
    }

    private void backup(String id, BackupStatus status, String beginWal, String endWal, long size,
            Tablespace... tablespaces) throws IOException {
        BackupId backupId = BackupId.parse(id);
        OffsetDateTime begin = backupId.time().atOffset(ZoneOffset.ofHours(2));
        WalSegmentName first = WalSegmentName.parse(beginWal);
        BackupInfo.Builder builder = BackupInfo.builder(backupId).serverName("main").status(status)
                .mode("local-concurrent").beginTime(begin).beginWal(first)
                .beginXlog(first.startLsn(MIB).plus(40)).beginOffset(40).timeline(1).xlogSegmentSize(MIB)
                .version(150004).systemid("7356142312346542121").pgdata("/var/lib/postgresql/15/main")
                .tablespaces(Arrays.asList(tablespaces)).size(size).deduplicatedSize(size / 2);
        if (endWal != null) {
            WalSegmentName last = WalSegmentName.parse(endWal);
            builder.endWal(last).endXlog(last.startLsn(MIB).plus(0x138)).endOffset(0x138)
                    .endTime(begin.plusMinutes(10).plusNanos(250_000_000));
        }
        if (status == BackupStatus.FAILED) {
            builder.error("failure copying files");
        }
        catalog.create(builder.build());
        Path data = catalog.dataDirectory(backupId);
        Files.createDirectories(data);
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
    }

    /** Archives 1 MiB segments whose modification times are a minute apart (segment n at n minutes). */
    private void archive(int... segments) throws IOException {
        Path incoming = server.config().incomingWalsDirectory();
        Files.createDirectories(incoming);
        for (int segment : segments) {
            Path file = incoming.resolve(WalSegmentName.of(1, 0, segment).fileName());
            Files.write(file, new byte[(int) MIB]);
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + 60L * segment)));
        }
        assertThat(server.archiveWal().archived()).hasSize(segments.length);
    }

    private CliRun barman(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = config.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.of(full);
    }

    @Test
    void listBackupPrintsBarmansLinesNewestFirst() {
        CliRun run = barman("list-backup", "main");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                main 20240104T000000 - STARTED
                main 20240103T000000 - Wed Jan  3 00:10:00 2024 - Size: 2.0 MiB - WAL Size: 1.0 MiB - WAITING_FOR_WALS
                main 20240102T000000 - FAILED
                main 20240101T000000 - Mon Jan  1 00:10:00 2024 - Size: 5.0 MiB - WAL Size: 3.0 MiB \
                (tablespaces: tbs1:/srv/tbs1, tbs2:/srv/tbs2)
                """);
    }

    @Test
    void listBackupAllMinimalAndJson() throws IOException {
        assertThat(barman("list-backup", "all").out()).startsWith("main 20240104T000000 - STARTED\n")
                .doesNotContain("other");
        assertThat(barman("list-backup", "--minimal", "main").out())
                .isEqualTo("20240104T000000\n20240103T000000\n20240102T000000\n20240101T000000\n");
        assertThat(barman("-q", "list-backup", "main").out()).isEmpty();

        CliRun json = barman("-f", "json", "list-backup", "all");
        assertThat(json.exitCode()).isZero();
        JsonNode tree = new ObjectMapper().readTree(json.out());
        assertThat(tree.get("other")).isEmpty();
        JsonNode oldest = tree.get("main").get(3);
        assertThat(oldest.get("backup_id").asText()).isEqualTo("20240101T000000");
        assertThat(oldest.get("end_time").asText()).isEqualTo("Mon Jan  1 00:10:00 2024");
        assertThat(oldest.get("size_bytes").asLong()).isEqualTo(5 * MIB);
        assertThat(oldest.get("wal_size").asText()).isEqualTo("3.0 MiB");
        assertThat(oldest.get("retention_status").asText()).isEqualTo("-");
        assertThat(oldest.get("tablespaces").get(1).get("location").asText()).isEqualTo("/srv/tbs2");
        assertThat(tree.get("main").get(2).toString()).isEqualTo("{\"backup_id\":\"20240102T000000\","
                + "\"status\":\"FAILED\"}");
    }

    @Test
    void theRetentionStatusIsAppendedWhenAPolicyMarksABackup() {
        BackupInfo done = catalog.get(BackupId.parse("20240103T000000")).toBuilder().status(BackupStatus.DONE)
                .build();
        assertThat(ListBackupCommand.line("main", new BackupSummary(done, MIB, 0, RetentionStatus.OBSOLETE)))
                .isEqualTo("main 20240103T000000 - Wed Jan  3 00:10:00 2024 - Size: 1.0 MiB - WAL Size: 0 B"
                        + " - OBSOLETE");
        assertThat(ListBackupCommand.line("main", new BackupSummary(done, MIB, 0, RetentionStatus.VALID)))
                .endsWith("WAL Size: 0 B");
    }

    @Test
    void showBackupPrintsBarmansLayout() {
        CliRun run = barman("show-backup", "main", "oldest");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                Backup 20240101T000000:
                  Server Name            : main
                  System Id              : 7356142312346542121
                  Status                 : DONE
                  PostgreSQL Version     : 150004
                  PGDATA directory       : /var/lib/postgresql/15/main
                  Tablespaces:
                    tbs1: /srv/tbs1 (oid: 16387)
                    tbs2: /srv/tbs2 (oid: 16388)

                  Base backup information:
                    Backup Method        : local-concurrent
                    Disk usage           : 3.0 MiB (5.0 MiB with WALs)
                    Incremental size     : 1.5 MiB (-50.00%)
                    Timeline             : 1
                    Begin WAL            : 000000010000000000000002
                    End WAL              : 000000010000000000000003
                    WAL number           : 2
                    Begin time           : 2024-01-01 00:00:00+02:00
                    End time             : 2024-01-01 00:10:00.250000+02:00
                    Begin Offset         : 40
                    End Offset           : 312
                    Begin LSN           : 0/200028
                    End LSN             : 0/300138

                  WAL information:
                    No of files          : 3
                    Disk usage           : 3.0 MiB
                    WAL rate             : 75.00/hour
                    Last available       : 000000010000000000000006

                  Catalog information:
                    Retention Policy     : not enforced
                    Previous Backup      : - (this is the oldest base backup)
                    Next Backup          : 20240103T000000
                """);
    }

    @Test
    void showBackupOfAFailedBackupShowsItsErrorAndJsonHasTheFields() throws IOException {
        assertThat(barman("show-backup", "main", "20240102T000000").out()).isEqualTo("""
                Backup 20240102T000000:
                  Server Name            : main
                  System Id              : 7356142312346542121
                  Status                 : FAILED
                  Error:            : failure copying files
                """);
        CliRun json = barman("-f", "json", "show-backup", "main", "latest");
        JsonNode backup = new ObjectMapper().readTree(json.out()).get("main");
        assertThat(backup.get("backup_id").asText()).isEqualTo("20240103T000000");
        assertThat(backup.get("status").asText()).isEqualTo("WAITING_FOR_WALS");
        assertThat(backup.get("previous_backup_id").asText()).isEqualTo("20240101T000000");
        assertThat(backup.get("next_backup_id").isNull()).isTrue();
        assertThat(backup.get("wal_until_next_num").asInt()).isEqualTo(1);
        assertThat(backup.get("end_time").asText()).isEqualTo("Wed Jan  3 00:10:00 2024");
        assertThat(backup.get("copy_stats").isNull()).isTrue();
    }

    @Test
    void listFilesPrintsOnePathPerLine() {
        Path base = catalog.backupDirectory(BackupId.parse("20240101T000000"));
        Path wals = server.config().walsDirectory().resolve("0000000100000000");
        assertThat(barman("list-files", "--target", "data", "main", "20240101T000000").out()).isEqualTo(
                base.resolve("backup.info") + "\n" + base.resolve("data/PG_VERSION") + "\n");
        assertThat(barman("list-files", "main", "oldest").out()).isEqualTo(
                base.resolve("backup.info") + "\n" + base.resolve("data/PG_VERSION") + "\n"
                        + wals.resolve("000000010000000000000002") + "\n" + wals.resolve("000000010000000000000003")
                        + "\n");
        List<String> wal = barman("list-files", "--target", "wal", "main", "latest").out().lines().toList();
        assertThat(wal).containsExactly(wals.resolve("000000010000000000000006").toString(),
                wals.resolve("000000010000000000000007").toString());
        CliRun bad = barman("list-files", "--target", "all", "main", "latest");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("ERROR: 'all' is not a list-files target: expected one of [data, "
                + "standalone, wal, full]\n");
    }

    @Test
    void deleteRemovesTheBackupAndTheWalNoOneNeeds() {
        CliRun run = barman("delete", "main", "oldest");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).matches("""
                Deleting backup 20240101T000000 for server main
                Delete associated WAL segments:
                \t000000010000000000000002
                \t000000010000000000000003
                \t000000010000000000000004
                \t000000010000000000000005
                Deleted backup 20240101T000000 \\(start time: \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}, \
                elapsed time: less than one second\\)
                """);
        assertThat(catalog.backupDirectory(BackupId.parse("20240101T000000"))).doesNotExist();
        assertThat(barman("list-backup", "main").out()).doesNotContain("20240101T000000");
        assertThat(server.walArchive().list()).hasSize(2);
    }

    @Test
    void deleteRefusedByMinimumRedundancyIsAnErrorChangingNothing() throws IOException {
        config = config("minimum_redundancy = 1");
        CliRun run = barman("delete", "main", "20240101T000000");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ERROR: Skipping delete of backup 20240101T000000 for server main due to "
                + "minimum redundancy requirements (minimum redundancy = 1, current redundancy = 1)\n");
        assertThat(catalog.oldestFirst()).hasSize(4);
    }

    @Test
    void deleteWhileABackupRunsIsRefusedWithTheLockMessage() {
        Path lockDirectory = server.config().lockDirectory();
        try (FileLock running = Locks.server(lockDirectory, "main", Locks.Kind.BACKUP)) {
            CliRun run = barman("delete", "main", "oldest");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("ERROR: backup of server main is already running (pid "
                    + ProcessHandle.current().pid() + ", lock file "
                    + Locks.path(lockDirectory, "main", Locks.Kind.BACKUP) + ")\n");
        }
        assertThat(catalog.oldestFirst()).hasSize(4);
    }

    @Test
    void deleteOfABackupARecoveryUsesIsRefusedInOneLineNamingTheBackupAndThePid() {
        Path lockDirectory = server.config().lockDirectory();
        BackupId oldest = catalog.oldest().orElseThrow().id();
        try (FileLock recovery = Locks.backupInUse(lockDirectory, "main", oldest)) {
            CliRun run = barman("delete", "main", "oldest");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("ERROR: backup " + oldest + " of server main is in use by recover, "
                    + "list-files, a backup reusing it or cron (pid " + ProcessHandle.current().pid() + ", lock file "
                    + recovery.path() + ")\n");
        }
        assertThat(catalog.oldestFirst()).hasSize(4);
    }

    @Test
    void aBackupReferenceThatIsAPathIsRefused() {
        for (String reference : List.of("../other", "/etc", "20240101T000000/../..")) {
            CliRun run = barman("show-backup", "main", reference);
            assertThat(run.exitCode()).as(reference).isEqualTo(1);
            assertThat(run.err()).as(reference).startsWith("ERROR: server main: '" + reference
                    + "' is not a backup id: expected YYYYMMDDTHHMMSS");
        }
        CliRun unknown = barman("delete", "main", "20230101T000000");
        assertThat(unknown.err()).isEqualTo("ERROR: server main has no backup 20230101T000000 "
                + "(barman list-backup main lists its backups)\n");
    }
}
