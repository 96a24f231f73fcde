package org.barman.core.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The processes that hold POSIX locks on a file, as Linux lists them in {@code /proc/locks}: exact even when
 * several processes share a lock, where the pid written in the file names only the last one that took it.
 * Elsewhere, or when the file cannot be matched, nothing is known and the caller uses the pid in the file.
 */
final class LockHolders {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private LockHolders() {
    }

    /**
     * @param file a lock file
     * @return the pids holding POSIX locks on it, in the order Linux lists them; empty when unknown
     */
    static List<Long> of(Path file) {
        List<Long> pids = new ArrayList<>();
        try {
            if (!Files.isReadable(PROC_LOCKS)) {
                return pids;
            }
            long dev = (Long) Files.getAttribute(file, "unix:dev");
            long ino = (Long) Files.getAttribute(file, "unix:ino");
            String device = String.format(Locale.ROOT, "%02x:%02x:%d", major(dev), minor(dev), ino);
            for (String line : Files.readAllLines(PROC_LOCKS)) {
                // "1: POSIX  ADVISORY  WRITE 4242 fe:00:2154502 0 EOF"; blocked requests start with "1: ->"
                String[] fields = line.trim().split("\\s+");
                if (fields.length >= 6 && fields[1].equals("POSIX") && fields[5].equals(device)) {
                    pids.add(Long.parseLong(fields[4]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return pids;
    }

    /**
     * @param file a lock file
     * @return the pids holding POSIX locks on it (an empty list when none does), or empty when the system does not
     *     say ({@code /proc/locks} is missing or unreadable)
     */
    static java.util.Optional<List<Long>> listed(Path file) {
        if (!Files.isReadable(PROC_LOCKS)) {
            return java.util.Optional.empty();
        }
        try {
            Files.getAttribute(file, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(of(file));
    }

    /** glibc's {@code gnu_dev_major}. */
    private static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
    }

    /** glibc's {@code gnu_dev_minor}. */
    private static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }
}
