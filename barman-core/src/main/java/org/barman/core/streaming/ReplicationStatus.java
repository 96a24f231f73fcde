package org.barman.core.streaming;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.barman.core.postgres.PostgresServer;

/**
 * What a server says of its replication clients ({@code barman replication-status}): one entry per WAL sender of
 * {@code pg_stat_replication}, with its physical slot, and the server's current position to measure lags against.
 *
 * @param server the server's name
 * @param target which clients were asked for
 * @param inRecovery whether the server is a standby (cascading replication); its position is then the last WAL it
 *     received
 * @param currentLsn the server's current WAL position, null when it cannot say
 * @param clients the clients, synchronous ones first
 */
public record ReplicationStatus(String server, Target target, boolean inRecovery, Lsn currentLsn,
        List<Client> clients) {

    /**
     * Copies the list.
     *
     * @param server the server's name
     * @param target which clients were asked for
     * @param inRecovery whether the server is a standby
     * @param currentLsn the server's current WAL position, null when it cannot say
     * @param clients the clients
     */
    public ReplicationStatus {
        clients = List.copyOf(clients);
    }

    /** Which replication clients to list, with Barman's names. */
    public enum Target {
        /** Standbys that replay WAL (they report a replay position). */
        HOT_STANDBY("hot-standby", "hot standby servers"),
        /** Clients that only store WAL ({@code pg_receivewal}, Barman's receive-wal): no replay position. */
        WAL_STREAMER("wal-streamer", "WAL streamers"),
        /** Every client. */
        ALL("all", "streaming clients");

        private final String option;
        private final String title;

        Target(String option, String title) {
            this.option = option;
            this.title = title;
        }

        /** @return the value of {@code --target} */
        public String option() {
            return option;
        }

        /** @return what the clients listed are called, such as {@code WAL streamers} */
        public String title() {
            return title;
        }

        /**
         * @param option a value of {@code --target}
         * @return the target
         * @throws IllegalArgumentException for another value
         */
        public static Target of(String option) {
            for (Target target : values()) {
                if (target.option.equals(option.toLowerCase(Locale.ROOT))) {
                    return target;
                }
            }
            throw new IllegalArgumentException("'" + option + "' is not hot-standby, wal-streamer or all");
        }
    }

    /**
     * One replication client, as {@code pg_stat_replication} and {@code pg_replication_slots} show it. Positions
     * are null when the client has not reported them (or the user may not read them).
     *
     * @param pid the WAL sender's pid
     * @param userName the role it connected as
     * @param applicationName its application_name
     * @param clientAddress its IP address, null for a Unix-domain socket
     * @param clientHostname its host name when PostgreSQL resolves it, else null
     * @param clientPort its TCP port, -1 for a socket
     * @param started when it connected
     * @param state {@code startup}, {@code catchup}, {@code streaming}, {@code backup} or {@code stopping}
     * @param syncState {@code async}, {@code potential}, {@code sync} or {@code quorum}
     * @param syncPriority its priority among synchronous standbys, 0 for an asynchronous one
     * @param sentLsn the last position sent
     * @param writeLsn the last position it wrote
     * @param flushLsn the last position it flushed
     * @param replayLsn the last position it replayed (null for a WAL streamer)
     * @param slotName its physical replication slot, null without one
     * @param barmanReceiver whether it is this server's own {@code receive-wal} (its application_name is
     *     {@code streaming_archiver_name})
     */
    public record Client(long pid, String userName, String applicationName, String clientAddress,
            String clientHostname, int clientPort, OffsetDateTime started, String state, String syncState,
            int syncPriority, Lsn sentLsn, Lsn writeLsn, Lsn flushLsn, Lsn replayLsn, String slotName,
            boolean barmanReceiver) {

        /** @return whether it only stores WAL (no replay position) */
        public boolean walStreamer() {
            return replayLsn == null;
        }

        /**
         * @param current the server's current position
         * @param position one of this client's positions
         * @return how many bytes the position is behind, empty when either is unknown
         */
        public static OptionalLong lag(Lsn current, Lsn position) {
            return current == null || position == null ? OptionalLong.empty()
                    : OptionalLong.of(Math.max(0, current.minus(position)));
        }
    }

    /**
     * @param server a server
     * @param target which clients to list
     * @return its replication clients now
     * @throws BarmanException when PostgreSQL cannot be reached or the query fails
     */
    public static ReplicationStatus of(Server server, Target target) {
        try (PostgresServer postgres = PostgresServer.connect(server.config())) {
            return of(postgres, server.name(), server.config().get(ConfigOptions.STREAMING_ARCHIVER_NAME), target);
        }
    }

    /**
     * @param postgres a connection to the server
     * @param server the server's name
     * @param receiverName the server's {@code streaming_archiver_name}
     * @param target which clients to list
     * @return its replication clients now
     */
    public static ReplicationStatus of(PostgresServer postgres, String server, String receiverName, Target target) {
        String filter = switch (target) {
            case HOT_STANDBY -> " AND r.replay_lsn IS NOT NULL";
            case WAL_STREAMER -> " AND r.replay_lsn IS NULL";
            case ALL -> "";
        };
        String sql = "SELECT r.pid, r.usename, r.application_name, host(r.client_addr), r.client_hostname, "
                + "coalesce(r.client_port, -1), r.backend_start, r.state, r.sync_state, r.sync_priority, "
                + "r.sent_lsn::text, r.write_lsn::text, r.flush_lsn::text, r.replay_lsn::text, rs.slot_name "
                + "FROM pg_stat_replication r LEFT JOIN pg_replication_slots rs ON (r.pid = rs.active_pid) "
                + "WHERE (rs.slot_type IS NULL OR rs.slot_type = 'physical')" + filter
                + " ORDER BY r.sync_state DESC, r.sync_priority, r.application_name, r.pid";
        List<Client> clients = new ArrayList<>();
        boolean inRecovery = postgres.isInRecovery();
        Lsn current = postgres.queryValue(inRecovery ? "SELECT pg_last_wal_receive_lsn()::text"
                : "SELECT pg_current_wal_lsn()::text").map(Lsn::parse).orElse(null);
        try (PreparedStatement statement = postgres.connection().prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String applicationName = rows.getString(3);
                clients.add(new Client(rows.getLong(1), rows.getString(2), applicationName, rows.getString(4),
                        rows.getString(5), rows.getInt(6), rows.getObject(7, OffsetDateTime.class), rows.getString(8),
                        rows.getString(9), rows.getInt(10), lsn(rows.getString(11)), lsn(rows.getString(12)),
                        lsn(rows.getString(13)), lsn(rows.getString(14)), rows.getString(15),
                        receiverName.equals(applicationName)));
            }
        } catch (SQLException e) {
            throw new BarmanException("PostgreSQL of server " + server + " failed reading pg_stat_replication: "
                    + e.getMessage(), e);
        }
        return new ReplicationStatus(server, target, inRecovery, current, clients);
    }

    private static Lsn lsn(String text) {
        return text == null ? null : Lsn.parse(text);
    }
}
