package org.barman.api;

/**
 * Receives a server's WAL over the physical replication protocol as PostgreSQL writes it, as a standby does
 * ({@code streaming_archiver = on}): Barman then loses at most what the server wrote but had not sent, and nothing at
 * all when the receiver is a synchronous standby of the server.
 *
 * <p>What a receiver guarantees, in {@link WalReceiverJob#directory()}:
 * <ul>
 * <li>the segment being received is {@code <name>.partial}, always the full segment size; what it reports to the
 * server as flushed is fsynced before the report; a complete segment is fsynced, then renamed to its final name,
 * and the folder fsynced, so that a crash at any moment leaves complete segments and at most one {@code .partial}
 * per timeline;
 * <li>it resumes where the folder ends: after its newest segment, or inside its {@code .partial} (checked against
 * what the server sends), else at the slot's position, else at the server's current position, at the start of a
 * segment; it never leaves a gap silently: WAL the server no longer has is an error that says to use
 * {@link WalReceiverJob#reset()};
 * <li>it reports its write and flush positions to the server, at once after each flush, so that a synchronous
 * server ({@code synchronous_standby_names} naming its {@code application_name}) returns a commit only once the
 * WAL is on Barman's disk;
 * <li>it follows the server's timeline switches, writing each timeline's {@code .history} file into the folder;
 * a timeline that ended inside a segment leaves that segment as {@code <name>.partial} for good (as
 * {@code pg_receivewal} does): it holds the WAL up to the switch point, which the next timeline's segment of the
 * same number starts with too, and it is never completed, so it must never be archived as a complete segment;
 * <li>files it is still creating are named {@code <name>.tmp}: they are not WAL yet;
 * <li>a lost connection, or one the server cannot accept now (it is starting or stopping), is retried with a
 * growing wait (reported to the listener) until it works or a stop is requested; what the receiver cannot go on
 * from (a login the server refuses, the folder cannot be written, the server is another system, the slot does not
 * exist, WAL the server no longer has) ends {@link #receive} with a {@link BarmanException} that says what to do.
 * </ul>
 */
public interface WalReceiver {

    /**
     * Streams until {@link WalReceiverJob#stopRequested()} says to stop, then flushes, reports and returns.
     *
     * @param job what to stream, where, and when to stop
     * @param listener hears what happens
     * @throws BarmanException when the receiver cannot go on, saying why and what to do
     */
    void receive(WalReceiverJob job, WalReceiverListener listener);
}
