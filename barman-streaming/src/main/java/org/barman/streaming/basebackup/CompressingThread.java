package org.barman.streaming.basebackup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.barman.api.BarmanException;

/**
 * An output stream whose bytes another thread writes into the stream it wraps: the compressor of an archive
 * stored compressed runs on a second core while the connection is read and every file checksummed on the first,
 * as pgBackRest's processes share the work. Chunks of 256 KiB go through a short queue (a few chunks of memory,
 * whatever the size of the archive), so the reader waits when the compressor lags.
 *
 * <p>{@link #close()} hands over what is left, waits for the compressor to finish the format, closes the wrapped
 * stream, and throws what the compressor thread met (a full disk, for example); a write after such a failure throws
 * it at once. {@link #abandon()} stops the thread without finishing anything, after a failure of the reader.
 */
final class CompressingThread extends OutputStream {

    private static final int CHUNK = 256 * 1024;
    private static final int QUEUED = 4;
    private static final byte[] END = new byte[0];

    private final OutputStream target;
    private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(QUEUED + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(QUEUED + 2);
    private final Thread thread;
    private volatile Throwable failure;
    private byte[] chunk;
    private int used;
    private boolean closed;

    /**
     * @param target the compressing stream, which this stream's thread writes and closes
     * @param name what is compressed, for the thread's name
     */
    CompressingThread(OutputStream target, String name) {
        this.target = target;
        for (int i = 0; i < QUEUED + 2; i++) {
            free.add(new byte[CHUNK + Integer.BYTES]);
        }
        thread = new Thread(this::compress, "barman-compress " + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void compress() {
        try {
            while (true) {
                byte[] next = full.take();
                if (next == END) {
                    break;
                }
                target.write(next, Integer.BYTES, length(next));
                free.put(next);
            }
            target.close();
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("the compression of the archive was stopped");
            closeQuietly();
        } catch (IOException | RuntimeException e) {
            failure = e;
            free.clear();
            full.clear();
            closeQuietly();
        }
    }

    /** Frees the compressor's resources after a failure; what it writes then is removed with the archive. */
    private void closeQuietly() {
        try {
            target.close();
        } catch (IOException | RuntimeException ignored) {
            // the failure that stopped the compression is the one reported
        }
    }

    private static int length(byte[] chunk) {
        return ((chunk[0] & 0xFF) << 24) | ((chunk[1] & 0xFF) << 16) | ((chunk[2] & 0xFF) << 8) | (chunk[3] & 0xFF);
    }

    @Override
    public void write(int value) throws IOException {
        write(new byte[] {(byte) value}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (chunk == null) {
                chunk = nextFree();
                used = 0;
            }
            int count = Math.min(length - done, CHUNK - used);
            System.arraycopy(bytes, offset + done, chunk, Integer.BYTES + used, count);
            used += count;
            done += count;
            if (used == CHUNK) {
                handOver();
            }
        }
    }

    private byte[] nextFree() throws IOException {
        try {
            byte[] next;
            while ((next = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                rethrow();
                if (!thread.isAlive()) {
                    throw new IOException("the compression of the archive stopped");
                }
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing the archive");
        }
    }

    private void handOver() throws IOException {
        rethrow();
        chunk[0] = (byte) (used >>> 24);
        chunk[1] = (byte) (used >>> 16);
        chunk[2] = (byte) (used >>> 8);
        chunk[3] = (byte) used;
        put(chunk);
        chunk = null;
        used = 0;
    }

    private void put(byte[] next) throws IOException {
        try {
            full.put(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing the archive");
        }
    }

    private void rethrow() throws IOException {
        Throwable met = failure;
        if (met instanceof IOException io) {
            throw io;
        }
        if (met instanceof BarmanException barman) {
            throw barman;
        }
        if (met != null) {
            throw new IOException("the compression of the archive failed: " + met.getMessage(), met);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (chunk != null && used > 0) {
            handOver();
        }
        put(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the compression of the archive");
        }
        rethrow();
    }

    /** Stops the thread without finishing the format; what it wrote is incomplete and the caller removes it. */
    void abandon() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
