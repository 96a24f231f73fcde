package org.barman.api;

import java.time.Duration;

/**
 * Hears what a {@link WalReceiver} does, for the command line's messages and for tests. Every method has a default
 * that does nothing; a receiver calls them from its own thread, and a slow listener slows the stream.
 */
public interface WalReceiverListener {

    /** A listener that ignores everything. */
    WalReceiverListener NONE = new WalReceiverListener() {
    };

    /**
     * The server streams, on a new connection or on the next timeline.
     *
     * @param timeline the timeline streamed
     * @param start the position the stream starts at (the start of a segment)
     */
    default void streaming(long timeline, Lsn start) {
    }

    /**
     * WAL up to this position is on disk (fsynced) and was reported to the server as flushed. Each call names a
     * position beyond the previous one.
     *
     * @param position the end of what is on disk
     */
    default void flushed(Lsn position) {
    }

    /**
     * A segment is complete and has its final name.
     *
     * @param segment the segment
     */
    default void segmentCompleted(WalSegmentName segment) {
    }

    /**
     * The connection was lost or could not be made; the receiver tries again.
     *
     * @param reason why, in PostgreSQL's or the network's words
     * @param retryIn how long it waits before the next attempt
     */
    default void disconnected(String reason, Duration retryIn) {
    }
}
