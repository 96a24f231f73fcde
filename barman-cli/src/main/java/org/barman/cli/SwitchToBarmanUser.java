package org.barman.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.barman.api.BarmanException;
import org.barman.core.Barman;
import org.barman.core.config.BarmanConfig;
import org.barman.core.config.ConfigOptions;
import picocli.CommandLine;

/**
 * Run by root, the command line runs again as {@code barman_user}, as Barman does: the same arguments (with
 * {@code -c} naming the configuration file root read, whose default location depends on the home folder), the
 * same environment (JAVA_HOME, PATH, PG*, LANG...; {@code runuser} sets HOME, USER, LOGNAME and SHELL to the
 * user's), the same standard input, output and error (a WAL file that {@code get-wal} writes on standard output
 * goes straight to the caller's pipe), and its exit code.
 *
 * <p>The switch happens in Java rather than in the launcher script because only the configuration names
 * {@code barman_user}, and reading it means the loader's rules (the default locations, {@code -c},
 * {@code %(option)s} references); root pays one more JVM start, other users nothing. Nothing is written as root:
 * neither {@code log_file} nor anything of {@code barman_home}.
 */
final class SwitchToBarmanUser {

    /** Set in the environment of the command run as barman_user, so that it never switches again. */
    static final String SWITCHED = "BARMAN_SWITCHED_FROM_ROOT";

    private static final String ROOT = "root";
    /** Where runuser lives when root's PATH (cron's, for example) lacks the sbin folders. */
    private static final List<String> RUNUSER = List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser",
            "/bin/runuser");

    private SwitchToBarmanUser() {
    }

    /**
     * Runs the command line as barman_user when this process runs as root and the configuration names another
     * user.
     *
     * @param args the command line
     * @return the exit code of the command run as barman_user, or empty when this process runs the command itself
     *     (not root, barman_user is root, help or version, or a command line or configuration that the command
     *     reports as an error itself)
     * @throws BarmanException when barman_user does not exist or cannot be switched to
     */
    static OptionalInt ifRoot(String[] args) {
        if (!ROOT.equals(System.getProperty("user.name")) || System.getenv(SWITCHED) != null) {
            return OptionalInt.empty();
        }
        CommandLine commandLine = BarmanCommand.commandLine(OutputStream.nullOutputStream());
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return OptionalInt.empty();
        }
        if (!parsed.hasSubcommand() || parsed.asCommandLineList().stream()
                .anyMatch(line -> line.isUsageHelpRequested() || line.isVersionHelpRequested())) {
            return OptionalInt.empty();
        }
        BarmanCommand top = commandLine.getCommand();
        BarmanConfig config;
        try {
            config = Barman.load(top.configFile()).config();
        } catch (BarmanException e) {
            return OptionalInt.empty();
        }
        String user = config.global().get(ConfigOptions.BARMAN_USER);
        if (ROOT.equals(user)) {
            return OptionalInt.empty();
        }
        requireUser(user, config);
        List<String> command = new ArrayList<>(List.of(runuser().toString(), "-u", user, "--"));
        command.addAll(BarmanProcess.command());
        if (top.configFile() == null) {
            command.add("-c");
            command.add(config.mainFile().toString());
        }
        command.addAll(List.of(args));
        return OptionalInt.of(run(command, user));
    }

    private static void requireUser(String user, BarmanConfig config) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
            throw new BarmanException("barman_user '" + user + "' (in " + config.mainFile() + ") is not a user of "
                    + "this system: create it, or set barman_user to the OS user that owns barman_home");
        } catch (IOException e) {
            throw new BarmanException("cannot look up barman_user '" + user + "' (in " + config.mainFile() + "): "
                    + e.getMessage(), e);
        }
    }

    private static Path runuser() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String folder : path.split(":")) {
                if (!folder.isEmpty()) {
                    candidates.add(Path.of(folder, "runuser"));
                }
            }
        }
        RUNUSER.forEach(candidate -> candidates.add(Path.of(candidate)));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new BarmanException(
                "barman runs as barman_user, and root needs runuser (util-linux) to switch to it: install "
                        + "util-linux, or run barman as barman_user (sudo -u USER barman ...)"));
    }

    private static int run(List<String> command, String user) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().put(SWITCHED, "1");
            process = builder.start();
        } catch (IOException e) {
            throw new BarmanException("cannot run barman as barman_user '" + user + "': " + e.getMessage(), e);
        }
        Thread stop = new Thread(() -> stop(process), "barman-stop-" + user);
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new BarmanException("interrupted while barman ran as barman_user '" + user + "'", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // Shutting down: the hook stops the command.
            }
        }
    }

    /** Asks the command to stop (runuser passes the signal on), and waits a little for it to clean up. */
    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
