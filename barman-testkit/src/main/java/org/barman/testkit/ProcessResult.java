package org.barman.testkit;

/**
 * What a command started by the test kit did: its exit code and what it printed.
 *
 * @param exitCode the exit code
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    /** @return whether the command exited with 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** @return standard output followed by standard error, for assertion messages */
    public String output() {
        if (stderr.isEmpty()) {
            return stdout;
        }
        if (stdout.isEmpty()) {
            return stderr;
        }
        return stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
    }
}
