package org.barman.core.backup;

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
import org.barman.core.Barman;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/**
 * A backup of a streaming standby, as the guide describes it: conninfo points to the standby, WAL comes from the
 * primary's archive_command. The backup must recover.
 */
class BackupFromStandbyIT {

    @Test
    void aStandbyIsBackedUpWithConcurrentBackupAndTheBackupRecovers() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            PostgresCluster primary = fixture.pg;
            primary.execute("CREATE TABLE t(id int) TABLESPACE tbs1");
            primary.execute("INSERT INTO t SELECT generate_series(1, 4321)");
            Path standbyData = fixture.root.resolve("standby");
            Path standbyTablespace = fixture.root.resolve("standby-tbs1");
            Files.createDirectories(standbyData);
            PostgresCluster.grantToClusterUser(fixture.root);
            var made = primary.runAsClusterUser(List.of("pg_basebackup", "-D", standbyData.toString(), "-R",
                    "-X", "stream", "-c", "fast", "-T", fixture.tablespaceLocation + "=" + standbyTablespace,
                    "-h", primary.host(), "-p", Integer.toString(primary.port()), "-U", "postgres"));
            assertThat(made.exitCode()).as(made.stderr()).isZero();
            try (PostgresCluster standby = PostgresCluster.startExisting(standbyData, 15,
                    Map.of("archive_mode", "off", "hot_standby", "on"))) {
                assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
                Files.writeString(fixture.config(), Files.readString(fixture.config())
                        .replace("conninfo = " + primary.conninfo(), "conninfo = " + standby.conninfo()));
                Barman barman = fixture.barman();
                AtomicBoolean running = new AtomicBoolean(true);
                CompletableFuture<Void> switching = CompletableFuture.runAsync(() -> {
                    while (running.get()) {
                        primary.execute("INSERT INTO t VALUES (0)");
                        primary.execute("SELECT pg_switch_wal()");
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                BackupInfo backup;
                try {
                    backup = barman.server("main").takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                            Optional.empty(), Optional.empty(), Duration.ofMinutes(2)), CopyListener.NONE);
                } finally {
                    running.set(false);
                    switching.join();
                }
                assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
                assertThat(backup.pgdata()).isEqualTo(standbyData.toString());
                assertThat(backup.tablespaces()).singleElement()
                        .satisfies(t -> assertThat(t.location()).isEqualTo(standbyTablespace.toString()));
                Path data = fixture.restoreForStart(barman, backup, "from-standby");
                Files.deleteIfExists(data.resolve("standby.signal"));
                try (PostgresCluster copy = BackupFixture.start(data)) {
                    assertThat(Long.parseLong(copy.queryValue("SELECT count(*) FROM t WHERE id > 0")))
                            .isEqualTo(4321);
                }
            }
        }
    }
}
