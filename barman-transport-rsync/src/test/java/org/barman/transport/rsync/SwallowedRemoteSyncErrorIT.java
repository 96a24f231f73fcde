package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.testkit.FailingFileSystem;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push (a recovery to another host) ends with a sync of what rsync wrote there. When that sync fails, because the
 * disk refused the data, the push must fail: falling back to a plain {@code sync}, which reports nothing, made a
 * recovery onto a failing disk a success. The disk is {@link FailingFileSystem}: a real ext4 whose data writes fail
 * once its backing tmpfs is full.
 */
class SwallowedRemoteSyncErrorIT {

    @TempDir
    Path workspace;

    @Test
    void aPushOntoADiskThatFailsWritesFails() throws IOException {
        Path backup = Files.createDirectories(workspace.resolve("backup/data"));
        byte[] content = new byte[16 * 1024 * 1024];
        new Random(1).nextBytes(content);
        Files.write(backup.resolve("16384"), content);
        try (SshServer sshd = SshServer.start(); FailingFileSystem disk = FailingFileSystem.mount(workspace)) {
            System.out.println(getClass().getSimpleName() + " pushes onto " + disk.description());
            Path recovered = Files.createDirectory(disk.root().resolve("recovered"));
            PostgresCluster.grantToClusterUser(recovered);
            disk.limitRoom(4L * 1024 * 1024);
            Path destination = recovered.resolve("pgdata");

            try (Transport transport = new RsyncTransportProvider().create(PluginOptions.of(Map.of("ssh_command",
                    sshd.sshCommand("postgres"))))) {
                assertThatThrownBy(() -> transport.push(CopyJob.of(destination.toString(), backup),
                        CopyListener.NONE)).as("push onto " + disk.description()).isInstanceOf(BarmanException.class)
                        .hasMessageContaining("cannot sync " + destination);
            }
        }
    }
}
