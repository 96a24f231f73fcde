package org.barman.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.barman.api.BarmanException;
import org.barman.api.support.OwnerOnly;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.recovery.RecoveryReport;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedding example against a real PostgreSQL 15 that archives its WAL into Barman: the program backs the
 * server up and recovers it, and the recovered copy, started as a cluster of its own, holds exactly the rows
 * written before the backup.
 */
class BackupAndRecoverIT {

    private Path work;
    private PostgresCluster pg;
    private Path config;

    @BeforeEach
    void clusterArchivingIntoBarman() throws IOException {
        work = Files.createTempDirectory("barman-embedding-it");
        Path incoming = work.resolve("barman/main/incoming");
        OwnerOnly.createFolders(incoming);
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f").start();
        config = work.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + work.resolve("barman") + "\nbarman_user = "
                + System.getProperty("user.name") + "\ncompression = gzip\n\n[main]\ndescription = \"Embedded\"\n"
                + "conninfo = " + pg.conninfo() + "\n");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (pg != null) {
            pg.close();
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void theProgramBacksUpListsAndRecoversARealServer() throws Exception {
        pg.execute("CREATE TABLE orders(id int)");
        pg.execute("INSERT INTO orders SELECT generate_series(1, 500)");
        archiveAFirstWalFile();
        Path destination = work.resolve("recovered");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        RecoveryReport report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            report = BackupAndRecover.run(config, "main", destination, out);
        }
        pg.execute("INSERT INTO orders SELECT generate_series(501, 600)");

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("check PostgreSQL: OK").containsPattern("(?m)^backup \\d{8}T\\d{6} DONE \\(WAL ")
                .containsPattern("(?m)^catalogue \\d{8}T\\d{6} DONE \\d+ bytes$")
                .contains("recovery setting recovery_target = immediate")
                .contains("recovery setting recovery_target_action = promote");
        assertThat(report.files()).isPositive();
        assertThat(destination.resolve("recovery.signal")).exists();

        PostgresCluster.grantToClusterUser(destination);
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM orders")).isEqualTo("500");
            assertThat(copy.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("f");
        }
    }

    /** What a DBA does once archiving is set up: switch WAL and run cron until Barman has archived a file. */
    private void archiveAFirstWalFile() throws InterruptedException {
        pg.queryValue("SELECT pg_switch_wal()");
        Barman barman = Barman.load(config);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (barman.server("main").walArchive().list().isEmpty()) {
            assertThat(System.nanoTime()).as("a WAL file reaches Barman's archive").isLessThan(deadline);
            barman.cron(new CronListener() {
            });
            Thread.sleep(200);
        }
    }

    @Test
    void aServerThatIsNotConfiguredFailsWithOneClearLine() {
        assertThatThrownBy(() -> BackupAndRecover.run(config, "nosuchserver", work.resolve("nowhere"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isInstanceOf(BarmanException.class).hasMessageContaining("nosuchserver");
        assertThat(work.resolve("nowhere")).doesNotExist();
    }
}
