package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.ProcessResult;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.Test;

/**
 * {@code backup_method = postgres} against a streaming standby of PostgreSQL 15 (conninfo names the standby, WAL
 * comes from the primary's archive_command): the standby sends the backup over its own replication connection, the
 * backup is DONE, and its copy, recovered as {@code barman recover} does without a target (all the WAL the archive
 * holds) or to {@code immediate}, starts as a primary with exactly the rows the primary had committed.
 */
class PostgresBackupFromStandbyIT {

    @Test
    void aStandbySendsABackupThatRecoversWithExactRows() throws Exception {
        Path root = Files.createTempDirectory("barman-postgres-standby-it");
        Path incoming = root.resolve("home/main/incoming");
        Path tablespace = root.resolve("tbs");
        Path standbyData = root.resolve("standby");
        Path standbyTablespace = root.resolve("standby-tbs");
        Files.createDirectories(incoming);
        Files.createDirectories(tablespace);
        Files.createDirectories(standbyData);
        PostgresCluster.grantToClusterUser(root);
        try (PostgresCluster primary = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f").start()) {
            primary.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespace + "'");
            primary.execute("CREATE TABLE in_tbs(id int) TABLESPACE tbs1");
            primary.execute("INSERT INTO in_tbs SELECT generate_series(1, 4321)");
            primary.execute("CREATE TABLE in_default(id int)");
            primary.execute("INSERT INTO in_default SELECT generate_series(1, 1234)");
            ProcessResult made = primary.runAsClusterUser(List.of(primary.binDirectory().resolve("pg_basebackup")
                    .toString(), "-D", standbyData.toString(), "-R", "-X", "stream", "-c", "fast", "-T",
                    tablespace + "=" + standbyTablespace, "-h", primary.host(), "-p",
                    Integer.toString(primary.port()), "-U", "postgres"));
            assertThat(made.exitCode()).as(made.stderr()).isZero();
            try (PostgresCluster standby = PostgresCluster.startExisting(standbyData, 15,
                    Map.of("archive_mode", "off", "hot_standby", "on"))) {
                assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
                Path config = root.resolve("barman.conf");
                Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                        + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + standby.conninfo() + "\n"
                        + "backup_method = postgres\n");
                Barman barman = Barman.load(config, Plugins.load());
                Server server = barman.server("main");

                BackupInfo backup = takeWhileThePrimarySwitchesWal(server, primary);

                assertThat(backup.status()).as(backup.error()).isEqualTo(BackupStatus.DONE);
                assertThat(backup.mode()).isEqualTo("postgres");
                assertThat(backup.pgdata()).isEqualTo(standbyData.toString());
                assertThat(backup.tablespaces()).singleElement()
                        .satisfies(t -> assertThat(t.location()).isEqualTo(standbyTablespace.toString()));
                assertThat(server.catalog().dataDirectory(backup.id()).resolve("backup_manifest")).isNotEmptyFile();

                archiveUpTo(primary, barman, server, backup.endWal().next(backup.xlogSegmentSize()));
                assertRecoversWithExactRows(server, backup, RecoveryTarget.NONE, root.resolve("restore"));
                assertRecoversWithExactRows(server, backup, new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "",
                        false), root.resolve("restore-immediate"));
            }
        } finally {
            TempFolders.deleteRecursively(root);
        }
    }

    /**
     * Recovers the backup to the target and starts the copy: it starts as a primary, with exactly the rows the
     * primary had committed when the backup was taken.
     */
    private static void assertRecoversWithExactRows(Server server, BackupInfo backup, RecoveryTarget target,
            Path folder) {
        Path destination = folder.resolve("data");
        RecoveryOptions options = RecoveryOptions.of(target).withTablespaces(Map.of("tbs1",
                folder.resolve("tbs1").toString()));
        server.recover(backup.id().toString(), destination.toString(), target.kind() == RecoveryTarget.Kind.NONE
                ? options : options.withTargetAction("promote"), CopyListener.NONE);
        assertThat(destination.resolve("standby.signal")).as("the copy starts as a primary").doesNotExist();
        PostgresCluster.grantToClusterUser(folder);
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(1));
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs WHERE id > 0")).isEqualTo("4321");
            assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("1234");
        }
    }

    /** Has the primary close WAL segments until Barman's archive holds {@code wanted}. */
    private static void archiveUpTo(PostgresCluster primary, Barman barman, Server server, WalSegmentName wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (server.walArchive().find(wanted).isEmpty()) {
            assertThat(System.nanoTime()).as("WAL " + wanted + " archived").isLessThan(deadline);
            primary.execute("INSERT INTO in_tbs VALUES (0)");
            primary.execute("SELECT pg_switch_wal()");
            barman.cron(new CronListener() {
            });
            Thread.sleep(100);
        }
    }

    /**
     * Takes the backup while the primary closes a WAL segment every few hundred milliseconds: a standby cannot
     * switch WAL itself, so the segment that ends the backup reaches the archive only when the primary moves on.
     */
    private static BackupInfo takeWhileThePrimarySwitchesWal(Server server, PostgresCluster primary) {
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<Void> switching = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                primary.execute("INSERT INTO in_tbs VALUES (0)");
                primary.execute("SELECT pg_switch_wal()");
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            return server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                    Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
        } finally {
            running.set(false);
            switching.join();
        }
    }
}
