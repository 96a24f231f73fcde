package org.barman.api.support;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes what a copy wrote durable while the copy goes on: written files are fsynced on threads of their own, many
 * at once so that the file system can commit them together, and a copying thread that gets too far ahead does the
 * fsync itself, so that at most a bounded number of files is waiting (and open).
 *
 * <p>The write-backs and the final fsync of one file take turns (on the channel's monitor): the final fsync never
 * closes the file under a write-back, which would lose that write-back's error.
 */
public final class FileSyncer {

    private static final int THREADS = 16;
    private static final int QUEUE = 64;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor pool;
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    /** Starts a syncer whose threads start on demand and end when idle. */
    public FileSyncer() {
        int poolNumber = POOLS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "barman-fsync-" + poolNumber + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        pool = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                threads, new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Fsyncs a file just written, then closes its channel.
     *
     * @param channel the open channel of the file; this syncer closes it
     * @param path the file, for error messages
     */
    public void syncAndClose(FileChannel channel, Path path) {
        pool.execute(() -> {
            synchronized (channel) {
                try (channel) {
                    channel.force(true);
                } catch (IOException e) {
                    fail(path, e);
                }
            }
        });
    }

    /**
     * Starts writing a file's content to disk while it is still being written, so that the final fsync of a large
     * file waits for its last part only. Skipped when the fsync threads are busy: it only saves time.
     *
     * <p>An error here is the file's error, and {@link #finish()} reports it: Linux reports a failed write-back once
     * per open file, to whichever fsync comes first, so the final fsync of the same file would succeed.
     *
     * @param channel the open channel of a file being written; closed only by {@link #syncAndClose}, or by a copy
     *     that failed
     * @param path the file, for error messages
     */
    public void writeBack(FileChannel channel, Path path) {
        if (pool.getQueue().remainingCapacity() < QUEUE / 2) {
            return;
        }
        pool.execute(() -> {
            synchronized (channel) {
                if (!channel.isOpen()) {
                    return;
                }
                try {
                    channel.force(false);
                } catch (ClosedChannelException e) {
                    // closed by a copy that failed, which reports its own error
                } catch (IOException e) {
                    fail(path, e);
                }
            }
        });
    }

    private void fail(Path path, IOException e) {
        failure.compareAndSet(null, new IOException("cannot fsync " + path + ": " + e.getMessage(), e));
    }

    /**
     * Fsyncs a folder, so that the entries created in it are durable.
     *
     * @param folder the folder
     */
    public void syncFolder(Path folder) {
        pool.execute(() -> {
            try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                failure.compareAndSet(null, new IOException("cannot fsync the folder " + folder + ": "
                        + e.getMessage(), e));
            }
        });
    }

    /**
     * Waits for every fsync asked so far and stops the threads.
     *
     * @throws IOException the first fsync that failed
     * @throws InterruptedException when interrupted while waiting
     */
    public void finish() throws IOException, InterruptedException {
        awaitAll();
        IOException error = failure.get();
        if (error != null) {
            throw error;
        }
    }

    /** After a failure of the copy: lets the queued fsyncs end (closing their files), ignoring their errors. */
    public void abandon() {
        try {
            awaitAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAll() throws InterruptedException {
        pool.shutdown();
        while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
            // a slow disk: keep waiting, the files must be closed before the copy returns
        }
    }
}
