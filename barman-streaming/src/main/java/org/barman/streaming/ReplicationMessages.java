package org.barman.streaming;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.barman.api.Lsn;

/**
 * The CopyData messages of physical streaming replication (PostgreSQL's "Streaming Replication Protocol"): what
 * the server sends ({@code w} XLogData, {@code k} primary keepalive) and what the receiver answers ({@code r}
 * standby status update). Integers are big-endian; times are microseconds since 2000-01-01 00:00 UTC.
 */
final class ReplicationMessages {

    static final byte XLOG_DATA = 'w';
    static final byte KEEPALIVE = 'k';
    static final byte STATUS_UPDATE = 'r';

    /** The size of a standby status update: its type, three positions, the time and the reply flag. */
    static final int STATUS_UPDATE_SIZE = 1 + 8 + 8 + 8 + 8 + 1;

    private static final int XLOG_DATA_HEADER = 1 + 8 + 8 + 8;
    private static final int KEEPALIVE_SIZE = 1 + 8 + 8 + 1;
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private ReplicationMessages() {
    }

    /**
     * A piece of WAL.
     *
     * @param start the position of the first byte of {@code data}
     * @param serverEnd the end of the WAL the server had when it sent this
     * @param data the WAL bytes (a view of the message)
     */
    record XLogData(Lsn start, Lsn serverEnd, ByteBuffer data) {

        /** @return the position right after the data */
        Lsn end() {
            return start.plus(data.remaining());
        }
    }

    /**
     * A keepalive of the server.
     *
     * @param serverEnd the end of the WAL the server has
     * @param replyRequested whether the server wants a status update at once
     */
    record Keepalive(Lsn serverEnd, boolean replyRequested) {
    }

    /**
     * @param message a CopyData message of the stream
     * @return its XLogData
     * @throws IllegalArgumentException when the message is too short
     */
    static XLogData xlogData(byte[] message) {
        if (message.length < XLOG_DATA_HEADER || message[0] != XLOG_DATA) {
            throw new IllegalArgumentException("malformed XLogData message of " + message.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        buffer.get();
        Lsn start = new Lsn(buffer.getLong());
        Lsn serverEnd = new Lsn(buffer.getLong());
        buffer.getLong();
        return new XLogData(start, serverEnd, buffer.slice());
    }

    /**
     * @param message a CopyData message of the stream
     * @return its keepalive
     * @throws IllegalArgumentException when the message is too short
     */
    static Keepalive keepalive(byte[] message) {
        if (message.length < KEEPALIVE_SIZE || message[0] != KEEPALIVE) {
            throw new IllegalArgumentException("malformed keepalive message of " + message.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(message);
        buffer.get();
        Lsn serverEnd = new Lsn(buffer.getLong());
        buffer.getLong();
        return new Keepalive(serverEnd, buffer.get() != 0);
    }

    /**
     * @param written the end of what the receiver has written
     * @param flushed the end of what it has on disk (fsynced)
     * @param now the time to report
     * @param replyRequested whether the server should answer at once (with a keepalive)
     * @return the standby status update; nothing is applied, as for {@code pg_receivewal}
     */
    static byte[] statusUpdate(Lsn written, Lsn flushed, Instant now, boolean replyRequested) {
        ByteBuffer buffer = ByteBuffer.allocate(STATUS_UPDATE_SIZE);
        buffer.put(STATUS_UPDATE);
        buffer.putLong(written.value());
        buffer.putLong(flushed.value());
        buffer.putLong(Lsn.ZERO.value());
        buffer.putLong(postgresMicros(now));
        buffer.put((byte) (replyRequested ? 1 : 0));
        return buffer.array();
    }

    static long postgresMicros(Instant time) {
        return (time.getEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L + time.getNano() / 1_000;
    }
}
