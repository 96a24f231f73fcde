package org.barman.core.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.support.OwnerOnly;

/**
 * An exclusive lock on a file of {@code barman_lock_directory}, taken without waiting.
 *
 * <p>The lock belongs to the process: the operating system releases it when the process ends, however it ends,
 * so a lock left by a dead process never blocks. The holder writes its pid into the file for the busy message.
 * The file stays after release, as with Barman.
 *
 * <p>Java takes POSIX record locks ({@code fcntl}); Python's Barman takes {@code flock} locks, and on Linux the
 * two do not exclude each other: do not run this Barman and Python's Barman on the same server folders.
 */
public final class FileLock implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final java.nio.channels.FileLock lock;

    private FileLock(Path path, FileChannel channel, java.nio.channels.FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param path the lock file, created when missing (mode 0600)
     * @param what what the lock protects, for the busy message, such as {@code backup of server main}
     * @return the held lock
     * @throws LockBusyException when another process, or another holder in this one, has it
     * @throws BarmanException when the file cannot be opened
     */
    public static FileLock tryAcquire(Path path, String what) {
        FileChannel channel;
        try {
            OwnerOnly.createFolders(path.getParent());
            channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new BarmanException("cannot open lock file " + path + " for the " + what + ": " + e.getMessage(),
                    e);
        }
        try {
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                long pid = readPid(channel);
                channel.close();
                throw new LockBusyException(what, path, pid);
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new FileLock(path, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new BarmanException("cannot lock " + path + " for the " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits for the lock, for short critical sections such as an update of {@code xlog.db}.
     *
     * @param path the lock file
     * @param what what the lock protects, for messages
     * @param timeout how long to wait at most
     * @return the held lock
     * @throws LockBusyException when it is still held after {@code timeout}
     */
    public static FileLock acquire(Path path, String what, java.time.Duration timeout) {
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

    private static long readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
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

    /** Releases the lock; the file stays. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        } finally {
            closeQuietly(channel);
        }
    }
}
