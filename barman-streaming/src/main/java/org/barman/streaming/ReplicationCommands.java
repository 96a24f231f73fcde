package org.barman.streaming;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.barman.api.Lsn;

/**
 * The replication commands the receiver runs before streaming, as simple-query statements on a replication
 * connection.
 */
final class ReplicationCommands {

    private ReplicationCommands() {
    }

    /**
     * A replication slot as {@code READ_REPLICATION_SLOT} shows it.
     *
     * @param type {@code physical} or {@code logical}
     * @param restartPosition the oldest WAL the slot keeps, or null when it keeps none yet
     * @param restartTimeline the timeline of that position, or 0
     */
    record Slot(String type, Lsn restartPosition, long restartTimeline) {
    }

    /**
     * Runs {@code IDENTIFY_SYSTEM} and {@code SHOW wal_segment_size}.
     *
     * @param connection a replication connection
     * @return what the server says of itself
     * @throws SQLException when a command fails
     */
    static ServerIdentity identify(Connection connection) throws SQLException {
        long systemId;
        long timeline;
        Lsn position;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("IDENTIFY_SYSTEM")) {
            if (!row.next()) {
                throw new SQLException("IDENTIFY_SYSTEM returned no row");
            }
            systemId = Long.parseUnsignedLong(row.getString("systemid"));
            timeline = row.getLong("timeline");
            position = Lsn.parse(row.getString("xlogpos"));
        }
        long segmentSize;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW wal_segment_size")) {
            if (!row.next()) {
                throw new SQLException("SHOW wal_segment_size returned no row");
            }
            segmentSize = ServerIdentity.parseSize(row.getString(1));
        }
        int major = connection.getMetaData().getDatabaseMajorVersion();
        return new ServerIdentity(systemId, timeline, position, segmentSize, major);
    }

    /**
     * Runs {@code TIMELINE_HISTORY}.
     *
     * @param connection a replication connection
     * @param timeline a timeline above 1 (timeline 1 has no history)
     * @return the history file's content, as the server keeps it
     * @throws SQLException when the command fails
     */
    static String timelineHistory(Connection connection, long timeline) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("TIMELINE_HISTORY " + timeline)) {
            if (!row.next()) {
                throw new SQLException("TIMELINE_HISTORY " + timeline + " returned no row");
            }
            return row.getString(2);
        }
    }

    /**
     * Runs {@code READ_REPLICATION_SLOT} (PostgreSQL 15 and later).
     *
     * @param connection a replication connection
     * @param slotName the slot
     * @return the slot, or empty when it does not exist
     * @throws SQLException when the command fails
     */
    static Optional<Slot> readSlot(Connection connection, String slotName) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("READ_REPLICATION_SLOT " + quoteIdentifier(slotName))) {
            if (!row.next() || row.getString("slot_type") == null) {
                return Optional.empty();
            }
            String restart = row.getString("restart_lsn");
            return Optional.of(new Slot(row.getString("slot_type"), restart == null ? null : Lsn.parse(restart),
                    row.getLong("restart_tli")));
        }
    }

    /**
     * @param slotName the slot, or null
     * @param start where to start
     * @return the {@code START_REPLICATION} command
     */
    static String startReplication(String slotName, StartPoint start) {
        return "START_REPLICATION " + (slotName == null ? "" : "SLOT " + quoteIdentifier(slotName) + " ")
                + "PHYSICAL " + start.position() + " TIMELINE " + start.timeline();
    }

    /**
     * @param name a slot name
     * @return the name as a quoted identifier of the replication command grammar
     */
    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
