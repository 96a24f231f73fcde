package org.barman.api;

/**
 * How files move between the PostgreSQL host and the backup host, and how commands run on the PostgreSQL host
 * (or the recovery host).
 *
 * <p>One transport instance serves one operation (a backup, a recovery, a check) and is closed after it, so an
 * implementation may keep a connection open in between. Failures are {@link BarmanException}s whose message
 * says what failed, with the remote tool's own message when there is one.
 */
public interface Transport extends AutoCloseable {

    /** @return the name used in {@code transport =} */
    String name();

    /**
     * Copies a tree from the remote side into the backup host ({@link CopyJob#localPath()}), creating it. Files
     * that vanish during the copy are skipped (PostgreSQL removes files while it runs).
     *
     * @param job what to copy
     * @param listener hears progress
     * @return what was copied
     */
    CopyResult pull(CopyJob job, CopyListener listener);

    /**
     * Copies a tree of the backup host ({@link CopyJob#localPath()}) to the remote side, creating the remote
     * folder.
     *
     * @param job what to copy; reuse does not apply
     * @param listener hears progress
     * @return what was copied
     */
    CopyResult push(CopyJob job, CopyListener listener);

    /**
     * Runs a shell command on the remote side.
     *
     * @param command a command for {@code sh -c}
     * @return its exit code and output; a non-zero exit is not an exception
     * @throws BarmanException when the remote side cannot be reached
     */
    CommandResult run(String command);

    /** Releases connections; the transport is not used afterwards. */
    @Override
    default void close() {
    }
}
