package org.barman.transport.ssh;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * Registers the {@code ssh} transport. It reads {@code ssh_command} (required: the same OpenSSH command line as
 * for rsync), {@code parallel_jobs} (default 1: how many connections stream files at once) and
 * {@code network_compression} (default off: zlib compression of the SSH stream).
 */
public final class SshTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return SshTransport.NAME;
    }

    @Override
    public Transport create(PluginOptions options) {
        String text = options.get("ssh_command").orElseThrow(() -> new BarmanException(options.origin()
                + ": transport = ssh needs ssh_command, the OpenSSH command line that reaches the PostgreSQL host "
                + "(for example ssh_command = ssh postgres@pg)"));
        int parallelJobs = options.integer("parallel_jobs", 1);
        if (parallelJobs < 1) {
            throw options.invalid("parallel_jobs", "an integer (1 or more)");
        }
        boolean compression = bool(options, "network_compression");
        ConnectionSettings settings;
        try {
            SshCommandLine commandLine = SshCommandLine.parse(text);
            settings = ConnectionSettings.resolve(commandLine, compression, Path.of(System.getProperty("user.home")),
                    System.getProperty("user.name"));
        } catch (IllegalArgumentException e) {
            throw new BarmanException(options.origin() + ": ssh_command '" + text + "' cannot be used by transport "
                    + "= ssh: " + e.getMessage(), e);
        }
        return new SshTransport(settings, parallelJobs);
    }

    private static boolean bool(PluginOptions options, String name) {
        Optional<String> value = options.get(name);
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1", "on" -> true;
            case "false", "f", "no", "n", "0", "off" -> false;
            default -> throw options.invalid(name, "a boolean (on or off)");
        };
    }
}
