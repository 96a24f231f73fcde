package org.barman.transport.rsync;

import java.util.Locale;

import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;

/**
 * The options of the {@code rsync} transport, read and checked once from the server's options.
 *
 * @param ssh {@code ssh_command}: how to reach the remote host (required)
 * @param networkCompression {@code network_compression}: rsync's {@code -z} (default false)
 * @param parallelJobs {@code parallel_jobs}: rsync processes per copy (default 1)
 * @param rsyncProgram the rsync of this host ({@code rsync}, found in {@code PATH})
 */
record RsyncSettings(SshCommand ssh, boolean networkCompression, int parallelJobs, String rsyncProgram) {

    /**
     * @param options the server's options
     * @return the settings
     * @throws BarmanException naming the place and the option when one is missing or invalid
     */
    static RsyncSettings from(PluginOptions options) {
        String text = options.get("ssh_command").orElseThrow(() -> new BarmanException(options.origin()
                + ": transport = rsync needs ssh_command, the command that opens a shell on the PostgreSQL host "
                + "(such as ssh postgres@pg); without it, leave transport unset to use the local transport"));
        SshCommand ssh;
        try {
            ssh = SshCommand.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BarmanException(options.origin() + ": invalid value '" + text + "' for option ssh_command: "
                    + e.getMessage());
        }
        int parallelJobs = options.integer("parallel_jobs", 1);
        if (parallelJobs < 1) {
            throw options.invalid("parallel_jobs", "an integer (1 or more)");
        }
        return new RsyncSettings(ssh, bool(options, "network_compression"), parallelJobs, "rsync");
    }

    private static boolean bool(PluginOptions options, String name) {
        String value = options.get(name).orElse("false").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "t", "yes", "y", "1", "on" -> true;
            case "false", "f", "no", "n", "0", "off" -> false;
            default -> throw options.invalid(name, "a boolean (true or false)");
        };
    }
}
