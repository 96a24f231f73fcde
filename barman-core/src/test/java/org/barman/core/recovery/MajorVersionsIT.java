package org.barman.core.recovery;

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
import org.barman.core.backup.BackupFixture;
import org.barman.core.backup.BackupOptions;
import org.barman.core.postgres.PostgresServer;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same backup, write, point-in-time recovery, start and count on every supported major version: 13 and 14
 * (the pre-15 backup API), 15 (Debian's) and 16 to 18.
 */
class MajorVersionsIT {

    /** Closes the current WAL segment and waits until Barman has archived it. */
    private static void archiveEverything(PostgresCluster pg, Barman barman, Server server) throws Exception {
        String last = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (server.walArchive().find(WalSegmentName.parse(last)).isEmpty()) {
            assertThat(System.nanoTime()).as("WAL " + last + " archived").isLessThan(deadline);
            barman.cron(new CronListener() {
            });
            Thread.sleep(200);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void backupAndPointInTimeRecoveryWork(int major) throws Exception {
        assertThat(major).isBetween(PostgresServer.MIN_MAJOR, PostgresServer.MAX_MAJOR);
        try (BackupFixture fixture = new BackupFixture(major)) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE t(batch int) TABLESPACE tbs1");
            pg.execute("INSERT INTO t SELECT 0 FROM generate_series(1, 100)");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            archiveEverything(pg, barman, server);
            assertThat(server.check().failures()).as("check on PostgreSQL " + major).isEmpty();
            BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
            assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
            assertThat(backup.version() / 10000).isEqualTo(major);

            pg.execute("INSERT INTO t SELECT 1 FROM generate_series(1, 10)");
            pg.execute("SELECT pg_create_restore_point('target')");
            pg.execute("INSERT INTO t SELECT 2 FROM generate_series(1, 10)");
            archiveEverything(pg, barman, server);

            Path destination = fixture.root.resolve("recovered");
            RecoveryReport report = server.recover("latest", destination.toString(),
                    RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "target", false))
                            .withTargetAction("promote")
                            .withTablespaces(Map.of("tbs1", fixture.root.resolve("recovered-tbs").toString())),
                    CopyListener.NONE);
            assertThat(report.settingsFile()).isEqualTo("postgresql.auto.conf");
            assertThat(report.signalFile()).isEqualTo("recovery.signal");
            PostgresCluster.grantToClusterUser(destination);
            PostgresCluster.grantToClusterUser(fixture.root.resolve("recovered-tbs"));
            try (PostgresCluster copy = BackupFixture.start(destination, major)) {
                assertThat(copy.queryValue("SELECT count(*) FROM t")).isEqualTo("110");
                assertThat(copy.queryValue("SELECT current_setting('server_version_num')::int / 10000"))
                        .isEqualTo(Integer.toString(major));
            }
        }
    }
}
