package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Decompressing through a {@code custom_decompression_filter}: a pump thread feeds the compressed source to the
 * filter's standard input, and the caller reads the filter's standard output. The read that reaches the end waits
 * for the filter and fails when it did not exit with 0, so that a failing filter never passes for short output.
 * Closing before the end kills the filter, whose exit code then no longer matters.
 */
final class ShellFilterInputStream extends InputStream {

    private final InputStream source;
    private final ShellFilter filter;
    private volatile IOException sourceFailure;
    private boolean ended;
    private boolean closed;

    /**
     * @param option the option the command comes from, for messages
     * @param command the shell command
     * @param source the compressed input; closed when this stream is
     * @throws IOException when the filter cannot be started
     */
    ShellFilterInputStream(String option, String command, InputStream source) throws IOException {
        this.source = Objects.requireNonNull(source, "source is null");
        this.filter = ShellFilter.start(option, command, this::feedStdin);
    }

    private void feedStdin(ShellFilter running) {
        byte[] chunk = new byte[LibraryCompressor.IO_BUFFER_SIZE];
        OutputStream stdin = running.stdin();
        try {
            while (true) {
                int n;
                try {
                    n = source.read(chunk);
                } catch (IOException e) {
                    sourceFailure = e;
                    return;
                }
                if (n < 0) {
                    return;
                }
                stdin.write(chunk, 0, n);
            }
        } catch (IOException e) {
            // the filter stopped reading: its exit code tells whether that was an error
        } finally {
            try {
                stdin.close();
            } catch (IOException e) {
                // same as above
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(filter.describe() + ": the decompressing stream is closed");
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = filter.stdout().read(b, off, len);
        if (n < 0) {
            ended = true;
            filter.releaseStdout();
            int exitCode = filter.awaitExit();
            if (sourceFailure != null) {
                throw new IOException("reading the input of " + filter.describe() + " failed: "
                        + sourceFailure.getMessage(), sourceFailure);
            }
            if (exitCode != 0) {
                throw filter.failed(exitCode);
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return closed || ended ? 0 : filter.stdout().available();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        if (!ended) {
            filter.releaseStdout();
            try {
                filter.stdout().close();
            } catch (IOException e) {
                // the filter is killed just below
            }
            filter.kill();
        }
        try {
            source.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            filter.awaitExit();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
