package org.barman.examples.mounted;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.PluginOptions;
import org.barman.api.TransportProvider;
import org.barman.testkit.transport.TransportContract;
import org.junit.jupiter.api.BeforeEach;

/**
 * The transport contract of barman-testkit, run for {@code transport = mounted}. The "PostgreSQL host" is the
 * suite's remote folder; the "mount" is a symbolic link to it elsewhere in the workspace, so that every copy goes
 * through the path mapping ({@code mounted_remote_root} to {@code mounted_local_root}) while commands, which run
 * on this host here as they would over {@code ssh_command} there, see the remote paths as they are.
 */
class MountedFolderTransportContractTest extends TransportContract {

    private Path mountPoint;

    @BeforeEach
    void mount() throws IOException {
        mountPoint = workspace.resolve("mnt/pg");
        Files.createDirectories(mountPoint.getParent());
        Files.createSymbolicLink(mountPoint, remoteSide());
    }

    @Override
    protected TransportProvider provider() {
        return new MountedFolderTransportProvider();
    }

    @Override
    protected PluginOptions options() {
        return PluginOptions.of(Map.of("mounted_remote_root", remoteSide().toString(),
                "mounted_local_root", mountPoint.toString()));
    }
}
