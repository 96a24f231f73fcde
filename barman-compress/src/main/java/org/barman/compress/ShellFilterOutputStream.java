package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Compressing through a {@code custom_compression_filter}: what the caller writes goes to the filter's standard
 * input, and a pump thread copies the filter's standard output into the target. Closing waits for the filter and
 * fails, naming the filter, its exit code and the end of its error output, when it did not exit with 0.
 */
final class ShellFilterOutputStream extends OutputStream {

    private final OutputStream target;
    private final ShellFilter filter;
    private volatile IOException targetFailure;
    private boolean closed;

    /**
     * @param option the option the command comes from, for messages
     * @param command the shell command
     * @param target where the filter's output goes; closed when this stream is
     * @throws IOException when the filter cannot be started
     */
    ShellFilterOutputStream(String option, String command, OutputStream target) throws IOException {
        this.target = Objects.requireNonNull(target, "target is null");
        this.filter = ShellFilter.start(option, command, this::drainStdout);
    }

    private void drainStdout(ShellFilter running) {
        byte[] chunk = new byte[LibraryCompressor.IO_BUFFER_SIZE];
        InputStream stdout = running.stdout();
        try {
            int n;
            while ((n = stdout.read(chunk)) >= 0) {
                if (targetFailure == null) {
                    try {
                        target.write(chunk, 0, n);
                    } catch (IOException e) {
                        // keep draining, so that the filter is not blocked: the caller sees the failure
                        targetFailure = e;
                    }
                }
            }
        } catch (IOException e) {
            if (targetFailure == null) {
                targetFailure = new IOException("reading the output of " + running.describe() + " failed: "
                        + e.getMessage(), e);
            }
        } finally {
            running.releaseStdout();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(filter.describe() + ": the compressing stream is closed");
        }
        IOException pending = targetFailure;
        if (pending != null) {
            throw new IOException("writing the output of " + filter.describe() + " failed: " + pending.getMessage(),
                    pending);
        }
        try {
            filter.stdin().write(b, off, len);
        } catch (IOException e) {
            throw finishAfter(e);
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException(filter.describe() + ": the compressing stream is closed");
        }
        try {
            filter.stdin().flush();
        } catch (IOException e) {
            throw finishAfter(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        IOException failure = null;
        try {
            filter.stdin().close();
        } catch (IOException e) {
            failure = e;
        }
        failure = finish(failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** The filter stopped taking input: wait for it and report why, rather than a bare "Broken pipe". */
    private IOException finishAfter(IOException writeFailure) {
        closeQuietly(filter.stdin());
        IOException failure = finish(writeFailure);
        return failure == null ? writeFailure : failure;
    }

    private IOException finish(IOException writeFailure) {
        closed = true;
        IOException failure;
        try {
            int exitCode = filter.awaitExit();
            if (exitCode != 0) {
                failure = filter.failed(exitCode);
            } else if (targetFailure != null) {
                failure = new IOException("writing the output of " + filter.describe() + " failed: "
                        + targetFailure.getMessage(), targetFailure);
            } else if (writeFailure != null) {
                failure = new IOException(filter.describe() + " stopped reading its input: "
                        + writeFailure.getMessage(), writeFailure);
            } else {
                failure = null;
            }
        } catch (IOException e) {
            failure = e;
        }
        try {
            target.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // the filter is gone; its exit code tells why
        }
    }
}
