package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.core.Barman;
import org.barman.core.catalog.Catalog;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code barman backup} of the built distribution gets {@code kill -9} while PostgreSQL 15 sends it a
 * {@code backup_method = postgres} backup ({@code bandwidth_limit} keeps it mid-stream): the backup stays STARTED,
 * the server's WAL sender ends, {@code check} reports it abandoned, the next {@code cron} marks it FAILED with the
 * reason (which {@code check} then shows), and the next backup is DONE.
 */
class PostgresBackupKilledIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int SIGKILL_EXIT = 128 + 9;

    static PostgresMethodCluster cluster;
    static PostgresCluster pg;
    static BuiltDistribution distribution;

    @BeforeAll
    static void clusterBackedUpSlowly() throws IOException {
        cluster = PostgresMethodCluster.start("barman-postgres-killed-it", 15);
        pg = cluster.pg();
        PostgresMethodCluster.fillTablespace(pg, 50000);
        distribution = BuiltDistribution.copyInto(cluster.root().resolve("distribution"));
        Files.writeString(cluster.config(), Files.readString(cluster.config()) + "bandwidth_limit = 1024\n");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aBackupKilledMidStreamIsReportedByCheckMarkedFailedByCronAndTheNextBackupIsDone() throws Exception {
        Catalog catalog = Barman.load(cluster.config(), Plugins.load()).server("main").catalog();
        Path out = cluster.root().resolve("backup.out");
        Process backup = new ProcessBuilder(distribution.barman().toString(), "-c", cluster.config().toString(),
                "backup", "--immediate-checkpoint", "main").redirectOutput(out.toFile())
                .redirectError(cluster.root().resolve("backup.err").toFile()).start();
        BackupId id;
        try {
            id = awaitFilesReceived(catalog, backup);
        } finally {
            backup.destroyForcibly();
            assertThat(backup.waitFor(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(backup.exitValue()).as("killed by SIGKILL, not ended by itself").isEqualTo(SIGKILL_EXIT);
        assertThat(catalog.get(id).status()).as("left by the killed process").isEqualTo(BackupStatus.STARTED);

        PostgresMethodCluster.await(WAIT, () -> "0".equals(pg.queryValue("SELECT count(*) FROM pg_stat_activity "
                + "WHERE backend_type = 'walsender'")), "the WAL sender of the killed backup ends");
        assertThat(pg.queryValue("SELECT count(*) FROM pg_stat_progress_basebackup")).as("backups in progress")
                .isEqualTo("0");
        CliRun check = cluster.barman("check", "main");
        assertThat(check.exitCode()).as(check.out()).isEqualTo(1);
        assertThat(check.out()).contains("\tabandoned backups: FAILED (backup " + id + " is STARTED but no process "
                + "works on it: its process ended (killed?) without recording the result");

        CliRun cron = cluster.barman("cron");

        assertThat(cron.exitCode()).as(cron.err()).isZero();
        BackupInfo failed = catalog.get(id);
        assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(failed.error()).isEqualTo("the backup process ended without recording the result (killed, or "
                + "its host stopped): barman cron found the backup STARTED and no process holding the backup lock "
                + "of server main");
        CliRun again = cluster.barman("check", "main");
        assertThat(again.out()).contains("\tabandoned backups: OK\n", "\tfailed backups: FAILED (there are 1 failed "
                + "backups, the latest one too (" + id + ": " + failed.error() + "))\n");

        Files.writeString(cluster.config(), Files.readString(cluster.config())
                .replace("bandwidth_limit = 1024\n", "bandwidth_limit = 0\n"));
        CliRun next = cluster.barman("backup", "--wait", "--immediate-checkpoint", "main");

        assertThat(next.exitCode()).as(next.err()).isZero();
        Matcher done = Pattern.compile("Backup (\\d{8}T\\d{6}) of server main: DONE").matcher(next.out());
        assertThat(done.find()).as(next.out()).isTrue();
        BackupId second = BackupId.parse(done.group(1));
        assertThat(catalog.dataDirectory(second).resolve("backup_manifest")).isRegularFile();
        assertThat(catalog.oldestFirst()).extracting(BackupInfo::id, BackupInfo::status)
                .containsExactly(tuple(id, BackupStatus.FAILED), tuple(second, BackupStatus.DONE));
    }

    /** Waits until the backup process has received a data file of the server's, and is still receiving. */
    private static BackupId awaitFilesReceived(Catalog catalog, Process backup) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<BackupInfo> backups = catalog.oldestFirst();
            if (!backups.isEmpty() && hasRegularFile(catalog.dataDirectory(backups.get(0).id()).resolve("base"))) {
                assertThat(backup.isAlive()).as("still receiving (bandwidth_limit)").isTrue();
                return backups.get(0).id();
            }
            assertThat(backup.isAlive()).as("the backup process runs; it printed %s",
                    Files.readString(cluster.root().resolve("backup.err"))).isTrue();
            assertThat(System.nanoTime()).as("the backup receives files").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean hasRegularFile(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.anyMatch(Files::isRegularFile);
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }
}
