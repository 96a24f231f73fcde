package org.barman.api;

import java.nio.charset.StandardCharsets;

/**
 * The outcome of a command run by a {@link Transport}.
 *
 * @param exitCode the command's exit code
 * @param stdout what it wrote on standard output
 * @param stderr what it wrote on standard error, as text
 */
public record CommandResult(int exitCode, byte[] stdout, String stderr) {

    /** @return standard output decoded as UTF-8 */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** @return whether the command exited with 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
