package org.barman.cli;

import java.io.PrintWriter;
import java.util.OptionalInt;

import org.barman.api.BarmanException;
import org.barman.core.config.Secrets;
import picocli.CommandLine;

/** The {@code barman} command. */
public final class Main {

    private Main() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                new java.io.FileOutputStream(java.io.FileDescriptor.out)));
    }

    /**
     * Runs one command, as the process would, writing to the given streams.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.out);
    }

    /**
     * Runs one command, as the process would, writing to the given streams. Run by root with a configuration
     * whose barman_user is another user, the command runs as that user in a new process that writes to this
     * process's standard output and error, not to the given streams ({@link SwitchToBarmanUser}).
     *
     * @param args the command line
     * @param out standard output, for text
     * @param err standard error
     * @param binaryOut standard output, for bytes ({@code get-wal})
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, java.io.OutputStream binaryOut) {
        try {
            OptionalInt switched = SwitchToBarmanUser.ifRoot(args);
            if (switched.isPresent()) {
                return switched.getAsInt();
            }
        } catch (BarmanException e) {
            err.println("ERROR: " + Secrets.mask(e.getMessage()));
            err.flush();
            return e.exitCode();
        }
        OptionalInt fast = GetWalFastPath.run(args, err, binaryOut);
        if (fast.isPresent()) {
            return fast.getAsInt();
        }
        CommandLine commandLine = BarmanCommand.commandLine(binaryOut);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }
}
