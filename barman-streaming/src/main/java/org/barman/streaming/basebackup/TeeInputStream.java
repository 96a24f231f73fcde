package org.barman.streaming.basebackup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * An input stream that writes every byte read from it, skipped ones included, to an output stream: a stored
 * archive is written exactly as it is read, while a reader checks it on the way. Closing it closes neither side.
 */
final class TeeInputStream extends InputStream {

    private final InputStream in;
    private final OutputStream copy;
    private final byte[] skipBuffer = new byte[64 * 1024];

    /**
     * @param in what is read
     * @param copy where every byte read goes
     */
    TeeInputStream(InputStream in, OutputStream copy) {
        this.in = Objects.requireNonNull(in, "in is null");
        this.copy = Objects.requireNonNull(copy, "copy is null");
    }

    @Override
    public int read() throws IOException {
        int value = in.read();
        if (value >= 0) {
            copy.write(value);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = in.read(buffer, offset, length);
        if (read > 0) {
            copy.write(buffer, offset, read);
        }
        return read;
    }

    @Override
    public long skip(long count) throws IOException {
        long skipped = 0;
        while (skipped < count) {
            int read = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, count - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    /**
     * Reads what is left, so that all of it reaches the copy.
     *
     * @throws IOException when it cannot be read or written
     */
    void drain() throws IOException {
        drain(this, skipBuffer);
    }

    /**
     * Reads a stream to its end.
     *
     * @param stream the stream
     * @param buffer a buffer to read into
     * @throws IOException when it cannot be read
     */
    static void drain(InputStream stream, byte[] buffer) throws IOException {
        while (stream.read(buffer, 0, buffer.length) >= 0) {
            // read to the end
        }
    }

    @Override
    public void close() {
        // neither side belongs to this stream
    }
}
