package org.barman.compress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams that remember whether they were closed, and can fail like a full disk or a broken network. */
final class TrackedStreams {

    private TrackedStreams() {
    }

    /** A target that fails once it has taken {@code capacity} bytes, as a full disk does. */
    static final class Target extends OutputStream {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long capacity;
        private boolean closed;

        Target(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("target is closed");
            }
            if (bytes.size() + (long) len > capacity) {
                throw new IOException("No space left on device");
            }
            bytes.write(b, off, len);
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        synchronized boolean closed() {
            return closed;
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** A source that fails after {@code failAfter} bytes, as a broken network read does. */
    static final class Source extends InputStream {

        private final ByteArrayInputStream data;
        private final long failAfter;
        private long read;
        private boolean closed;

        Source(byte[] data, long failAfter) {
            this.data = new ByteArrayInputStream(data);
            this.failAfter = failAfter;
        }

        Source(byte[] data) {
            this(data, Long.MAX_VALUE);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("source is closed");
            }
            if (read >= failAfter) {
                throw new IOException("Connection reset by peer");
            }
            int n = data.read(b, off, (int) Math.min(len, failAfter - read));
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        synchronized boolean closed() {
            return closed;
        }
    }
}
