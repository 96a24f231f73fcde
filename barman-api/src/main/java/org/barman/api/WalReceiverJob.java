package org.barman.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What a {@link WalReceiver} is asked to do: stream one server's WAL into one folder until asked to stop.
 *
 * @param server the server's name, for messages
 * @param connector opens the replication connections (again after a lost one)
 * @param directory where the WAL goes ({@code streaming_wals_directory}): complete segments under their names, the
 *     segment being received as {@code <name>.partial}, and the {@code .history} file of every timeline streamed
 * @param slotName the replication slot to stream from ({@code slot_name}), or null to stream without one
 * @param reset whether to give up the position the folder holds and start at the server's current position (after
 *     a gap that cannot be closed, such as WAL the server no longer has): {@code receive-wal --reset}
 * @param statusInterval how often, at the longest, the receiver reports its positions to the server when nothing
 *     else makes it (it reports at once after each flush, and whenever the server asks)
 * @param stopRequested true once the receiver must stop: it then flushes what it received, reports it, and
 *     returns; it is asked at least once a second
 */
public record WalReceiverJob(String server, ReplicationConnector connector, Path directory, String slotName,
        boolean reset, Duration statusInterval, BooleanSupplier stopRequested) {

    /** The status interval of {@code pg_receivewal}, and Barman's. */
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(10);

    /**
     * Checks the job.
     *
     * @param server the server's name, for messages
     * @param connector opens the replication connections
     * @param directory where the WAL goes
     * @param slotName the replication slot, or null
     * @param reset whether to start at the server's current position
     * @param statusInterval how often, at the longest, positions are reported
     * @param stopRequested true once the receiver must stop
     */
    public WalReceiverJob {
        if (server == null || connector == null || directory == null || statusInterval == null
                || stopRequested == null) {
            throw new IllegalArgumentException("server, connector, directory, statusInterval and stopRequested are "
                    + "required");
        }
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("statusInterval must be positive: " + statusInterval);
        }
        if (slotName != null && slotName.isEmpty()) {
            slotName = null;
        }
    }
}
