package org.barman.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.barman.cli.logging.LoggingSetup;
import org.barman.core.Barman;
import org.barman.core.BarmanVersion;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.Secrets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The top of the command line: the global options ({@code -c}, {@code -q}, {@code -d}, {@code -f}) and the
 * commands. It loads the configuration once, on first use, for the command that runs.
 */
@Command(name = "barman", mixinStandardHelpOptions = true, versionProvider = BarmanCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Backup and recovery manager for PostgreSQL.",
        subcommands = {ListServerCommand.class, ShowServerCommand.class, CheckCommand.class, BackupCommand.class,
            RecoverCommand.class,
            ListBackupCommand.class,
            ShowBackupCommand.class, ListFilesCommand.class, DeleteCommand.class, ArchiveWalCommand.class,
            CronCommand.class, GetWalCommand.class, RebuildXlogDbCommand.class, ReceiveWalCommand.class,
            SwitchWalCommand.class, ReplicationStatusCommand.class, DiagnoseCommand.class})
public final class BarmanCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: ~/.barman.conf, /etc/barman.conf or "
                    + "/etc/barman/barman.conf, the first that exists).")
    private Path configFile;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
    private boolean quiet;

    @Option(names = {"-d", "--debug"}, description = "Log everything, and show stack traces of errors.")
    private boolean debug;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "console",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private OutputFormat format;

    private Barman barman;
    private java.io.OutputStream binaryOut = System.out;

    static CommandLine commandLine(java.io.OutputStream binaryOut) {
        BarmanCommand command = new BarmanCommand();
        command.binaryOut = binaryOut;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setExecutionStrategy(new CommandLine.RunLast());
        commandLine.setExecutionExceptionHandler(BarmanCommand::handleError);
        commandLine.setParameterExceptionHandler(BarmanCommand::handleUsageError);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Loads the configuration, checks the OS user, sets up logging and logs the command, once.
     *
     * @return Barman for the configuration of {@code -c}
     */
    Barman barman() {
        if (barman == null) {
            LoggingSetup.terminal(debug, quiet);
            Barman loaded = Barman.load(configFile).withReceiveWalLauncher(new DetachedReceiveWal());
            loaded.requireBarmanUser();
            LoggingSetup.file(loaded.config().global().get(ConfigOptions.LOG_FILE),
                    loaded.config().global().get(ConfigOptions.LOG_LEVEL), debug);
            LoggingSetup.command(spec.commandLine().getParseResult().originalArgs(), loaded.config().files());
            loaded.config().warnings().forEach(warning -> org.slf4j.LoggerFactory.getLogger("barman.config")
                    .warn(warning));
            barman = loaded;
        }
        return barman;
    }

    /** @return the file of {@code -c}, or null */
    Path configFile() {
        return configFile;
    }

    /** @return the chosen output format */
    OutputFormat format() {
        return format;
    }

    /** @return whether {@code -q} was given */
    boolean quiet() {
        return quiet;
    }

    /** @return standard output of the command line */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** @param line a line of information for the person at the terminal; not printed with {@code -q} */
    void info(String line) {
        if (!quiet) {
            out().println(Secrets.mask(line));
            out().flush();
        }
    }

    /** @param line a warning, on standard error; not printed with {@code -q} */
    void warning(String line) {
        if (!quiet) {
            err().println("WARNING: " + Secrets.mask(line));
            err().flush();
        }
    }

    /** @param line an error, on standard error, always printed */
    void error(String line) {
        err().println("ERROR: " + Secrets.mask(line));
        err().flush();
    }

    /** @return standard output for bytes */
    java.io.OutputStream binaryOut() {
        return binaryOut;
    }

    /** @return standard error of the command line */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private static int handleError(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        BarmanCommand top = commandLine.getCommandSpec().root().commandLine().getCommand();
        PrintWriter err = commandLine.getErr();
        err.println("ERROR: " + Secrets.mask(message(e)));
        if (top.barman != null) {
            LoggingSetup.errorToFile(Secrets.mask(message(e)), top.debug ? e : null);
        }
        if (top.debug) {
            err.print(stackTrace(e));
        }
        err.flush();
        return e instanceof BarmanException barmanException ? barmanException.exitCode()
                : BarmanException.GENERIC_FAILURE;
    }

    /**
     * @param e an exception
     * @return its stack trace, passwords masked, for {@code -d}
     */
    static String stackTrace(Throwable e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return Secrets.mask(trace.toString());
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        if (e instanceof BarmanException && message != null) {
            return message;
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message)
                + " (run with -d for details)";
    }

    private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("ERROR: " + Secrets.mask(e.getMessage()));
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints the version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Barman for Java " + BarmanVersion.get()};
        }
    }
}
