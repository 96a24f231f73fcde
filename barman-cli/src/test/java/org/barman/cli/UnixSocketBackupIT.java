package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.barman.api.support.OwnerOnly;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Barman on the database host: {@code bin/barman} run as the postgres OS user, connecting through the server's
 * Unix-domain socket with peer authentication and no password, to a real PostgreSQL 15 that listens on no TCP
 * address and whose pg_hba.conf allows only {@code local ... peer}.
 */
class UnixSocketBackupIT {

    static Path work;
    static BuiltDistribution distribution;
    static PostgresCluster pg;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("barman-socket-it");
        distribution = BuiltDistribution.copyForPostgres(work.resolve("dist"));
        Path socketIncoming = OwnerOnly.createFolders(work.resolve("home/socket/incoming"));
        Path pghostIncoming = OwnerOnly.createFolders(work.resolve("home/pghost/incoming"));
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().socketOnly().setting("archive_mode", "on")
                .setting("archive_command", "rsync -a %p " + socketIncoming + "/%f && rsync -a %p "
                        + pghostIncoming + "/%f")
                .start();
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    @Test
    void checkAndBackupThroughTheSocketFolderGivenAsHost() throws Exception {
        Path config = config("socket", "host=" + pg.socketDirectory() + " port=" + pg.port()
                + " user=postgres dbname=postgres");
        checkAndBackUp(config, "socket", Map.of());
    }

    @Test
    void checkAndBackupThroughTheSocketFolderOfPghostWhenConninfoHasNoHost() throws Exception {
        Path config = config("pghost", "user=postgres dbname=postgres");
        checkAndBackUp(config, "pghost",
                Map.of("PGHOST", pg.socketDirectory().toString(), "PGPORT", Integer.toString(pg.port())));
    }

    @Test
    void aWrongSocketFolderFailsTheCheckWithOneLineNamingTheSocketFile() throws Exception {
        Path wrong = work.resolve("not-the-socket-folder");
        Files.createDirectories(wrong);
        Path config = config("wrong", "host=" + wrong + " port=" + pg.port() + " user=postgres dbname=postgres");
        ProcessRun check = barman(config, Map.of(), "check", "wrong");
        assertThat(check.exitCode()).isNotZero();
        String socket = wrong.resolve(".s.PGSQL." + pg.port()).toString();
        assertThat(check.text().lines().filter(line -> line.contains("PostgreSQL:")))
                .singleElement().asString().contains("FAILED").contains(socket + ": No such file or directory");
        assertThat((check.text() + check.err()).lines().filter(line -> line.contains(socket))).hasSize(1);
    }

    private static void checkAndBackUp(Path config, String server, Map<String, String> environment)
            throws Exception {
        archiveUpTo(config, server, environment, pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
        ProcessRun check = barman(config, environment, "check", server);
        assertThat(check.exitCode()).as(check.text() + check.err()).isZero();
        assertThat(check.text()).startsWith("Server " + server + ":\n\tPostgreSQL: OK");

        ProcessRun backup = barman(config, environment, "backup", "--wait", "--immediate-checkpoint", server);
        assertThat(backup.exitCode()).as(backup.text() + backup.err()).isZero();
        assertThat(backup.text()).containsPattern("Backup \\d{8}T\\d{6} of server " + server + ": DONE");
        assertThat(pg.queryValue("select count(*) from pg_hba_file_rules where type <> 'local'")).isEqualTo("0");
    }

    private static Path config(String server, String conninfo) throws IOException {
        Path config = work.resolve(server + ".conf");
        Files.writeString(config, "[barman]\nbarman_home = " + work.resolve("home") + "\nbarman_user = postgres\n"
                + "log_file = " + work.resolve("home/" + server + ".log") + "\ncompression = gzip\n\n[" + server
                + "]\nconninfo = " + conninfo + "\n");
        PostgresCluster.grantToClusterUser(work);
        return config;
    }

    private static void archiveUpTo(Path config, String server, Map<String, String> environment, String wal)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        Path xlogDb = work.resolve("home/" + server + "/wals/xlog.db");
        while (!Files.exists(xlogDb) || !Files.readString(xlogDb).contains(wal + "\t")) {
            ProcessRun cron = barman(config, environment, "-q", "cron");
            assertThat(cron.exitCode()).as(cron.err()).isZero();
            assertThat(System.nanoTime()).as("WAL " + wal + " archived").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static ProcessRun barman(Path config, Map<String, String> environment, String... args)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(distribution.asPostgres(config, List.of(args)));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().putAll(environment);
        return ProcessRun.of(builder, work, Duration.ofMinutes(5));
    }
}
