package org.barman.api.support;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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
 * <p>Or, made with {@link #atTheEnd()}, all at once when the copy is done: files are closed as soon as written, and
 * {@link #finish()} syncs each file system that holds a folder given to {@link #syncFolder} with one {@code sync
 * -f} (the {@code syncfs} system call), which commits thousands of small files in one journal commit where one
 * fsync each waits for a commit of its own (about 130 ms each on this project's VM, for files of a few kB). Where
 * {@code sync -f} is missing (coreutils before 8.24) it fsyncs every file and folder of those folders instead; a
 * {@code sync -f} that fails (the disk refused the data) fails the copy, never falls back (a later fsync would not
 * see that error again).
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
    private final Set<Path> folders;

    /**
     * @return a syncer that makes everything durable in {@link #finish()}, with one {@code sync -f} per file
     *     system
     */
    public static FileSyncer atTheEnd() {
        return new FileSyncer(new LinkedHashSet<>());
    }

    /** Starts a syncer whose threads start on demand and end when idle. */
    public FileSyncer() {
        this(null);
    }

    private FileSyncer(Set<Path> foldersToSyncAtTheEnd) {
        folders = foldersToSyncAtTheEnd;
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
        if (folders != null) {
            try {
                channel.close();
            } catch (IOException e) {
                fail(path, e);
            }
            return;
        }
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
        if (folders != null || pool.getQueue().remainingCapacity() < QUEUE / 2) {
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
        if (folders != null) {
            synchronized (folders) {
                folders.add(folder.toAbsolutePath());
            }
            return;
        }
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
        if (folders != null) {
            syncFileSystems();
        }
    }

    private void syncFileSystems() throws IOException, InterruptedException {
        Map<FileStore, Path> stores = new LinkedHashMap<>();
        for (Path folder : folders) {
            stores.putIfAbsent(Files.getFileStore(folder), folder);
        }
        for (Path folder : stores.values()) {
            Process sync = new ProcessBuilder("sync", "-f", folder.toString()).redirectOutput(
                    ProcessBuilder.Redirect.DISCARD).redirectErrorStream(false).start();
            String errors = new String(sync.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int exit = sync.waitFor();
            if (exit == 0) {
                continue;
            }
            if (!errors.contains("option")) {
                throw new IOException("cannot sync the file system of " + folder + " (sync -f): " + errors);
            }
            for (Path each : folders) {
                fsyncFolderAndFiles(each);
            }
            return;
        }
    }

    private static void fsyncFolderAndFiles(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.READ)) {
                        channel.force(true);
                    }
                }
            }
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
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
