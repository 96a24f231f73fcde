package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time recovery from a {@code backup_method = postgres} backup of PostgreSQL 15: batches of rows are
 * committed after the backup, with a restore point and a recorded time between them, and their WAL reaches Barman's
 * archive; a recovery to either target holds exactly the batches committed before it.
 */
class PostgresBackupPointInTimeIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    static PostgresMethodCluster cluster;
    static Path root;
    static PostgresCluster pg;
    static Server server;
    static BackupInfo backup;
    /** clock_timestamp() between the commits of batches 2 and 3. */
    static String betweenBatches2And3;

    @BeforeAll
    static void backupThenBatchesWithTargetsBetween() throws Exception {
        cluster = PostgresMethodCluster.start("barman-postgres-pitr-it", 15);
        root = cluster.root();
        pg = cluster.pg();
        pg.execute("CREATE TABLE batches(batch int, id int) TABLESPACE tbs1");
        pg.execute("INSERT INTO batches SELECT 0, g FROM generate_series(1, 1000) g");
        Barman barman = Barman.load(cluster.config(), Plugins.load());
        server = barman.server("main");
        backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                Optional.empty(), WAIT), CopyListener.NONE);
        assertThat(backup.status()).as(backup.error()).isEqualTo(BackupStatus.DONE);
        assertThat(backup.mode()).isEqualTo("postgres");

        pg.execute("INSERT INTO batches SELECT 1, g FROM generate_series(1, 100) g");
        pg.execute("SELECT pg_create_restore_point('after_batch_1')");
        pg.execute("INSERT INTO batches SELECT 2, g FROM generate_series(1, 100) g");
        betweenBatches2And3 = pg.queryValue("SELECT clock_timestamp()::text");
        pg.execute("SELECT pg_sleep(0.05)");
        pg.execute("INSERT INTO batches SELECT 3, g FROM generate_series(1, 100) g");
        archiveEverything(barman);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRecoveryToARestorePointHoldsExactlyTheBatchesBeforeIt() {
        assertThat(recoveredBatches(new RecoveryTarget(RecoveryTarget.Kind.NAME, "after_batch_1", false), "name"))
                .isEqualTo("0:1000 1:100");
    }

    @Test
    void aRecoveryToATimeHoldsExactlyTheBatchesCommittedBeforeIt() {
        assertThat(recoveredBatches(new RecoveryTarget(RecoveryTarget.Kind.TIME, betweenBatches2And3, false),
                "time")).isEqualTo("0:1000 1:100 2:100");
    }

    /** @return each batch with its row count, in the copy recovered from the backup to the target */
    private static String recoveredBatches(RecoveryTarget target, String name) {
        Path destination = root.resolve("restore-" + name + "/data");
        server.recover(backup.id().toString(), destination.toString(), RecoveryOptions.of(target)
                .withTargetAction("promote").withTablespaces(Map.of("tbs1",
                        root.resolve("restore-" + name + "/tbs1").toString())), CopyListener.NONE);
        PostgresCluster.grantToClusterUser(root.resolve("restore-" + name));
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(WAIT);
            return copy.queryValue("SELECT string_agg(batch || ':' || n, ' ' ORDER BY batch) FROM (SELECT batch, "
                    + "count(*) n FROM batches GROUP BY batch) b");
        }
    }

    /** Closes the current WAL segment and waits until Barman has archived it. */
    private static void archiveEverything(Barman barman) throws InterruptedException {
        String last = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.walArchive().find(WalSegmentName.parse(last)).isEmpty()) {
            assertThat(System.nanoTime()).as("WAL " + last + " archived").isLessThan(deadline);
            barman.cron(new CronListener() {
            });
            Thread.sleep(100);
        }
    }
}
