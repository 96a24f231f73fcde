package org.barman.core.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.support.OwnerOnly;

/**
 * A lock on a file of {@code barman_lock_directory}, exclusive or shared, taken without waiting.
 *
 * <p>The lock belongs to the process: the operating system releases it when the process ends, however it ends,
 * so a lock left by a dead process never blocks. The holder writes its pid into the file for the busy message
 * (with shared holders, the pid of the last one that took it). The file stays after release, as with Barman.
 *
 * <p>Java takes POSIX record locks ({@code fcntl}), which belong to the process and which the operating system
 * drops as soon as the process closes any descriptor of the file. So this class keeps one channel per lock file
 * and process, and counts the holders of this process itself: a second exclusive attempt in the same process is
 * refused without touching the file, shared holders of this process share one operating-system lock, and the
 * lock is released when its last holder closes it.
 *
 * <p>Python's Barman takes {@code flock} locks, and on Linux the two do not exclude each other: do not run this
 * Barman and Python's Barman on the same server folders.
 */
public final class FileLock implements AutoCloseable {

    /** How a lock is held. */
    public enum Mode {
        /** One holder at a time, in every process. */
        EXCLUSIVE,
        /** Any number of shared holders at a time, and no exclusive one. */
        SHARED
    }

    /** The lock files this process has open, by file identity, guarded by itself. */
    private static final Map<Object, Held> HELD = new HashMap<>();

    private final Path path;
    private final Mode mode;
    private final Held held;
    private boolean released;

    private FileLock(Path path, Mode mode, Held held) {
        this.path = path;
        this.mode = mode;
        this.held = held;
    }

    /** One lock file held by this process: its only channel, the operating-system lock, and its holders here. */
    private static final class Held {
        final Object key;
        final FileChannel channel;
        final java.nio.channels.FileLock lock;
        final Mode mode;
        int holders;

        Held(Object key, FileChannel channel, java.nio.channels.FileLock lock, Mode mode) {
            this.key = key;
            this.channel = channel;
            this.lock = lock;
            this.mode = mode;
        }
    }

    /**
     * An exclusive lock.
     *
     * @param path the lock file, created when missing (mode 0600)
     * @param what what the lock protects, for the busy message, such as {@code backup of server main}
     * @return the held lock
     * @throws LockBusyException when another process, or another holder in this one, has it
     * @throws BarmanException when the file cannot be opened
     */
    public static FileLock tryAcquire(Path path, String what) {
        return tryAcquire(path, Mode.EXCLUSIVE, what + " is already running");
    }

    /**
     * @param path the lock file, created when missing (mode 0600)
     * @param mode exclusive or shared
     * @param busy what the busy message says of the holder, such as {@code backup X of server main is in use};
     *     the holder's pid and the lock file are added to it
     * @return the held lock
     * @throws LockBusyException when the lock is held in a mode that excludes this one, by another process or
     *     by this one
     * @throws BarmanException when the file cannot be opened
     */
    public static FileLock tryAcquire(Path path, Mode mode, String busy) {
        synchronized (HELD) {
            Object key = identity(path, busy);
            Held held = HELD.get(key);
            if (held != null) {
                if (mode == Mode.EXCLUSIVE || held.mode == Mode.EXCLUSIVE) {
                    throw new LockBusyException(busy, path, ProcessHandle.current().pid());
                }
                held.holders++;
                return new FileLock(path, mode, held);
            }
            held = lock(path, key, mode, busy);
            held.holders = 1;
            HELD.put(key, held);
            return new FileLock(path, mode, held);
        }
    }

    /**
     * The identity of the lock file, the same for every path that leads to it; creates the file when missing
     * (a new file: no lock of this process is on it, so closing the descriptor that created it drops nothing).
     */
    private static Object identity(Path path, String busy) {
        try {
            OwnerOnly.createFolders(path.getParent());
            try {
                Files.createFile(path, OwnerOnly.file());
            } catch (FileAlreadyExistsException exists) {
                // the usual case: lock files stay after release
            }
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return key != null ? key : path.toRealPath();
        } catch (IOException e) {
            throw new BarmanException("cannot open lock file " + path + " (" + busy + " otherwise): "
                    + e.getMessage(), e);
        }
    }

    private static Held lock(Path path, Object key, Mode mode, String busy) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new BarmanException("cannot open lock file " + path + ": " + e.getMessage(), e);
        }
        try {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, mode == Mode.SHARED);
            } catch (OverlappingFileLockException e) {
                // cannot happen: this class is the only one that locks these files, through one channel each
                throw new IllegalStateException("lock file " + path + " is locked by this process outside "
                        + FileLock.class.getName(), e);
            }
            if (lock == null) {
                long pid = holder(path, channel);
                channel.close();
                throw new LockBusyException(busy, path, pid);
            }
            writePid(channel);
            return new Held(key, channel, lock, mode);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BarmanException("cannot lock " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes over the start of the file, then cuts it: a reader sees a whole first line at all times. */
    private static void writePid(FileChannel channel) throws IOException {
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.write(ByteBuffer.wrap(pid), 0);
        channel.truncate(pid.length);
        channel.force(false);
    }

    /**
     * Waits for an exclusive lock, for short critical sections such as an update of {@code xlog.db}.
     *
     * @param path the lock file
     * @param what what the lock protects, for messages
     * @param timeout how long to wait at most
     * @return the held lock
     * @throws LockBusyException when it is still held after {@code timeout}
     */
    public static FileLock acquire(Path path, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return tryAcquire(path, what);
            } catch (LockBusyException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    /** The pid in the file when it holds a lock on it (the usual case); otherwise a holder Linux lists. */
    private static long holder(Path path, FileChannel channel) {
        long written = readPid(channel);
        List<Long> holders = LockHolders.of(path);
        return holders.isEmpty() || holders.contains(written) ? written : holders.get(0);
    }

    private static long readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            String firstLine = text.lines().findFirst().orElse("").strip();
            return firstLine.isEmpty() ? 0 : Long.parseLong(firstLine);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Reads the pid in a lock file. A file this process holds a lock on is not opened again (closing that
     * descriptor would drop the lock): its pid is this process's.
     *
     * @param path a lock file
     * @return the pid its last holder wrote, 0 when none can be read
     */
    static long writtenPid(Path path) {
        synchronized (HELD) {
            try {
                Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                if (key == null || HELD.containsKey(key)) {
                    return key == null ? 0 : ProcessHandle.current().pid();
                }
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                    return readPid(channel);
                }
            } catch (IOException e) {
                return 0;
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }

    /** @return the lock file */
    public Path path() {
        return path;
    }

    /** @return how this holder holds the lock */
    public Mode mode() {
        return mode;
    }

    /**
     * Releases this holder's hold; the lock itself goes when the last holder of this process releases it. The
     * file stays. Closing twice does nothing.
     */
    @Override
    public void close() {
        synchronized (HELD) {
            if (released) {
                return;
            }
            released = true;
            held.holders--;
            if (held.holders > 0) {
                return;
            }
            HELD.remove(held.key);
            try {
                held.lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it as well
            } finally {
                closeQuietly(held.channel);
            }
        }
    }
}
