package org.barman.streaming;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.barman.api.BarmanException;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverJob;
import org.barman.api.WalReceiverListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Barman's WAL receiver in Java, over the physical replication protocol: {@code pg_receivewal}'s behaviour without
 * its binary, for every PostgreSQL major the driver reaches. See {@link WalReceiver} for what it guarantees.
 *
 * <p>It connects, streams, and when the connection is lost or refused connects again after a wait that starts at
 * {@link #FIRST_WAIT} and doubles up to {@link #LONGEST_WAIT} (back to the first after a connection that streamed),
 * until a stop is requested. Each connection starts again from what the folder holds. A login the server refuses
 * ({@code pg_hba.conf}, the role, the password) is not retried: it is a configuration to fix, said in one line.
 */
public final class StreamingWalReceiver implements WalReceiver {

    /** The wait before the first new attempt after a connection is lost or refused. */
    public static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    /** The longest wait between two attempts. */
    public static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(StreamingWalReceiver.class);
    private static final long STOP_CHECK_MILLIS = 200;
    /** SQLSTATE class 28: pg_hba.conf rejects the connection, the role does not exist or the password is wrong. */
    private static final String INVALID_AUTHORIZATION_CLASS = "28";

    /** Creates a receiver; each {@link #receive} call is one run of {@code receive-wal}. */
    public StreamingWalReceiver() {
    }

    @Override
    public void receive(WalReceiverJob job, WalReceiverListener listener) {
        StreamingFolder folder = new StreamingFolder(job.directory(), job.server());
        folder.prepare();
        try {
            receive(job, listener, folder);
        } finally {
            folder.close();
        }
    }

    private static void receive(WalReceiverJob job, WalReceiverListener listener, StreamingFolder folder) {
        ReceiverSession.Progress progress = new ReceiverSession.Progress();
        boolean reset = job.reset();
        Duration wait = FIRST_WAIT;
        while (!job.stopRequested().getAsBoolean()) {
            ReceiverSession session = new ReceiverSession(job, listener, folder, reset, progress);
            try (Connection connection = open(job)) {
                session.run(connection);
                return;
            } catch (ConnectionLost e) {
                if (session.streamed()) {
                    wait = FIRST_WAIT;
                    reset = false;
                }
                LOG.debug("replication connection of server '{}' lost", job.server(), e);
                listener.disconnected(e.getMessage(), wait);
                pause(job, wait);
                wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            } catch (FolderFailure e) {
                throw new BarmanException(e.getMessage() + ". receive-wal stops; it reported to the server as "
                        + "flushed only WAL on disk (" + (progress.flushed() == null ? "none in this run"
                        : "up to " + progress.flushed()) + "), so a replication slot keeps the rest on the server: "
                        + "make room or fix the folder, then start receive-wal again", e.getCause());
            } catch (SQLException e) {
                LOG.debug("closing the replication connection of server '{}'", job.server(), e);
            }
        }
    }

    private static Connection open(WalReceiverJob job) {
        try {
            return job.connector().open();
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith(INVALID_AUTHORIZATION_CLASS)) {
                throw new BarmanException(ReceiverSession.firstLine(e.getMessage()) + ": check streaming_conninfo, "
                        + "and that pg_hba.conf has a replication line for its user (receive-wal does not retry a "
                        + "refused login)", e);
            }
            throw new ConnectionLost(ReceiverSession.firstLine(e.getMessage()), e);
        }
    }

    private static void pause(WalReceiverJob job, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!job.stopRequested().getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(STOP_CHECK_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BarmanException("receive-wal of server '" + job.server() + "' was interrupted", e);
            }
        }
    }
}
