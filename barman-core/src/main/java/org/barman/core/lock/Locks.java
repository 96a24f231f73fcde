package org.barman.core.lock;

import java.nio.file.Path;

import org.barman.api.BackupId;

/**
 * The lock files Barman uses, with Barman's names, in {@code barman_lock_directory}: one global cron lock; per
 * server, one lock per kind of work; and per backup, {@code .<server>-<backup id>.lock}, held shared by whatever
 * reads or updates the backup (a recovery, {@code list-files}, a backup reusing it as a base, {@code cron}
 * completing it) and exclusively by its deletion, so that a backup in use is never deleted.
 */
public final class Locks {

    private Locks() {
    }

    /**
     * @param lockDirectory {@code barman_lock_directory}
     * @return the lock that keeps two {@code barman cron} from running at once
     */
    public static FileLock cron(Path lockDirectory) {
        return FileLock.tryAcquire(lockDirectory.resolve(".cron.lock"), "barman cron");
    }

    /**
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param kind the kind of work
     * @return the server's lock for that work
     */
    public static FileLock server(Path lockDirectory, String server, Kind kind) {
        return FileLock.tryAcquire(path(lockDirectory, server, kind), kind.what + " of server " + server);
    }

    /**
     * Waits up to a minute for a server's lock: for short critical sections that other processes hold only
     * briefly, such as the {@code xlog.db} update.
     *
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param kind the kind of work
     * @return the server's lock for that work
     */
    public static FileLock serverWaiting(Path lockDirectory, String server, Kind kind) {
        return FileLock.acquire(path(lockDirectory, server, kind), kind.what + " of server " + server,
                java.time.Duration.ofMinutes(1));
    }

    /**
     * Who holds a server's lock, without taking it: a process that tries to take it at the same moment is not
     * refused because of the look. Linux lists the holders in {@code /proc/locks}; elsewhere the lock is taken and
     * released at once, as Barman does.
     *
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param kind the kind of work
     * @return the pid of the process holding it (this process's own when it holds it itself), empty when free
     */
    public static java.util.OptionalLong holder(Path lockDirectory, String server, Kind kind) {
        Path path = path(lockDirectory, server, kind);
        if (!java.nio.file.Files.exists(path)) {
            return java.util.OptionalLong.empty();
        }
        java.util.Optional<java.util.List<Long>> listed = LockHolders.listed(path);
        if (listed.isPresent()) {
            java.util.List<Long> pids = listed.get();
            if (pids.isEmpty()) {
                return java.util.OptionalLong.empty();
            }
            long written = FileLock.writtenPid(path);
            return java.util.OptionalLong.of(pids.contains(written) ? written : pids.get(0));
        }
        try (FileLock probe = server(lockDirectory, server, kind)) {
            return java.util.OptionalLong.empty();
        } catch (LockBusyException busy) {
            return java.util.OptionalLong.of(busy.holderPid());
        }
    }

    /**
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param kind the kind of work
     * @return the path of that lock file
     */
    public static Path path(Path lockDirectory, String server, Kind kind) {
        return lockDirectory.resolve("." + server + "-" + kind.suffix + ".lock");
    }

    /**
     * Keeps a backup from being deleted while it is read or updated; any number of processes may hold it at once.
     *
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param backup a backup of that server
     * @return the backup's lock, held shared
     * @throws LockBusyException when the backup is being deleted
     */
    public static FileLock backupInUse(Path lockDirectory, String server, BackupId backup) {
        return FileLock.tryAcquire(backupPath(lockDirectory, server, backup), FileLock.Mode.SHARED,
                "backup " + backup + " of server " + server + " is being deleted");
    }

    /**
     * Taken to delete a backup: refused while anything holds {@link #backupInUse}.
     *
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param backup a backup of that server
     * @return the backup's lock, held exclusively
     * @throws LockBusyException when the backup is in use (recovered, listed, reused as a base) or being deleted
     */
    public static FileLock backupRemoval(Path lockDirectory, String server, BackupId backup) {
        return FileLock.tryAcquire(backupPath(lockDirectory, server, backup), FileLock.Mode.EXCLUSIVE,
                "backup " + backup + " of server " + server + " is in use by recover, list-files, a backup "
                        + "reusing it or cron");
    }

    /**
     * @param lockDirectory {@code barman_lock_directory}
     * @param server a server name
     * @param backup a backup of that server
     * @return the path of that backup's lock file, Barman's {@code .<server>-<backup id>.lock}
     */
    public static Path backupPath(Path lockDirectory, String server, BackupId backup) {
        return lockDirectory.resolve("." + server + "-" + backup.value() + ".lock");
    }

    /** The per-server kinds of work, each with its own lock file. */
    public enum Kind {
        /** {@code barman cron} work on one server. */
        CRON("cron", "cron maintenance"),
        /** A base backup. */
        BACKUP("backup", "backup"),
        /** Moving WAL from incoming to the archive. */
        ARCHIVE_WAL("archive-wal", "WAL archiving"),
        /** Changing {@code xlog.db}. */
        XLOGDB("xlogdb", "WAL index update"),
        /** {@code barman receive-wal}, held as long as it streams. */
        RECEIVE_WAL("receive-wal", "receive-wal");

        private final String suffix;
        private final String what;

        Kind(String suffix, String what) {
            this.suffix = suffix;
            this.what = what;
        }
    }
}
