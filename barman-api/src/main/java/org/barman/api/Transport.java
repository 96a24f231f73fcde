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
     * <li>during a pull, a file or folder that vanishes is skipped, and a file that changes size while it is
     * read is copied as it is then: PostgreSQL changes its files while it runs and replays WAL over them (a push
     * is stricter, see {@link #push(CopyJob, CopyListener)});
     * <li>nothing is written outside the destination, and nothing through a link: the names the other side
     * lists or sends are refused, failing the copy with a message naming the entry, when one is absolute, empty
     * (other than the copied folder itself), has a {@code .} or {@code ..} component, is listed twice, or is not
     * inside a folder it listed before ({@link org.barman.api.support.TreePaths}); a link already at the place of
     * an entry is replaced, never written through ({@link org.barman.api.support.LocalTrees#inside});
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
     * folder and its parents, with the guarantees listed on {@link #pull(CopyJob, CopyListener)}, except one: the
     * source of a push is a backup, for a recovery, and must not change while it is copied. A file or folder of
     * it that vanishes during the copy (the backup deleted meanwhile), a file whose size differs from the one the
     * copy listed, or an entry that became another kind of entry fails the push, with a message naming it, instead
     * of leaving an incomplete copy that looks like a recovered server
     * ({@link org.barman.api.support.SourceChanges#FATAL}).
     *
     * @param job what to copy; reuse does not apply
     * @param listener hears progress
     * @return what was copied
     * @throws BarmanException when the local folder does not exist, the remote side cannot be reached, a file
     *     cannot be written, or the source changed during the copy, naming the path
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
