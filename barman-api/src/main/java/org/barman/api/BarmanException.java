package org.barman.api;

/**
 * The root of every error Barman reports to a person.
 *
 * <p>The message is written for a DBA reading it on a terminal: it says what is wrong, where (file,
 * section, option, server, backup id), and, when there is one, what to do next. It is unchecked so that
 * plug-ins and the core can raise it from anywhere; the command line turns it into one line on stderr
 * and the exit code of {@link #exitCode()}.
 */
public class BarmanException extends RuntimeException {

    /** Exit code of a plain failure. */
    public static final int GENERIC_FAILURE = 1;

    /** The process exit code the command line uses for this error. */
    private final int exitCode;

    /**
     * @param message what went wrong, for a DBA
     */
    public BarmanException(String message) {
        this(message, null, GENERIC_FAILURE);
    }

    /**
     * @param message what went wrong, for a DBA
     * @param cause the underlying error, shown with {@code -d}
     */
    public BarmanException(String message, Throwable cause) {
        this(message, cause, GENERIC_FAILURE);
    }

    /**
     * @param message what went wrong, for a DBA
     * @param cause the underlying error, shown with {@code -d}; may be null
     * @param exitCode the process exit code the command line uses for this error (non-zero)
     */
    public BarmanException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        if (exitCode == 0) {
            throw new IllegalArgumentException("exitCode of an error must not be 0");
        }
        this.exitCode = exitCode;
    }

    /** @return the process exit code the command line uses for this error */
    public int exitCode() {
        return exitCode;
    }
}
