package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.Test;

/**
 * A remote recovery (real sshd, rsync) of a PGDATA holding links named like what recovery writes: the staging
 * folder pushed to the recovery host, and the files moved out of it, never follow them.
 */
class RemoteRecoveryStagingIT {

    @Test
    void aPlantedStagingLinkOnTheRecoveryHostIsNeverWrittenThrough() throws Exception {
        Path root = Files.createTempDirectory("barman-remote-staging");
        try (SshServer sshd = SshServer.start()) {
            Path incoming = root.resolve("home/main/incoming");
            Files.createDirectories(incoming);
            Path remoteRoot = root.resolve("remote");
            Path canary = remoteRoot.resolve("canary");
            Path liveConf = remoteRoot.resolve("etc/postgresql.conf");
            Files.createDirectories(canary);
            Files.createDirectories(liveConf.getParent());
            PostgresCluster.grantToClusterUser(root);
            try (PostgresCluster pg = PostgresCluster.builder().setting("archive_mode", "on")
                    .setting("archive_command", "rsync -a %p " + incoming + "/%f").start()) {
                pg.execute("CREATE TABLE t AS SELECT generate_series(1, 7) AS n");
                Path pgdata = pg.dataDirectory();
                Files.createSymbolicLink(pgdata.resolve(".barman-recover"), canary);
                Files.move(pgdata.resolve("postgresql.conf"), liveConf);
                Files.createSymbolicLink(pgdata.resolve("postgresql.conf"), liveConf);
                PostgresCluster.grantToClusterUser(liveConf);
                String liveConfBefore = Files.readString(liveConf);
                Path config = root.resolve("barman.conf");
                Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                        + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo() + "\n");
                Server server = Barman.load(config, Plugins.load()).server("main");
                BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                        Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
                assertThat(backup.status()).isEqualTo(BackupStatus.DONE);

                Path destination = remoteRoot.resolve("data");
                RecoveryReport report = server.recover("latest", destination.toString(), RecoveryOptions.of(
                        new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false)).withTargetAction("promote")
                        .withRemoteSshCommand(sshd.sshCommand("postgres")), CopyListener.NONE);

                assertThat(report.walFiles()).isPositive();
                try (Stream<Path> planted = Files.list(canary)) {
                    assertThat(planted).as("nothing written through .barman-recover").isEmpty();
                }
                assertThat(liveConf).as("the file postgresql.conf links to").hasContent(liveConfBefore);
                assertThat(Files.isRegularFile(destination.resolve("postgresql.auto.conf"),
                        LinkOption.NOFOLLOW_LINKS)).isTrue();
                assertThat(destination.resolve("barman_wal").resolve(backup.beginWal().fileName())).exists();
                try (Stream<Path> left = Files.list(destination)) {
                    assertThat(left.map(path -> path.getFileName().toString()))
                            .filteredOn(name -> name.startsWith(".barman-recover"))
                            .containsExactly(".barman-recover");
                }
            }
        } finally {
            TempFolders.deleteRecursively(root);
        }
    }
}
