package org.barman.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real file system whose data writes fail on their way to the disk, the way a full thin-provisioned volume or a
 * dying disk fails them: ext4 on a loop device whose backing file is sparse and lives on a tmpfs of limited size.
 *
 * <p>The whole backing file is allocated while ext4 is created, then the blocks ext4 does not use are discarded
 * ({@code fstrim}): its journal, inode tables and bitmaps stay on the tmpfs, so the file system itself stays healthy,
 * while every new data block needs room on the tmpfs. Once that room is used up, the write-back of file content fails
 * (the loop device answers ENOSPC, reported by {@code fsync} as an I/O error) after {@code write} succeeded, and
 * Linux reports it to each open file once.
 *
 * <p>Needs root, loop devices, {@code mkfs.ext4}, {@code fallocate} and {@code fstrim}; fails (never skips) without
 * them. {@link #close()} unmounts everything, and a JVM shutdown hook does it for a run that dies first.
 */
public final class FailingFileSystem implements AutoCloseable {

    private static final long MIB = 1024L * 1024;
    private static final long SIZE = 256 * MIB;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final Path folder;
    private final Path tmpfs;
    private final Path mountPoint;
    private final String device;
    private final Runnable emergencyUnmount;
    private boolean closed;

    private FailingFileSystem(Path folder, Path tmpfs, Path mountPoint, String device) {
        this.folder = folder;
        this.tmpfs = tmpfs;
        this.mountPoint = mountPoint;
        this.device = device;
        this.emergencyUnmount = () -> unmount(mountPoint, tmpfs);
        LastResort.register(emergencyUnmount);
    }

    /**
     * Creates and mounts the file system, with room for everything until {@link #limitRoom(long)}.
     *
     * @param parent the folder that holds the mount points
     * @return the mounted file system
     */
    public static FailingFileSystem mount(Path parent) {
        if (!ClusterUser.jvmIsRoot()) {
            throw new IllegalStateException("a failing file system is mounted by root: run this test as root");
        }
        Path folder;
        try {
            folder = Files.createTempDirectory(parent, "failing-fs-");
            Files.createDirectory(folder.resolve("tmpfs"));
            Files.createDirectory(folder.resolve("ext4"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the mount points in " + parent + ": " + e.getMessage(), e);
        }
        Path tmpfs = folder.resolve("tmpfs");
        Path mountPoint = folder.resolve("ext4");
        Path backing = tmpfs.resolve("backing");
        List<List<String>> steps = List.of(
                List.of("mount", "-t", "tmpfs", "-o", "size=" + (SIZE + 32 * MIB) / 1024 + "k", "tmpfs",
                        tmpfs.toString()),
                List.of("truncate", "-s", Long.toString(SIZE), backing.toString()),
                List.of("mkfs.ext4", "-q", "-F", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0",
                        backing.toString()),
                List.of("fallocate", "-l", Long.toString(SIZE), backing.toString()),
                List.of("mount", "-o", "loop", backing.toString(), mountPoint.toString()));
        List<String> done = new ArrayList<>();
        try {
            for (List<String> step : steps) {
                Processes.check(step, null, null, COMMAND_TIMEOUT);
                done.add(step.get(0));
            }
            String device = Processes.check(List.of("findmnt", "-n", "-o", "SOURCE", mountPoint.toString()), null,
                    null, COMMAND_TIMEOUT).stdout().strip();
            return new FailingFileSystem(folder, tmpfs, mountPoint, device);
        } catch (RuntimeException e) {
            unmount(mountPoint, tmpfs);
            throw e;
        }
    }

    /** @return the root of the ext4 file system, where the test writes */
    public Path root() {
        return mountPoint;
    }

    /** @return which file system this is, for the test's report */
    public String description() {
        return "ext4 on " + device + " (loop device), backed by a sparse " + SIZE / MIB + " MiB file on a tmpfs at "
                + tmpfs + " that has " + room() / MIB + " MiB free";
    }

    /**
     * Writes everything written so far to the backing file, releases the blocks ext4 does not use, and leaves room
     * for {@code bytes} of new data blocks: what is written beyond them fails when it reaches the disk.
     *
     * @param bytes the room left for new data, rounded to pages
     */
    public void limitRoom(long bytes) {
        Processes.check(List.of("sync", "-f", mountPoint.toString()), null, null, COMMAND_TIMEOUT);
        Processes.check(List.of("fstrim", mountPoint.toString()), null, null, COMMAND_TIMEOUT);
        resizeTmpfs(used() + bytes);
    }

    /**
     * Gives room again without touching ext4, so that what is written back from now on succeeds.
     *
     * @param bytes the room added
     */
    public void addRoom(long bytes) {
        resizeTmpfs(used() + room() + bytes);
    }

    /** @return the bytes new data blocks may still take on the disk */
    public long room() {
        try {
            return Files.getFileStore(tmpfs).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + tmpfs + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the disk is full: a write-back has been refused.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException when it is not full in time
     */
    public void awaitFull(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (room() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the disk of " + mountPoint + " still has " + room()
                        + " bytes free after " + timeout + ": nothing was written back");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a write-back", e);
            }
        }
    }

    private long used() {
        try {
            var store = Files.getFileStore(tmpfs);
            return store.getTotalSpace() - store.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the used space of " + tmpfs + ": " + e.getMessage(), e);
        }
    }

    private void resizeTmpfs(long bytes) {
        long kib = (bytes + 1023) / 1024;
        Processes.check(List.of("mount", "-o", "remount,size=" + kib + "k", tmpfs.toString()), null, null,
                COMMAND_TIMEOUT);
    }

    /** Unmounts ext4 (which frees its loop device) and the tmpfs, then removes the mount points. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            unmount(mountPoint, tmpfs);
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(tmpfs);
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the mount points in " + folder + ": " + e.getMessage(), e);
        } finally {
            LastResort.unregister(emergencyUnmount);
        }
    }

    private static void unmount(Path mountPoint, Path tmpfs) {
        List<String> problems = new ArrayList<>();
        for (Path path : List.of(mountPoint, tmpfs)) {
            if (!mounted(path)) {
                continue;
            }
            ProcessResult result = Processes.run(List.of("umount", path.toString()), null, null, COMMAND_TIMEOUT);
            if (!result.succeeded()) {
                ProcessResult lazy = Processes.run(List.of("umount", "-l", path.toString()), null, null,
                        COMMAND_TIMEOUT);
                if (!lazy.succeeded()) {
                    problems.add(path + ": " + result.output().strip() + " / " + lazy.output().strip());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot unmount " + String.join("; ", problems));
        }
    }

    private static boolean mounted(Path path) {
        return Processes.run(List.of("mountpoint", "-q", path.toString()), null, null, COMMAND_TIMEOUT)
                .succeeded();
    }
}
