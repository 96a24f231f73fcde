package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
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
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.Test;

/**
 * A recovery onto "another host" through {@code --remote-ssh-command}: a real OpenSSH sshd on loopback, the
 * postgres OS user on the far side, the rsync transport in between. The recovered cluster, owned by the remote
 * user, starts and holds exactly the rows before the restore point, in its relocated tablespace.
 */
class RemoteRecoveryIT {

    @Test
    void aBackupRecoversOnARemoteHostThroughSsh() throws Exception {
        Path root = Files.createTempDirectory("barman-remote-recovery");
        try (SshServer sshd = SshServer.start()) {
            Path incoming = root.resolve("home/main/incoming");
            Path tablespace = root.resolve("tbs");
            Files.createDirectories(incoming);
            Files.createDirectories(tablespace);
            Path remoteRoot = root.resolve("remote");
            Files.createDirectories(remoteRoot);
            PostgresCluster.grantToClusterUser(root);
            try (PostgresCluster pg = PostgresCluster.builder().setting("archive_mode", "on")
                    .setting("archive_command", "rsync -a %p " + incoming + "/%f").start()) {
                pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespace + "'");
                pg.execute("CREATE TABLE t(batch int) TABLESPACE tbs1");
                pg.execute("INSERT INTO t SELECT 0 FROM generate_series(1, 40)");
                Path config = root.resolve("barman.conf");
                Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                        + System.getProperty("user.name") + "\ncompression = lz4\n\n[main]\nconninfo = "
                        + pg.conninfo() + "\n");
                Barman barman = Barman.load(config, Plugins.load());
                Server server = barman.server("main");
                BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                        Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
                assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
                pg.execute("INSERT INTO t SELECT 1 FROM generate_series(1, 20)");
                pg.execute("SELECT pg_create_restore_point('remote-point')");
                pg.execute("INSERT INTO t SELECT 2 FROM generate_series(1, 20)");
                WalSegmentName last = WalSegmentName.parse(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (server.walArchive().find(last).isEmpty()) {
                    assertThat(System.nanoTime()).as("WAL " + last + " archived").isLessThan(deadline);
                    barman.cron(new CronListener() {
                    });
                    Thread.sleep(200);
                }

                String remote = sshd.sshCommand("postgres");
                Path destination = remoteRoot.resolve("data");
                Path relocated = remoteRoot.resolve("tbs1");
                RecoveryOptions options = RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME,
                        "remote-point", false)).withTargetAction("promote")
                        .withTablespaces(Map.of("tbs1", relocated.toString())).withRemoteSshCommand(remote);
                RecoveryReport report = server.recover("latest", destination.toString(), options,
                        CopyListener.NONE);

                assertThat(report.remoteCommand()).isEqualTo(remote);
                assertThat(report.walFiles()).isPositive();
                assertThat(Files.getOwner(destination).getName()).isEqualTo("postgres");
                assertThat(Files.getOwner(relocated).getName()).isEqualTo("postgres");
                assertThat(Files.readSymbolicLink(destination.resolve("pg_tblspc/"
                        + backup.tablespaces().get(0).oid()))).isEqualTo(relocated);
                try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
                    copy.awaitRecoveryEnd(Duration.ofMinutes(2));
                    assertThat(copy.queryValue("SELECT count(*) FROM t")).isEqualTo("60");
                }

                RecoveryOptions getWal = RecoveryOptions.of(RecoveryTarget.NONE).withRemoteSshCommand(remote)
                        .withGetWal(true).withTablespaces(Map.of("tbs1", remoteRoot.resolve("tbs-gw").toString()));
                RecoveryReport viaGetWal = server.recover("latest", remoteRoot.resolve("data-gw").toString(),
                        getWal, CopyListener.NONE);
                assertThat(viaGetWal.settings().get("restore_command"))
                        .matches("ssh " + System.getProperty("user.name") + "@\\S+ '.* -c " + config
                                + " -q get-wal main %f' > %p");

                assertThatThrownBy(() -> server.recover("latest", destination.toString(), options,
                        CopyListener.NONE)).hasMessageContaining("destination " + destination)
                        .hasMessageContaining("is not empty");
            }
        } finally {
            TempFolders.deleteRecursively(root);
        }
    }
}
