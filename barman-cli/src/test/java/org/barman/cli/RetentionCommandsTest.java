package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands print about retention: list-backup, show-backup, show-server, check and cron. */
class RetentionCommandsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path config;
    private Server server;

    private void serverWith(String options) throws IOException {
        config = dir.resolve("barman.conf");
        Files.writeString(config, """
                [barman]
                barman_home = %s
                barman_user = %s
                log_file = %s

                [main]
                conninfo = host=127.0.0.1 port=1 connect_timeout=2
                %s
                """.formatted(dir.resolve("home"), System.getProperty("user.name"), dir.resolve("log/barman.log"),
                options));
        server = Barman.load(config).server("main");
        backup("20240101T000000", BackupStatus.DONE, 2);
        backup("20240102T000000", BackupStatus.FAILED, 4);
        backup("20240103T000000", BackupStatus.DONE, 5);
        Path wals = server.config().walsDirectory();
        for (int segment = 1; segment <= 6; segment++) {
            WalSegmentName name = WalSegmentName.of(1, 0, segment);
            Files.createDirectories(wals.resolve(name.directoryName()));
            Files.write(wals.resolve(name.directoryName()).resolve(name.fileName()), new byte[(int) MIB]);
        }
        server.rebuildXlogDb();
    }

    private void backup(String id, BackupStatus status, int segment) throws IOException {
        BackupId backupId = BackupId.parse(id);
        WalSegmentName wal = WalSegmentName.of(1, 0, segment);
        BackupInfo.Builder builder = BackupInfo.builder(backupId).serverName("main").status(status)
                .mode("local-concurrent").beginTime(backupId.time().atOffset(ZoneOffset.UTC)).beginWal(wal)
                .beginXlog(wal.startLsn(MIB).plus(40)).beginOffset(40).timeline(1).xlogSegmentSize(MIB)
                .version(150004).systemid("7356142312346542121").pgdata("/var/lib/postgresql/15/main");
        if (status == BackupStatus.DONE) {
            builder.endWal(wal).endXlog(wal.startLsn(MIB).plus(0x138)).endOffset(0x138)
                    .endTime(backupId.time().plusMinutes(10).atOffset(ZoneOffset.UTC)).size(MIB);
        } else {
            builder.error("failure copying files");
        }
        server.catalog().create(builder.build());
        Files.createDirectories(server.catalog().dataDirectory(backupId));
    }

    private CliRun barman(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = config.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.of(full);
    }

    @Test
    void listBackupAndShowBackupShowWhatThePolicySays() throws IOException {
        serverWith("retention_policy = REDUNDANCY 1");
        String list = barman("list-backup", "main").out();
        assertThat(list.lines()).hasSize(3);
        assertThat(list.lines().filter(line -> line.startsWith("main 20240101T000000")))
                .singleElement().asString().endsWith(" - OBSOLETE");
        assertThat(list.lines().filter(line -> line.startsWith("main 20240103T000000")))
                .singleElement().asString().endsWith("WAL Size: 1.0 MiB");
        assertThat(barman("show-backup", "main", "oldest").out())
                .contains("    Retention Policy     : OBSOLETE\n");
        assertThat(barman("show-backup", "main", "latest").out())
                .contains("    Retention Policy     : VALID\n");

        JsonNode json = new ObjectMapper().readTree(barman("-f", "json", "list-backup", "main").out()).get("main");
        assertThat(json.get(0).get("retention_status").asText()).isEqualTo("VALID");
        assertThat(json.get(2).get("retention_status").asText()).isEqualTo("OBSOLETE");
        JsonNode shown = new ObjectMapper().readTree(barman("-f", "json", "show-backup", "main", "oldest").out());
        assertThat(shown.get("main").get("retention_policy_status").asText()).isEqualTo("OBSOLETE");
    }

    @Test
    void cronPrintsEachBackupItRemovesAsBarmanDoesThenTheWal() throws IOException {
        serverWith("retention_policy = REDUNDANCY 1");
        CliRun run = barman("cron");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                Starting WAL archiving for server main
                Enforcing retention policy: removing backup 20240101T000000 for server main
                Enforcing retention policy: removing WAL files of server main older than 000000010000000000000005:
                \t000000010000000000000001
                \t000000010000000000000002
                \t000000010000000000000003
                \t000000010000000000000004
                """);
        assertThat(barman("list-backup", "--minimal", "main").out()).isEqualTo("20240103T000000\n"
                + "20240102T000000\n");
        assertThat(barman("cron").out()).isEqualTo("Starting WAL archiving for server main\n");
    }

    @Test
    void cronSaysItSkipsRetentionWhileABackupRuns() throws IOException {
        serverWith("retention_policy = REDUNDANCY 1");
        Path lockDirectory = server.config().lockDirectory();
        try (FileLock running = Locks.server(lockDirectory, "main", Locks.Kind.BACKUP)) {
            CliRun run = barman("cron");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).isEqualTo("Starting WAL archiving for server main\n"
                    + "Skipping retention policy of server main: backup of server main is already running (pid "
                    + ProcessHandle.current().pid() + ", lock file " + running.path()
                    + "); the next cron enforces it\n");
        }
        assertThat(barman("list-backup", "--minimal", "main").out()).contains("20240101T000000");
    }

    @Test
    void cronSaysItKeepsAnObsoleteBackupThatARecoveryUses() throws IOException {
        serverWith("retention_policy = REDUNDANCY 1");
        Path lockDirectory = server.config().lockDirectory();
        try (FileLock recovery = Locks.backupInUse(lockDirectory, "main", BackupId.parse("20240101T000000"))) {
            CliRun run = barman("cron");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).isEqualTo("Starting WAL archiving for server main\n"
                    + "Enforcing retention policy: keeping backup 20240101T000000 of server main this time: backup "
                    + "20240101T000000 of server main is in use by recover, list-files, a backup reusing it or cron "
                    + "(pid " + ProcessHandle.current().pid() + ", lock file " + recovery.path() + "); the next cron "
                    + "deletes it\n"
                    + "Enforcing retention policy: removing WAL files of server main older than "
                    + "000000010000000000000002:\n\t000000010000000000000001\n");
        }
        assertThat(barman("cron").out()).contains("Enforcing retention policy: removing backup 20240101T000000 "
                + "for server main\n");
    }

    @Test
    void showServerAndCheckShowThePolicy() throws IOException {
        serverWith("retention_policy = redundancy 1\nminimum_redundancy = 2");
        assertThat(barman("show-server", "main").out()).contains("\tretention_policy = REDUNDANCY 1\n",
                "\twal_retention_policy = MAIN\n", "\tretention_policy_mode = auto\n",
                "\tminimum_redundancy = 2\n");
        CliRun check = barman("check", "main");
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.out()).contains("\tdirectories: OK\n\tretention policy settings: FAILED (REDUNDANCY 1 is "
                + "below minimum_redundancy = 2, so 2 backups are kept: set retention_policy = REDUNDANCY 2 or "
                + "lower minimum_redundancy)\n", "\tminimum redundancy requirements: OK (have 2 backups, expected "
                + "at least 2)\n");
    }
}
