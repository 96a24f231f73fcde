package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code backup_method = postgres} on every supported major (Debian's PostgreSQL 15, the test kit's binaries for the
 * others, no client tool of any version): a cluster with a tablespace is backed up through Barman, the copy is kept
 * with the manifest the server sent, recovered with the tablespace in a new place, and started with the binaries of
 * the same major; both tables hold exactly the rows they held at the backup.
 */
class PostgresBackupMethodMajorsIT {

    private static final int IN_TABLESPACE = 20_000;
    private static final int IN_DEFAULT = 4321;

    private PostgresMethodCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void aBackupWithATablespaceRecoversElsewhereAndStartsWithExactRowCounts(int major) throws Exception {
        cluster = PostgresMethodCluster.start("barman-postgres-majors-it", major);
        Path root = cluster.root();
        PostgresCluster pg = cluster.pg();
        PostgresMethodCluster.fillTablespace(pg, IN_TABLESPACE);
        pg.execute("CREATE TABLE in_default(id int)");
        pg.execute("INSERT INTO in_default SELECT generate_series(1, " + IN_DEFAULT + ")");
        Server server = Barman.load(cluster.config(), Plugins.load()).server("main");

        BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);

        assertThat(backup.status()).as(backup.error()).isEqualTo(BackupStatus.DONE);
        assertThat(backup.mode()).isEqualTo("postgres");
        assertThat(backup.version() / 10000).isEqualTo(major);
        assertThat(server.catalog().dataDirectory(backup.id()).resolve("backup_manifest")).isNotEmptyFile();
        Tablespace tbs = backup.tablespaces().get(0);
        assertThat(tbs.name()).isEqualTo("tbs1");
        assertThat(server.catalog().tablespaceDirectory(backup.id(), tbs)).isNotEmptyDirectory();

        pg.execute("INSERT INTO in_default SELECT generate_series(1, 5)");
        Path destination = root.resolve("restore/data");
        Path relocated = root.resolve("restore/tbs1");
        server.recover(backup.id().toString(), destination.toString(),
                RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false))
                        .withTargetAction("promote").withTablespaces(Map.of("tbs1", relocated.toString())),
                CopyListener.NONE);
        PostgresCluster.grantToClusterUser(root.resolve("restore"));
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, major, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(1));
            assertThat(copy.queryValue("SELECT current_setting('server_version_num')::int / 10000"))
                    .isEqualTo(Integer.toString(major));
            assertThat(copy.queryValue("SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = "
                    + "'tbs1'")).isEqualTo(relocated.toString());
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo(Integer.toString(IN_TABLESPACE));
            assertThat(copy.queryValue("SELECT sum(length(payload)) FROM in_tbs"))
                    .isEqualTo(Integer.toString(IN_TABLESPACE * 32));
            assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo(Integer.toString(IN_DEFAULT));
        }
    }
}
