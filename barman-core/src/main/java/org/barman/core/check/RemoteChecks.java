package org.barman.core.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.Transport;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.postgres.PostgresServer;

/**
 * The checks of the PostgreSQL host as the server's transport reaches it through {@code ssh_command}: the
 * connection itself ({@code ssh}), rsync on both hosts (for {@code transport = rsync}), and that
 * {@code ssh_command} and {@code conninfo} reach the same cluster (the system identifier PostgreSQL reports equals the
 * one in the {@code global/pg_control} that ssh reads in its data directory). A server without {@code ssh_command},
 * or with the local transport, has none of these items.
 *
 * <p>All items share one transport, opened with the server's options as a backup opens it.
 */
public final class RemoteChecks {

    /** The oldest rsync the rsync transport works with (nanosecond modification times for reuse_backup). */
    static final int[] MINIMUM_RSYNC = {3, 1, 3};

    private static final String SSH = "ssh";
    private static final String RSYNC = "rsync";
    private static final String SYSTEMID = "systemid coherence of ssh_command and conninfo";
    private static final Pattern RSYNC_VERSION = Pattern.compile("rsync\\s+version\\s+v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private RemoteChecks() {
    }

    /** @return the items of the PostgreSQL host reached through ssh_command, in Barman's order */
    public static ServerCheck remote() {
        return context -> {
            ServerConfig config = context.server().config();
            String transportName = config.transportName();
            if (config.get(ConfigOptions.SSH_COMMAND) == null || transportName.equals("local")) {
                return List.of();
            }
            Transport transport;
            try {
                transport = context.server().barman().plugins().transport(transportName, config.pluginOptions());
            } catch (BarmanException e) {
                return List.of(CheckResult.failed(SSH, e.getMessage()));
            }
            try (transport) {
                List<CheckResult> results = new ArrayList<>();
                CheckResult ssh = connection(transport, config);
                results.add(ssh);
                if (!ssh.ok()) {
                    return results;
                }
                if (transportName.equals(RSYNC)) {
                    results.add(rsyncVersions(transport));
                }
                context.postgres().ifPresent(pg -> results.add(systemIdentifier(transport, pg)));
                return results;
            }
        };
    }

    private static CheckResult connection(Transport transport, ServerConfig config) {
        CommandResult result;
        try {
            result = transport.run("true");
        } catch (BarmanException e) {
            return CheckResult.failed(SSH, e.getMessage());
        }
        if (!result.succeeded()) {
            return CheckResult.failed(SSH, "'true' exited with " + result.exitCode() + " on the PostgreSQL host "
                    + "through ssh_command '" + config.maskedTexts().get(ConfigOptions.SSH_COMMAND.name()) + "'"
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
        }
        return CheckResult.ok(SSH, "PostgreSQL server, " + transport.name() + " transport");
    }

    private static CheckResult rsyncVersions(Transport transport) {
        Optional<int[]> local;
        String localOutput;
        try {
            Process process = new ProcessBuilder(RSYNC, "--version").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (InputStream in = process.getInputStream()) {
                localOutput = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            local = version(localOutput);
        } catch (IOException e) {
            return CheckResult.failed(RSYNC, "rsync cannot run on this host (" + e.getMessage() + "): install rsync "
                    + text(MINIMUM_RSYNC) + " or later, or set transport = ssh");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.failed(RSYNC, "interrupted while running rsync --version");
        }
        CommandResult remote;
        try {
            remote = transport.run("rsync --version");
        } catch (BarmanException e) {
            return CheckResult.failed(RSYNC, e.getMessage());
        }
        Optional<int[]> remoteVersion = version(remote.stdoutText());
        if (local.isEmpty()) {
            return CheckResult.failed(RSYNC, "rsync --version printed no version on this host ('"
                    + localOutput.strip() + "'): install rsync " + text(MINIMUM_RSYNC) + " or later");
        }
        if (!remote.succeeded() || remoteVersion.isEmpty()) {
            return CheckResult.failed(RSYNC, "rsync is not installed on the PostgreSQL host (rsync --version exited "
                    + "with " + remote.exitCode() + (remote.stderr().isBlank() ? "" : ": " + remote.stderr().strip())
                    + "): install rsync " + text(MINIMUM_RSYNC) + " or later there, or set transport = ssh");
        }
        String detail = text(local.get()) + " on this host, " + text(remoteVersion.get()) + " on the PostgreSQL host";
        for (int[] version : List.of(local.get(), remoteVersion.get())) {
            if (compare(version, MINIMUM_RSYNC) < 0) {
                return CheckResult.failed(RSYNC, detail + ": the rsync transport needs " + text(MINIMUM_RSYNC)
                        + " or later on both; upgrade rsync " + text(version) + ", or set transport = ssh");
            }
        }
        return CheckResult.ok(RSYNC, detail);
    }

    private static CheckResult systemIdentifier(Transport transport, PostgresServer pg) {
        String overSql;
        String dataDirectory;
        try {
            overSql = pg.systemIdentifier();
            dataDirectory = pg.setting("data_directory");
        } catch (BarmanException e) {
            return CheckResult.failed(SYSTEMID, e.getMessage());
        }
        String control = dataDirectory + "/global/pg_control";
        CommandResult read;
        try {
            read = transport.run("cat " + shellQuote(control));
        } catch (BarmanException e) {
            return CheckResult.failed(SYSTEMID, e.getMessage());
        }
        if (!read.succeeded() || read.stdout().length < 8) {
            return CheckResult.failed(SYSTEMID, "cannot read " + control + " through ssh_command (exit code "
                    + read.exitCode() + (read.stderr().isBlank() ? "" : ": " + read.stderr().strip()) + "): "
                    + "ssh_command must log in to the host of the cluster that conninfo reaches, as the user that "
                    + "runs PostgreSQL");
        }
        String overSsh = systemIdentifier(read.stdout());
        if (!overSsh.equals(overSql)) {
            return CheckResult.failed(SYSTEMID, "conninfo reaches the cluster " + overSql + " but " + control
                    + " read through ssh_command belongs to the cluster " + overSsh + ": ssh_command and conninfo "
                    + "point to different hosts or clusters, and a backup would copy the wrong one");
        }
        return CheckResult.ok(SYSTEMID, overSql);
    }

    /**
     * @param pgControl the first bytes of a {@code global/pg_control} file (at least 8)
     * @return its system identifier: the first 8 bytes, a little-endian unsigned 64-bit integer, in decimal
     */
    static String systemIdentifier(byte[] pgControl) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (pgControl[i] & 0xff);
        }
        return Long.toUnsignedString(value);
    }

    /**
     * @param output what {@code rsync --version} printed
     * @return major, minor and patch numbers
     */
    static Optional<int[]> version(String output) {
        Matcher matcher = RSYNC_VERSION.matcher(output);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
            matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3))});
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static String text(int[] version) {
        return version[0] + "." + version[1] + "." + version[2];
    }

    private static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
