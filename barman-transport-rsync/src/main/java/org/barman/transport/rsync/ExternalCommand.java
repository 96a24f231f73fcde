package org.barman.transport.rsync;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Executor;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.barman.api.support.ShellWords;

/**
 * One run of a local program (rsync, ssh) through Commons Exec, with its words passed as they are (no shell), a
 * given standard input (empty by default: ssh and rsync must never wait for a keyboard), and both outputs pumped
 * into streams of the caller's while it runs.
 *
 * <p>It runs with {@code LC_ALL=C}, so that the system error texts rsync and ssh print are the English ones this
 * transport recognises. {@link #kill()} stops it from another thread (a parallel job that failed stops the
 * others); an interrupt of the waiting thread kills it too. Programs still running when the JVM exits are killed.
 */
final class ExternalCommand {

    private static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();

    private final List<String> words;
    private final byte[] stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final ExecuteWatchdog watchdog =
            ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
    private volatile boolean killed;

    /**
     * @param words the program and its arguments
     * @param stdin what the program reads on its standard input
     * @param stdout receives its standard output
     * @param stderr receives its standard error
     */
    ExternalCommand(List<String> words, byte[] stdin, OutputStream stdout, OutputStream stderr) {
        this.words = List.copyOf(words);
        this.stdin = stdin == null ? new byte[0] : stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Runs the program and waits for its end.
     *
     * @return its exit code
     * @throws IOException when it cannot be started
     * @throws InterruptedIOException when the waiting thread is interrupted (the program is killed) or it was
     *     {@linkplain #kill() killed}
     */
    int run() throws IOException {
        CommandLine line = new CommandLine(words.get(0));
        for (String word : words.subList(1, words.size())) {
            line.addArgument(word, false);
        }
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(DESTROYER);
        executor.setStreamHandler(new PumpStreamHandler(stdout, stderr, new ByteArrayInputStream(stdin)));
        DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("LC_ALL", "C");
        if (killed) {
            throw new InterruptedIOException(words.get(0) + " was stopped before it started");
        }
        executor.execute(line, environment, result);
        try {
            result.waitFor();
        } catch (InterruptedException e) {
            watchdog.destroyProcess();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + words.get(0) + " ran");
        }
        if (killed) {
            throw new InterruptedIOException(words.get(0) + " was stopped");
        }
        if (result.getException() != null && result.getExitValue() == Executor.INVALID_EXITVALUE) {
            throw new IOException("cannot run " + words.get(0) + ": " + result.getException().getMessage(),
                    result.getException());
        }
        return result.getExitValue();
    }

    /** Stops the program, from any thread; {@link #run()} then throws. */
    void kill() {
        killed = true;
        watchdog.destroyProcess();
    }

    /** @return the command line, quoted for a shell, for logs and messages */
    String describe() {
        return ShellWords.join(words);
    }
}
