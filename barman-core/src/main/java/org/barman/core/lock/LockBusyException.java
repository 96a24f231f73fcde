package org.barman.core.lock;

import java.nio.file.Path;

import org.barman.api.BarmanException;

/**
 * Another process (or another task of this one) holds a lock: the operation did not start. The message names
 * what holds it, the holder's pid and the lock file.
 */
public final class LockBusyException extends BarmanException {

    /** Exit code of a command refused because the same work is already running. */
    public static final int EXIT_CODE = 2;

    /** The lock file held by the other process. */
    private final Path lockFile;
    /** The process holding the lock, or 0 when unknown. */
    private final long holderPid;

    /**
     * @param busy what is going on, such as {@code backup of server main is already running}
     * @param lockFile the lock file
     * @param holderPid the holder's pid, or 0 when unknown
     */
    LockBusyException(String busy, Path lockFile, long holderPid) {
        super(busy + " (pid " + (holderPid > 0 ? Long.toString(holderPid) : "unknown") + ", lock file " + lockFile
                + ")", null, EXIT_CODE);
        this.lockFile = lockFile;
        this.holderPid = holderPid;
    }

    /** @return the lock file */
    public Path lockFile() {
        return lockFile;
    }

    /** @return the pid written in the lock file by its holder, or 0 when unknown */
    public long holderPid() {
        return holderPid;
    }
}
