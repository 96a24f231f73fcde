package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * One run of a {@code custom_compression_filter} or {@code custom_decompression_filter}: {@code sh -c "<filter>"}
 * started through Commons Exec, whose standard input and output the caller streams through while a pump thread
 * feeds or drains the other end, and whose standard error is kept (its tail) for the error message.
 *
 * <p>Commons Exec waits for the process, then calls {@link #stop()}, which waits until the pump is done and the
 * reader of standard output has finished with it, so that no output is lost when the process exits first.
 */
final class ShellFilter implements ExecuteStreamHandler {

    private static final int STDERR_TAIL_BYTES = 2048;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String option;
    private final String command;
    private final Pump pump;
    private final int run = RUNS.incrementAndGet();
    private final CompletableFuture<Void> streamsReady = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CountDownLatch stdoutReleased = new CountDownLatch(1);
    private final ExecuteWatchdog watchdog =
            ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
    private final StderrTail stderrTail = new StderrTail(STDERR_TAIL_BYTES);
    private volatile OutputStream stdin;
    private volatile InputStream stdout;
    private volatile InputStream stderr;
    private Thread pumpThread;
    private Thread stderrThread;

    private ShellFilter(String option, String command, Pump pump) {
        this.option = option;
        this.command = command;
        this.pump = pump;
    }

    /**
     * Starts the filter and returns once its streams are connected.
     *
     * @param option the option the command comes from, for messages
     * @param command the shell command
     * @param pump what runs beside the process, in its own thread
     * @return the running filter
     * @throws IOException when the shell cannot be started
     */
    static ShellFilter start(String option, String command, Pump pump) throws IOException {
        ShellFilter filter = new ShellFilter(option, command, pump);
        filter.launch();
        return filter;
    }

    /** The work done beside the filter: feeding its standard input, or draining its standard output. */
    @FunctionalInterface
    interface Pump {
        /**
         * Runs in its own thread once the filter's streams are connected; it records its own failures and never
         * throws.
         *
         * @param filter the running filter
         */
        void run(ShellFilter filter);
    }

    private void launch() throws IOException {
        CommandLine shell = new CommandLine("/bin/sh").addArgument("-c", false).addArgument(command, false);
        DefaultExecutor executor = DefaultExecutor.builder()
                .setExecuteStreamHandler(this)
                .setThreadFactory(runnable -> new Thread(runnable, "-barman-filter-" + run))
                .get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(Destroyer.INSTANCE);
        executor.execute(shell, new ExecuteResultHandler() {
            @Override
            public void onProcessComplete(int exitValue) {
                exit.complete(exitValue);
            }

            @Override
            public void onProcessFailed(ExecuteException e) {
                exit.completeExceptionally(e);
            }
        });
        try {
            CompletableFuture.anyOf(streamsReady, exit).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting " + describe());
        } catch (ExecutionException e) {
            throw new IOException("cannot run " + describe() + ": " + e.getCause().getMessage(), e.getCause());
        }
        if (!streamsReady.isDone()) {
            throw new IOException("cannot run " + describe() + ": the shell ended before it started");
        }
    }

    /** @return the filter's standard input */
    OutputStream stdin() {
        return stdin;
    }

    /** @return the filter's standard output */
    InputStream stdout() {
        return stdout;
    }

    /** Says that the reader of standard output is done with it (at its end, or closed early). */
    void releaseStdout() {
        stdoutReleased.countDown();
    }

    /** Kills the filter, for a caller who stops reading before the end. */
    void kill() {
        watchdog.destroyProcess();
    }

    /**
     * @return the filter's exit code, once it has exited and its streams are done
     * @throws IOException when it could not run, or the wait is interrupted (the filter is then killed)
     */
    int awaitExit() throws IOException {
        try {
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new InterruptedIOException("interrupted while waiting for " + describe());
        } catch (ExecutionException e) {
            throw new IOException("cannot run " + describe() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * @param exitCode what the filter returned
     * @return the error to report for it, with the tail of the filter's standard error
     */
    IOException failed(int exitCode) {
        String errors = stderrTail.text();
        return new IOException(describe() + " failed with exit code " + exitCode
                + (errors.isEmpty() ? " and printed no error" : ": " + errors));
    }

    /** @return the filter for messages: {@code custom_compression_filter 'gzip -c'} */
    String describe() {
        return option + " '" + command + "'";
    }

    @Override
    public void setProcessInputStream(OutputStream processStdin) {
        this.stdin = processStdin;
    }

    @Override
    public void setProcessOutputStream(InputStream processStdout) {
        this.stdout = processStdout;
    }

    @Override
    public void setProcessErrorStream(InputStream processStderr) {
        this.stderr = processStderr;
    }

    @Override
    public void start() {
        stderrThread = daemon("stderr", stderrTail.reader(stderr));
        pumpThread = daemon("pump", () -> pump.run(this));
        streamsReady.complete(null);
    }

    @Override
    public void stop() throws IOException {
        try {
            pumpThread.join();
            stdoutReleased.await();
            stderrThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing " + describe());
        }
    }

    private Thread daemon(String role, Runnable task) {
        Thread thread = new Thread(task, "barman-filter-" + run + "-" + role);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Kills the filters still running when the JVM exits. */
    private static final class Destroyer {
        static final ShutdownHookProcessDestroyer INSTANCE = new ShutdownHookProcessDestroyer();
    }

    /** The last bytes a filter wrote to its standard error. */
    private static final class StderrTail {

        private final byte[] tail;
        private int length;

        StderrTail(int capacity) {
            this.tail = new byte[capacity];
        }

        Runnable reader(InputStream in) {
            return () -> {
                byte[] chunk = new byte[4096];
                try (in) {
                    int n;
                    while ((n = in.read(chunk)) >= 0) {
                        append(chunk, n);
                    }
                } catch (IOException e) {
                    // the process is gone: what was read so far is all there is
                }
            };
        }

        private synchronized void append(byte[] chunk, int n) {
            if (n >= tail.length) {
                System.arraycopy(chunk, n - tail.length, tail, 0, tail.length);
                length = tail.length;
                return;
            }
            int keep = Math.min(length, tail.length - n);
            System.arraycopy(tail, length - keep, tail, 0, keep);
            System.arraycopy(chunk, 0, tail, keep, n);
            length = keep + n;
        }

        synchronized String text() {
            return new String(tail, 0, length, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", " | ");
        }
    }
}
