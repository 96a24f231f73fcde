package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.barman.api.support.OwnerOnly;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line as a DBA runs it, as processes of the built distribution, against a real PostgreSQL 15:
 * check, backup, list-backup, show-backup, get-wal, and a point-in-time recovery whose restore_command calls
 * barman get-wal. Barman runs as the postgres OS user (barman_user = postgres), as it does when it shares the
 * database host, so that the recovered cluster's restore_command may call it.
 */
class EndToEndIT {

    static Path work;
    static BuiltDistribution distribution;
    static Path config;
    static PostgresCluster pg;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("barman-e2e");
        distribution = BuiltDistribution.copyForPostgres(work.resolve("dist"));
        Path incoming = work.resolve("home/main/incoming");
        OwnerOnly.createFolders(incoming);
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "rsync -a %p " + incoming + "/%f").start();
        config = work.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + work.resolve("home") + "\nbarman_user = postgres\n"
                + "log_file = " + work.resolve("home/barman.log") + "\ncompression = zstd\n\n[main]\n"
                + "description = \"End to end\"\nconninfo = " + pg.conninfo() + "\n");
        PostgresCluster.grantToClusterUser(work);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    static ProcessRun barman(String... args) throws Exception {
        return ProcessRun.of(distribution.asPostgres(config, List.of(args)), work, Duration.ofMinutes(5));
    }

    static void archiveUpTo(String wal) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            ProcessRun cron = barman("-q", "cron");
            assertThat(cron.exitCode()).as(cron.err()).isZero();
            Path xlogDb = work.resolve("home/main/wals/xlog.db");
            if (Files.exists(xlogDb) && Files.readString(xlogDb).contains(wal + "\t")) {
                return;
            }
            assertThat(System.nanoTime()).as("WAL " + wal + " archived").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void checkBackupListShowGetWalAndRecoverToARestorePointWithGetWal() throws Exception {
        archiveUpTo(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
        ProcessRun check = barman("check", "main");
        assertThat(check.exitCode()).as(check.text() + check.err()).isZero();
        assertThat(check.text()).startsWith("Server main:\n\tPostgreSQL: OK");
        ProcessRun nagios = barman("check", "--nagios", "all");
        assertThat(nagios.text()).startsWith("BARMAN OK - Ready to serve the Espresso backup for 1 server");

        ProcessRun backup = barman("backup", "--wait", "--immediate-checkpoint", "main");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.text()).containsPattern("Backup \\d{8}T\\d{6} of server main: DONE");
        ProcessRun list = barman("list-backup", "main");
        assertThat(list.text().lines()).isNotEmpty().allSatisfy(line -> assertThat(line).matches(
                "main \\d{8}T\\d{6} - \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} - Size: .* - WAL Size: .*"));
        ProcessRun show = barman("show-backup", "main", "latest");
        assertThat(show.text()).contains("Status").contains("DONE");
        assertThat(work.resolve("home/barman.log")).content()
                .containsPattern("\\[\\d+\\] org\\.barman\\.core\\.backup\\.BackupExecutor INFO: Starting backup");
        var diagnosis = new com.fasterxml.jackson.databind.ObjectMapper().readTree(barman("diagnose").text());
        assertThat(diagnosis.at("/servers/main/status/last_backup_status").asText()).isEqualTo("DONE");
        assertThat(diagnosis.at("/servers/main/status/backups").asInt()).isPositive();
        assertThat(diagnosis.at("/servers/main/status/last_archived_wal").asText()).matches("[0-9A-F]{24}");

        pg.execute("CREATE TABLE e2e(id int)");
        pg.execute("INSERT INTO e2e SELECT generate_series(1, 700)");
        pg.execute("SELECT pg_create_restore_point('e2e-point')");
        pg.execute("INSERT INTO e2e SELECT generate_series(1, 300)");
        String last = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        archiveUpTo(last);

        ProcessRun wal = barman("get-wal", "main", last);
        assertThat(wal.exitCode()).as(wal.err()).isZero();
        assertThat(wal.out()).hasSize(16 * 1024 * 1024);
        ProcessRun missing = barman("get-wal", "main", "0000000100000000000000FF");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("ERROR: WAL file 0000000100000000000000FF is not in the archive of "
                + "server main\n");

        Path destination = work.resolve("recovered");
        ProcessRun recover = barman("recover", "--get-wal", "--target-name", "e2e-point", "--target-action", "promote",
                "main", "latest", destination.toString());
        assertThat(recover.exitCode()).as(recover.err()).isZero();
        assertThat(recover.text()).contains("restore_command = " + distribution.barman() + " -c "
                + config + " -q get-wal main %f > %p");
        assertThat(destination.resolve("barman_wal")).doesNotExist();
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM e2e")).isEqualTo("700");
        }
    }

    @Test
    void rootRunsEveryCommandAsBarmanUserPassingOutputAndExitCodes() throws Exception {
        String wal = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        archiveUpTo(wal);

        ProcessRun backup = asRoot("backup", "main");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Backup (\\d{8}T\\d{6}) of server main")
                .matcher(backup.text());
        assertThat(id.find()).as(backup.text()).isTrue();
        Path folder = work.resolve("home/main/base").resolve(id.group(1));
        assertThat(Files.getOwner(folder).getName()).isEqualTo("postgres");
        assertThat(Files.getOwner(folder.resolve("backup.info")).getName()).isEqualTo("postgres");
        assertThat(Files.getOwner(work.resolve("home/barman.log")).getName()).isEqualTo("postgres");

        ProcessRun got = asRoot("get-wal", "main", wal);
        assertThat(got.exitCode()).as(got.err()).isZero();
        assertThat(got.out()).hasSize(16 * 1024 * 1024);
        ProcessRun missing = asRoot("get-wal", "main", "0000000100000000000000FE");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("ERROR: WAL file 0000000100000000000000FE is not in the archive of "
                + "server main\n");

        var diagnosis = new com.fasterxml.jackson.databind.ObjectMapper().readTree(asRoot("diagnose").text());
        assertThat(diagnosis.at("/global/system_info/user").asText()).isEqualTo("postgres");
        ProcessRun usage = asRoot("list-backup");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).startsWith("ERROR: Missing required parameter: 'SERVER'");
    }

    /** Runs the distribution's bin/barman as root, which hands the command to barman_user (postgres). */
    static ProcessRun asRoot(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(distribution.barman().toString(), "-c", config.toString()));
        command.addAll(List.of(args));
        return ProcessRun.of(command, work, Duration.ofMinutes(5));
    }

    @Test
    void backupAllCarriesOnAfterAFailureAndExitsNonZero() throws Exception {
        String original = Files.readString(config);
        Files.writeString(config, "[barman]\nbarman_home = " + work.resolve("home") + "\nbarman_user = postgres\n"
                + "\n[broken]\nconninfo = host=127.0.0.1 port=1 user=postgres connect_timeout=2\n"
                + original.substring(original.indexOf("\n[main]")));
        try {
            Files.createDirectories(work.resolve("home/main/base"));
            PostgresCluster.grantToClusterUser(work.resolve("home"));
            long before = Files.list(work.resolve("home/main/base")).count();
            ProcessRun result = barman("backup", "all");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("ERROR: cannot connect to PostgreSQL of server broken");
            assertThat(result.text()).contains("Starting backup of server broken")
                    .contains("Starting backup of server main").containsPattern("Backup \\d{8}T\\d{6} of server main");
            assertThat(Files.list(work.resolve("home/main/base")).count()).isEqualTo(before + 1);
        } finally {
            Files.writeString(config, original);
        }
    }

    @Test
    void aSecondBackupOfTheSameServerFailsAtOnceNamingThePid() throws Exception {
        Files.writeString(config, Files.readString(config) + "bandwidth_limit = 2000\n");
        try {
            List<String> command = distribution.asPostgres(config, List.of("-q", "backup", "main"));
            Path lock = work.resolve("home/.main-backup.lock");
            String before = Files.exists(lock) ? Files.readString(lock) : "";
            Process first = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(lock) || Files.readString(lock).isBlank() || Files.readString(lock).equals(before)) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(50);
            }
            String holder = Files.readString(lock).strip();
            ProcessRun second = barman("backup", "main");
            first.destroy();
            first.waitFor(60, TimeUnit.SECONDS);
            assertThat(second.exitCode()).isNotZero();
            assertThat(second.err()).isEqualTo("ERROR: backup of server main is already running (pid " + holder
                    + ", lock file " + lock + ")\n");
        } finally {
            Files.writeString(config, Files.readString(config).replace("bandwidth_limit = 2000\n", ""));
        }
    }
}
