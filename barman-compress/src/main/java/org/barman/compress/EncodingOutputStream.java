package org.barman.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The stream a library compressor hands to its callers. It gathers small writes into large ones (encoders pay a
 * fixed cost per call, through JNI for some), passes large writes straight through, turns a library's unchecked
 * errors into {@link IOException}s, and closes the target on every path, even when finishing the format fails.
 */
final class EncodingOutputStream extends OutputStream {

    /** Writes at least this large skip the copy into the buffer. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final String format;
    private final OutputStream encoder;
    private final OutputStream target;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    private boolean closed;
    private IOException thrown;

    /**
     * @param format the compressor name, for messages
     * @param encoder the library's compressing stream, writing into {@code target}
     * @param target the caller's stream, closed when this one is
     */
    EncodingOutputStream(String format, OutputStream encoder, OutputStream target) {
        this.format = Objects.requireNonNull(format, "format is null");
        this.encoder = Objects.requireNonNull(encoder, "encoder is null");
        this.target = Objects.requireNonNull(target, "target is null");
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len >= buffer.length) {
            drain();
            encode(b, off, len);
            return;
        }
        if (len > buffer.length - count) {
            drain();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    /** Hands buffered bytes to the encoder and flushes it, which may end a block early and cost some ratio. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        drain();
        try {
            encoder.flush();
        } catch (IOException e) {
            throw once(e);
        } catch (RuntimeException e) {
            throw once(failure(e));
        }
    }

    /** Finishes the compressed format and closes the target, even when finishing fails. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            drain();
            encoder.close();
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = failure(e);
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
        if (failure != null) {
            throw once(failure);
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            int length = count;
            count = 0;
            encode(buffer, 0, length);
        }
    }

    private void encode(byte[] b, int off, int len) throws IOException {
        try {
            encoder.write(b, off, len);
        } catch (IOException e) {
            throw once(e);
        } catch (RuntimeException e) {
            throw once(failure(e));
        }
    }

    /**
     * Some encoders (XZ for Java) throw the same exception again on every later call: wrap a repeat, so that
     * try-with-resources never tries to add an exception to itself as suppressed.
     */
    private IOException once(IOException e) {
        IOException result = e == thrown ? new IOException(e.getMessage(), e) : e;
        thrown = result;
        return result;
    }

    private IOException failure(RuntimeException e) {
        return new IOException(format + " compression failed: " + e.getMessage(), e);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(format + " compressing stream is closed");
        }
    }
}
