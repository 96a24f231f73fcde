package org.barman.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.barman.api.BarmanException;
import org.barman.cli.logging.LoggingSetup;
import org.barman.core.Barman;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.Secrets;

/**
 * {@code barman get-wal} without building the whole command-line model: PostgreSQL runs it once per WAL file
 * from {@code restore_command}, so its start-up time is recovery time. It accepts exactly the forms
 * {@link GetWalCommand} documents; anything else (help, an unknown option, a mistake) is left to picocli, which
 * prints the usual messages.
 */
final class GetWalFastPath {

    private GetWalFastPath() {
    }

    /**
     * @param args the command line
     * @param err standard error
     * @param binaryOut standard output for the WAL bytes
     * @return the exit code, or empty when the command line is not a plain get-wal and picocli should handle it
     */
    static OptionalInt run(String[] args, PrintWriter err, OutputStream binaryOut) {
        Path config = null;
        boolean quiet = false;
        boolean debug = false;
        Path outputDirectory = null;
        String compression = null;
        boolean partial = false;
        List<String> positional = new ArrayList<>();
        boolean command = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!command) {
                if (arg.equals("-c") || arg.equals("--config")) {
                    if (++i >= args.length) {
                        return OptionalInt.empty();
                    }
                    config = Path.of(args[i]);
                } else if (arg.startsWith("--config=")) {
                    config = Path.of(arg.substring("--config=".length()));
                } else if (arg.equals("-q") || arg.equals("--quiet")) {
                    quiet = true;
                } else if (arg.equals("-d") || arg.equals("--debug")) {
                    debug = true;
                } else if (arg.equals("get-wal")) {
                    command = true;
                } else {
                    return OptionalInt.empty();
                }
            } else if (arg.equals("-o") || arg.equals("--output-directory")) {
                if (++i >= args.length || outputDirectory != null) {
                    return OptionalInt.empty();
                }
                outputDirectory = Path.of(args[i]);
            } else if (arg.equals("-j") || arg.equals("--bzip2") || arg.equals("-x") || arg.equals("-z")
                    || arg.equals("--gzip")) {
                String wanted = arg.equals("-j") || arg.equals("--bzip2") ? "bzip2" : "gzip";
                if (compression != null) {
                    return OptionalInt.empty();
                }
                compression = wanted;
            } else if (arg.equals("-P") || arg.equals("--partial")) {
                partial = true;
            } else if (arg.startsWith("-")) {
                return OptionalInt.empty();
            } else {
                positional.add(arg);
            }
        }
        if (!command || positional.size() != 2) {
            return OptionalInt.empty();
        }
        Barman barman = null;
        boolean rightUser = false;
        boolean logging = false;
        try {
            if (debug) {
                LoggingSetup.terminal(true, quiet);
            }
            barman = Barman.load(config);
            barman.requireBarmanUser();
            rightUser = true;
            if (debug || "DEBUG".equals(barman.config().global().get(ConfigOptions.LOG_LEVEL))) {
                startLogging(barman, args, debug, quiet);
                logging = true;
            }
            var server = barman.server(positional.get(0));
            if (outputDirectory != null) {
                server.getWal(positional.get(1), outputDirectory, compression, partial);
            } else {
                server.getWal(positional.get(1), binaryOut, compression, partial);
            }
            return OptionalInt.of(0);
        } catch (BarmanException e) {
            // Logging starts only now, so that a successful get-wal pays nothing for it; never as another user
            // than barman_user, whose log_file it is.
            if (rightUser) {
                if (!logging) {
                    startLogging(barman, args, debug, quiet);
                }
                LoggingSetup.terminal(debug, true);
                org.slf4j.LoggerFactory.getLogger("barman.get-wal").error(e.getMessage());
            }
            err.println("ERROR: " + Secrets.mask(e.getMessage()));
            if (debug) {
                err.print(BarmanCommand.stackTrace(e));
            }
            err.flush();
            return OptionalInt.of(e.exitCode());
        }
    }

    private static void startLogging(Barman barman, String[] args, boolean debug, boolean quiet) {
        LoggingSetup.terminal(debug, quiet);
        LoggingSetup.file(barman.config().global().get(ConfigOptions.LOG_FILE),
                barman.config().global().get(ConfigOptions.LOG_LEVEL), debug);
        LoggingSetup.command(List.of(args), barman.config().files());
    }
}
