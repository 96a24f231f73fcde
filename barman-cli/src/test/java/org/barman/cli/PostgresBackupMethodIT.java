package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code backup_method = postgres} with the plug-ins the distribution ships (barman-streaming's strategy found by
 * ServiceLoader), on a real PostgreSQL 15 with a tablespace: the server sends the backup over a replication
 * connection, the copy is checked against its manifest, and {@code recover} brings back exact row counts.
 */
class PostgresBackupMethodIT {

    static PostgresMethodCluster cluster;
    static Path root;
    static PostgresCluster pg;
    static Path config;

    @BeforeAll
    static void clusterWithATablespace() throws Exception {
        cluster = PostgresMethodCluster.start("barman-postgres-method-it", 15);
        root = cluster.root();
        pg = cluster.pg();
        config = cluster.config();
        PostgresMethodCluster.fillTablespace(pg, 30000);
        pg.execute("CREATE TABLE in_default(id int)");
        pg.execute("INSERT INTO in_default SELECT generate_series(1, 4321)");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aBackupCutByTheServerIsTakenAgainIntoEmptyFoldersAndEndsDone() {
        Server server = Barman.load(config, Plugins.load()).server("main");
        AtomicLong transferred = new AtomicLong();
        AtomicInteger terminated = new AtomicInteger();
        CopyListener cutOnce = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                if (transferred.addAndGet(bytes) > 1_000_000 && terminated.get() == 0) {
                    terminated.set(Integer.parseInt(pg.queryValue("SELECT count(pg_terminate_backend(pid)) FROM "
                            + "pg_stat_activity WHERE backend_type = 'walsender'")));
                }
            }
        };

        BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                Optional.of(1), Optional.of(Duration.ZERO), Duration.ofMinutes(1)), cutOnce);

        assertThat(terminated.get()).as("the first attempt's WAL sender terminated").isEqualTo(1);
        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        assertThat(server.catalog().dataDirectory(backup.id()).resolve("backup_manifest")).exists();
    }

    @Test
    void aBackupTheServerSendsIsDoneWithItsManifestAndRecoversWithExactRowCounts() throws Exception {
        Server server = Barman.load(config, Plugins.load()).server("main");
        AtomicLong transferred = new AtomicLong();
        CopyListener counting = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                transferred.addAndGet(bytes);
            }
        };

        BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), counting);

        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        assertThat(backup.mode()).isEqualTo("postgres");
        assertThat(backup.backupLabel()).startsWith("START WAL LOCATION: " + backup.beginXlog())
                .contains("LABEL: Barman backup main " + backup.id());
        Path data = server.catalog().dataDirectory(backup.id());
        assertThat(data.resolve("backup_manifest")).content().contains("\"Checksum-Algorithm\": \"SHA256\"");
        Tablespace tbs = backup.tablespaces().get(0);
        assertThat(server.catalog().tablespaceDirectory(backup.id(), tbs)).isNotEmptyDirectory();
        assertThat(transferred.get()).as("progress heard").isGreaterThan(1_000_000);

        pg.execute("INSERT INTO in_default SELECT generate_series(1, 5)");
        Path destination = root.resolve("restore/data");
        Path relocated = root.resolve("restore/tbs1");
        server.recover(backup.id().toString(), destination.toString(),
                RecoveryOptions.of(RecoveryTarget.NONE).withTablespaces(Map.of("tbs1",
                        relocated.toString())), CopyListener.NONE);
        PostgresCluster.grantToClusterUser(root.resolve("restore"));
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("30000");
            assertThat(copy.queryValue("SELECT sum(id) FROM in_default")).isEqualTo(
                    Long.toString(4321L * 4322 / 2));
        }
    }
}
