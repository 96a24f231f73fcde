package org.barman.streaming;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.barman.api.Lsn;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalSegmentName;
import org.postgresql.copy.CopyDual;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code START_REPLICATION} stream of one timeline: writes the WAL the server sends into the segment files,
 * makes it durable and reports it.
 *
 * <p><b>Reading.</b> The driver's copy API reads without blocking: a read returns a message that is there, or
 * returns nothing after waiting at most a millisecond on the socket (the driver peeks with a 1 ms timeout), so the
 * loop sees a new message as soon as it arrives and can check for a stop request and the status interval while the
 * server is idle.
 *
 * <p><b>Flushing.</b> Received WAL is fsynced, then reported as flushed at once:
 * <ul>
 * <li>when a message ends at the server's WAL end (the server has sent all it has), unless the previous fsync ended
 * less than its own duration (at most {@link #FLUSH_GAP}) ago;
 * <li>when nothing more arrives;
 * <li>when a segment is complete, and before any answer the server asks for;
 * <li>while the receiver is less than a segment behind the server, when {@link #MAX_UNFLUSHED} bytes wait.
 * </ul>
 * A completed segment is reported at once too, and the positions at least every status interval while the server
 * keeps sending, so that the server's slot (and a synchronous commit) moves on while the receiver catches up.
 * Under load the fsyncs thus take in all the WAL read meanwhile, one per batch rather than one per message, and the
 * receiver reads at least as long as it waits for the disk; when the server is quiet a commit waits only for the
 * fsync of its own WAL; and a receiver catching up from far behind, which no commit waits for, fsyncs once per
 * segment, as {@code pg_receivewal} does.
 *
 * <p><b>Liveness.</b> Every status interval the receiver reports and asks the server to answer; a server silent for
 * the status interval plus {@link #ANSWER_GRACE} is taken as gone. A server that ended the stream with a command
 * completion (its shutdown) leaves that message unread by a non-blocking read, which then returns at once each
 * time: a few such returns in a row end the stream.
 */
final class WalStream {

    /** What ended the stream. */
    enum Outcome {
        /** A stop was requested; all received WAL is on disk and reported. */
        STOPPED,
        /** The timeline ended where the server's history says; all its WAL is on disk and reported. */
        TIMELINE_ENDED,
        /** The server ended the stream (it is shutting down); the connection is of no further use. */
        SERVER_ENDED
    }

    /** The most WAL received but not yet fsynced. */
    static final long MAX_UNFLUSHED = 1024 * 1024;
    /**
     * The longest pause between two fsyncs while the server keeps sending: the pause is as long as the last fsync
     * took, up to this, so that the receiver reads at least as long as it waits for the disk.
     */
    static final Duration FLUSH_GAP = Duration.ofMillis(1);
    /** How long, beyond the status interval, the server may take to answer. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(WalStream.class);
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long INSTANT_READ_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
    private static final int INSTANT_READS_AT_END = 3;

    private final CopyDual copy;
    private final StreamingFolder folder;
    private final long segmentSize;
    private final Lsn timelineEnd;
    private final WalReceiverListener listener;
    private final BooleanSupplier stopRequested;
    private final long statusIntervalNanos;
    private final long silenceLimitNanos;
    private final long flushGapNanos;
    private SegmentFile file;
    private Lsn written;
    private Lsn flushed;
    private Lsn reportedWrite;
    private Lsn reportedFlush;
    private long lastReport;
    private long lastFlush;
    private long lastFlushDuration;
    private long lastMessage;
    private long lastStopCheck;

    /**
     * @param copy the stream {@code START_REPLICATION} started
     * @param folder the streaming folder
     * @param file the open segment file of the start position
     * @param start where the stream starts (the start of {@code file})
     * @param timelineEnd where the timeline ends, when the server's history says it does, else null
     * @param segmentSize the segment size
     * @param listener hears about flushes and completed segments
     * @param stopRequested true once the receiver must stop
     * @param statusInterval how often, at the longest, positions are reported
     */
    WalStream(CopyDual copy, StreamingFolder folder, SegmentFile file, Lsn start, Lsn timelineEnd, long segmentSize,
            WalReceiverListener listener, BooleanSupplier stopRequested, Duration statusInterval) {
        this.copy = copy;
        this.folder = folder;
        this.file = file;
        this.segmentSize = segmentSize;
        this.timelineEnd = timelineEnd;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.statusIntervalNanos = statusInterval.toNanos();
        this.silenceLimitNanos = statusInterval.plus(ANSWER_GRACE).toNanos();
        this.flushGapNanos = FLUSH_GAP.toNanos();
        this.written = start;
        this.flushed = start;
        this.reportedWrite = Lsn.ZERO;
        this.reportedFlush = Lsn.ZERO;
        long now = System.nanoTime();
        this.lastReport = now - statusIntervalNanos;
        this.lastFlush = now;
        this.lastMessage = now;
        this.lastStopCheck = now;
    }

    /** @return the open segment file, or null when the stream ended at the end of a segment */
    SegmentFile file() {
        return file;
    }

    /** @return the end of the WAL on disk */
    Lsn flushed() {
        return flushed;
    }

    /**
     * Streams until a stop is requested, the timeline ends or the server ends the stream.
     *
     * @return what ended it
     * @throws SQLException when the connection fails or the server reports an error
     * @throws ConnectionLost when the server stops answering or sends what the protocol does not allow
     * @throws FolderFailure when the folder cannot be written
     */
    Outcome run() throws SQLException {
        int instantEmptyReads = 0;
        while (true) {
            long now = System.nanoTime();
            if (timelineEnd != null && written.compareTo(timelineEnd) >= 0) {
                flush(true);
                return Outcome.TIMELINE_ENDED;
            }
            if (now - lastStopCheck >= STOP_CHECK_NANOS) {
                lastStopCheck = now;
                if (stopRequested.getAsBoolean()) {
                    flush(true);
                    return Outcome.STOPPED;
                }
            }
            byte[] message = copy.readFromCopy(false);
            long afterRead = System.nanoTime();
            if (message == null) {
                if (!copy.isActive()) {
                    throw new ConnectionLost("the server ended the replication stream", null);
                }
                if (afterRead - now < INSTANT_READ_NANOS) {
                    if (++instantEmptyReads >= INSTANT_READS_AT_END) {
                        flush(false);
                        return Outcome.SERVER_ENDED;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                } else {
                    instantEmptyReads = 0;
                }
                idle(afterRead);
                continue;
            }
            instantEmptyReads = 0;
            lastMessage = afterRead;
            switch (message[0]) {
                case ReplicationMessages.XLOG_DATA -> received(ReplicationMessages.xlogData(message));
                case ReplicationMessages.KEEPALIVE -> keepalive(ReplicationMessages.keepalive(message));
                default -> throw new ConnectionLost("the server sent a replication message of unknown type '"
                        + (char) message[0] + "'", null);
            }
        }
    }

    private void idle(long now) throws SQLException {
        if (written.compareTo(flushed) > 0) {
            flush(true);
        } else if (now - lastReport >= statusIntervalNanos) {
            report(true);
        }
        if (now - lastMessage > silenceLimitNanos) {
            throw new ConnectionLost("the server did not answer for "
                    + TimeUnit.NANOSECONDS.toSeconds(now - lastMessage) + " s", null);
        }
    }

    private void received(ReplicationMessages.XLogData data) throws SQLException {
        if (!data.start().equals(written)) {
            throw new ConnectionLost("the server sent WAL at " + data.start() + " where " + written
                    + " was expected", null);
        }
        if (timelineEnd != null && data.end().compareTo(timelineEnd) > 0) {
            throw new ConnectionLost("the server sent WAL up to " + data.end() + " past the end of the timeline at "
                    + timelineEnd, null);
        }
        ByteBuffer bytes = data.data();
        while (bytes.hasRemaining()) {
            long offset = written.segmentOffset(segmentSize);
            int length = (int) Math.min(bytes.remaining(), segmentSize - offset);
            ByteBuffer piece = bytes.slice();
            piece.limit(length);
            file.write(offset, piece);
            bytes.position(bytes.position() + length);
            written = written.plus(length);
            if (written.segmentOffset(segmentSize) == 0) {
                completeSegment();
            }
        }
        long behind = data.serverEnd().minus(written);
        long now = System.nanoTime();
        if (behind <= 0 ? now - lastFlush >= Math.min(lastFlushDuration, flushGapNanos)
                : behind <= segmentSize && written.minus(flushed) >= MAX_UNFLUSHED) {
            flush(true);
        } else if (now - lastReport >= statusIntervalNanos) {
            report(false);
        }
    }

    private void completeSegment() throws SQLException {
        WalSegmentName completed = file.segment();
        boolean timelineGoesOn = timelineEnd == null || written.compareTo(timelineEnd) < 0;
        file = folder.complete(file, timelineGoesOn, segmentSize);
        flushed = written;
        lastFlush = System.nanoTime();
        LOG.debug("completed {}", completed);
        listener.segmentCompleted(completed);
        report(false);
    }

    private void keepalive(ReplicationMessages.Keepalive keepalive) throws SQLException {
        if (keepalive.replyRequested()) {
            flush(false);
            report(false);
        }
    }

    /**
     * Fsyncs what was written and, when that moved the flush position or when asked, reports it.
     *
     * @param reportIfNew whether to report a new flush position at once
     */
    private void flush(boolean reportIfNew) throws SQLException {
        if (written.compareTo(flushed) > 0) {
            long start = System.nanoTime();
            file.sync();
            flushed = written;
            lastFlush = System.nanoTime();
            lastFlushDuration = lastFlush - start;
        }
        if (reportIfNew && (flushed.compareTo(reportedFlush) > 0 || written.compareTo(reportedWrite) > 0)) {
            report(false);
        }
    }

    private void report(boolean replyRequested) throws SQLException {
        byte[] update = ReplicationMessages.statusUpdate(written, flushed, Instant.now(), replyRequested);
        copy.writeToCopy(update, 0, update.length);
        copy.flushCopy();
        lastReport = System.nanoTime();
        boolean newFlush = flushed.compareTo(reportedFlush) > 0;
        reportedWrite = written;
        reportedFlush = flushed;
        if (newFlush) {
            listener.flushed(flushed);
        }
    }
}
