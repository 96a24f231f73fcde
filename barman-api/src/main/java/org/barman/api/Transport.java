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
     * Copies a tree from the remote side into the backup host ({@link CopyJob#localPath()}), creating it and its
     * parents.
     *
     * <p>What every transport guarantees, for {@code pull} and {@code push} alike (the contract suite
     * {@code org.barman.testkit.transport.TransportContract} checks it):
     * <ul>
     * <li>regular files keep their content, permission bits and modification time; folders, empty ones too,
     * keep their permission bits and modification time; symbolic links are copied as links with the same target,
     * never followed (the {@code pg_tblspc} links); other kinds of files (sockets, pipes) are skipped;
     * <li>a file or folder that vanishes during the copy is skipped, and a file that changes size while it is
     * read is copied as it is then: PostgreSQL changes its files while it runs and replays WAL over them;
     * <li>a destination that already exists (a retry) is made a copy of the source: what is not in the source is
     * removed, except what an exclusion matches;
     * <li>when the call returns, what it wrote is on stable storage (fsynced), so that the caller may declare a
     * backup done without a sync of its own.
     * </ul>
     *
     * @param job what to copy
     * @param listener hears progress
     * @return what was copied
     * @throws BarmanException when the source folder does not exist, the remote side cannot be reached, or a
     *     file cannot be written, naming the path
     */
    CopyResult pull(CopyJob job, CopyListener listener);

    /**
     * Copies a tree of the backup host ({@link CopyJob#localPath()}) to the remote side, creating the remote
     * folder and its parents, with the guarantees listed on {@link #pull(CopyJob, CopyListener)}.
     *
     * @param job what to copy; reuse does not apply
     * @param listener hears progress
     * @return what was copied
     * @throws BarmanException when the local folder does not exist, the remote side cannot be reached, or a file
     *     cannot be written, naming the path
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
