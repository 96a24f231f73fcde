package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Server;
import org.barman.core.backup.BackupFixture;
import org.barman.core.backup.BackupOptions;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/**
 * A PGDATA whose entries recovery writes over are links (planted by whoever owns the PostgreSQL host, or set up by
 * a DBA for postgresql.conf): backed up and recovered as links, they must never be written through.
 */
class RecoveryStagingIT {

    @Test
    void linksInPgdataNamedLikeWhatRecoveryWritesAreNeverWrittenThrough() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE t AS SELECT generate_series(1, 25) AS n");
            Path canary = fixture.root.resolve("canary");
            Files.createDirectories(canary);
            PostgresCluster.grantToClusterUser(canary);
            Path pgdata = pg.dataDirectory();
            Files.createSymbolicLink(pgdata.resolve(".barman-recover"), canary);
            Path liveConf = fixture.root.resolve("etc/postgresql.conf");
            Files.createDirectories(liveConf.getParent());
            Files.move(pgdata.resolve("postgresql.conf"), liveConf);
            Files.createSymbolicLink(pgdata.resolve("postgresql.conf"), liveConf);
            PostgresCluster.grantToClusterUser(liveConf.getParent());
            String liveConfBefore = Files.readString(liveConf);

            Server server = fixture.barman().server("main");
            BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
            assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
            assertThat(Files.isSymbolicLink(server.catalog().dataDirectory(backup.id()).resolve(".barman-recover")))
                    .as("the backup keeps the planted link").isTrue();

            Path destination = fixture.root.resolve("recovered");
            Path tablespace = fixture.root.resolve("recovered-tbs1");
            RecoveryReport report = server.recover(backup.id().value(), destination.toString(), RecoveryOptions.of(
                    new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false)).withTargetAction("promote")
                    .withTablespaces(Map.of("tbs1", tablespace.toString())), CopyListener.NONE);

            try (var planted = Files.list(canary)) {
                assertThat(planted).as("nothing written through .barman-recover").isEmpty();
            }
            assertThat(liveConf).as("the live cluster's postgresql.conf").hasContent(liveConfBefore);
            assertThat(report.warnings()).anyMatch(warning -> warning.contains("postgresql.conf")
                    && warning.contains("symbolic link"));
            assertThat(Files.isRegularFile(destination.resolve("postgresql.auto.conf"), LinkOption.NOFOLLOW_LINKS))
                    .isTrue();
            assertThat(destination.resolve("recovery.signal")).exists();
            try (var left = Files.list(destination)) {
                assertThat(left.map(path -> path.getFileName().toString()))
                        .filteredOn(name -> name.startsWith(".barman-recover")).containsExactly(".barman-recover");
            }

            PostgresCluster.grantToClusterUser(destination);
            PostgresCluster.grantToClusterUser(tablespace);
            try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
                copy.awaitRecoveryEnd(Duration.ofMinutes(2));
                assertThat(copy.queryValue("SELECT count(*) FROM t")).isEqualTo("25");
            }
        }
    }
}
