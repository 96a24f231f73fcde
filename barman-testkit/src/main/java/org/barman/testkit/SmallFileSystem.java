package org.barman.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A tmpfs of a few megabytes, mounted on a folder of its own: a real file system that fills up, where a
 * {@code write} fails at once with {@code ENOSPC} ("No space left on device"), as on a full disk.
 *
 * <p>Needs root; fails (never skips) without it. {@link #close()} unmounts it and removes its mount point, and a JVM
 * shutdown hook unmounts it for a run that dies first.
 */
public final class SmallFileSystem implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final Path mountPoint;
    private final Runnable emergencyUnmount;
    private boolean closed;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.emergencyUnmount = () -> unmount(mountPoint);
        LastResort.register(emergencyUnmount);
    }

    /**
     * Mounts a tmpfs of {@code bytes} on a new folder in {@code parent}.
     *
     * @param parent the folder that holds the mount point
     * @param bytes the room it has, rounded up to kibibytes (and by tmpfs to pages)
     * @return the mounted file system
     */
    public static SmallFileSystem mount(Path parent, long bytes) {
        if (!ClusterUser.jvmIsRoot()) {
            throw new IllegalStateException("a small file system is mounted by root: run this test as root");
        }
        Path mountPoint;
        try {
            mountPoint = Files.createTempDirectory(parent, "small-fs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a mount point in " + parent + ": " + e.getMessage(), e);
        }
        Processes.check(List.of("mount", "-t", "tmpfs", "-o", "mode=0700,size=" + kib(bytes) + "k", "tmpfs",
                mountPoint.toString()), null, null, COMMAND_TIMEOUT);
        return new SmallFileSystem(mountPoint);
    }

    /** @return the root of the file system, where the test writes */
    public Path root() {
        return mountPoint;
    }

    /**
     * Gives the file system a new size, keeping what it holds: room again for a full one.
     *
     * @param bytes its new size, rounded up to kibibytes
     */
    public void resize(long bytes) {
        Processes.check(List.of("mount", "-o", "remount,size=" + kib(bytes) + "k", mountPoint.toString()), null,
                null, COMMAND_TIMEOUT);
    }

    /** @return the bytes still free */
    public long room() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + mountPoint + ": " + e.getMessage(), e);
        }
    }

    /** Unmounts the file system (what it holds goes with it) and removes its mount point. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            unmount(mountPoint);
            Files.deleteIfExists(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the mount point " + mountPoint + ": " + e.getMessage(), e);
        } finally {
            LastResort.unregister(emergencyUnmount);
        }
    }

    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }

    private static void unmount(Path mountPoint) {
        if (!Processes.run(List.of("mountpoint", "-q", mountPoint.toString()), null, null, COMMAND_TIMEOUT)
                .succeeded()) {
            return;
        }
        ProcessResult result = Processes.run(List.of("umount", mountPoint.toString()), null, null, COMMAND_TIMEOUT);
        if (!result.succeeded()) {
            ProcessResult lazy = Processes.run(List.of("umount", "-l", mountPoint.toString()), null, null,
                    COMMAND_TIMEOUT);
            if (!lazy.succeeded()) {
                throw new IllegalStateException("cannot unmount " + mountPoint + ": " + result.output().strip()
                        + " / " + lazy.output().strip());
            }
        }
    }
}
