package org.barman.examples.mounted;

import java.nio.file.Path;

import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * Registers {@code transport = mounted}. Its options, read from the server's section of {@code barman.conf}:
 * <ul>
 * <li>{@code mounted_local_root} (required): the folder of the backup host where the PostgreSQL host's files are
 * mounted, such as {@code /mnt/pg};
 * <li>{@code mounted_remote_root} (default {@code /}): the folder of the PostgreSQL host that is mounted there, such
 * as {@code /var/lib/postgresql}; a remote path below it is read and written below {@code mounted_local_root};
 * <li>{@code ssh_command} (optional): how remote commands reach the PostgreSQL host; without it they run here.
 * </ul>
 * Barman ignores options it does not know (with a warning naming them), so a plug-in may add its own.
 */
public final class MountedFolderTransportProvider implements TransportProvider {

    /** The name in {@code transport =}. */
    public static final String NAME = "mounted";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create(PluginOptions options) {
        Path localRoot = absolute(options, "mounted_local_root", options.require("mounted_local_root"));
        Path remoteRoot = absolute(options, "mounted_remote_root", options.get("mounted_remote_root").orElse("/"));
        return new MountedFolderTransport(remoteRoot, localRoot, options.get("ssh_command").orElse(null));
    }

    private static Path absolute(PluginOptions options, String name, String value) {
        Path path = Path.of(value.strip()).normalize();
        if (!path.isAbsolute()) {
            throw options.invalid(name, "an absolute path");
        }
        return path;
    }
}
