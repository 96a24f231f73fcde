package org.barman.core.streaming;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.core.postgres.PostgresServer;

/**
 * The replication slots of a server, read and changed through its {@code conninfo} connection with the SQL
 * functions every supported version has ({@code pg_replication_slots}, {@code pg_create_physical_replication_slot},
 * {@code pg_drop_replication_slot}): a physical replication connection runs no SQL, and PostgreSQL 13 and 14 have
 * no replication command that reads a slot.
 */
public final class ReplicationSlots {

    /** PostgreSQL's duplicate_object. */
    private static final String DUPLICATE_OBJECT = "42710";
    /** PostgreSQL's undefined_object. */
    private static final String UNDEFINED_OBJECT = "42704";
    /** PostgreSQL's object_in_use. */
    private static final String OBJECT_IN_USE = "55006";
    /** PostgreSQL's configuration_limit_exceeded. */
    private static final String CONFIGURATION_LIMIT_EXCEEDED = "53400";

    private final PostgresServer postgres;
    private final String server;

    /**
     * @param postgres a connection to the server's PostgreSQL
     * @param server the server's name, for messages
     */
    public ReplicationSlots(PostgresServer postgres, String server) {
        this.postgres = postgres;
        this.server = server;
    }

    /**
     * What {@code pg_replication_slots} says of one slot.
     *
     * @param name the slot's name
     * @param physical whether it is a physical slot (a logical one cannot stream WAL to Barman)
     * @param active whether a WAL sender streams from it now
     * @param activePid that WAL sender's pid, 0 when inactive
     * @param restartLsn the oldest WAL it keeps, null when it keeps none yet (created without reserving WAL)
     * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}, as PostgreSQL says
     */
    public record Slot(String name, boolean physical, boolean active, long activePid, Lsn restartLsn,
            String walStatus) {
    }

    /** What creating a slot did. */
    public enum Creation {
        /** The slot was created, reserving WAL from now on. */
        CREATED,
        /** A slot of that name was there already (accepted with {@code --if-not-exists} and by cron). */
        ALREADY_EXISTS
    }

    /**
     * @param name a slot name
     * @return the slot, when it exists
     */
    public Optional<Slot> find(String name) {
        String sql = "SELECT slot_type, active, coalesce(active_pid, 0), restart_lsn::text, wal_status "
                + "FROM pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement statement = postgres.connection().prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                String restart = rows.getString(4);
                return Optional.of(new Slot(name, "physical".equals(rows.getString(1)), rows.getBoolean(2),
                        rows.getLong(3), restart == null ? null : Lsn.parse(restart), rows.getString(5)));
            }
        } catch (SQLException e) {
            throw failed("reading replication slot '" + name + "'", e);
        }
    }

    /**
     * Creates a physical slot that reserves WAL at once, so that nothing written from now on is recycled before
     * {@code receive-wal} has it.
     *
     * @param name the slot name
     * @param ifNotExists whether an existing slot of that name is fine
     * @return what was done
     * @throws BarmanException when the slot exists (unless accepted), every slot is taken, or PostgreSQL refuses
     */
    public Creation create(String name, boolean ifNotExists) {
        try (PreparedStatement statement = postgres.connection().prepareStatement(
                "SELECT pg_create_physical_replication_slot(?, true)")) {
            statement.setString(1, name);
            statement.execute();
            return Creation.CREATED;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                if (ifNotExists) {
                    return Creation.ALREADY_EXISTS;
                }
                throw new BarmanException("replication slot '" + name + "' already exists on server " + server
                        + " (add --if-not-exists to accept it)");
            }
            if (CONFIGURATION_LIMIT_EXCEEDED.equals(e.getSQLState())) {
                throw new BarmanException("cannot create replication slot '" + name + "' on server " + server
                        + ": all replication slots are in use; drop an unused one, or raise max_replication_slots "
                        + "(restart needed)");
            }
            throw failed("creating replication slot '" + name + "'", e);
        }
    }

    /**
     * @param name the slot name
     * @throws BarmanException when there is no such slot, a WAL sender streams from it, or PostgreSQL refuses
     */
    public void drop(String name) {
        try (PreparedStatement statement = postgres.connection().prepareStatement(
                "SELECT pg_drop_replication_slot(?)")) {
            statement.setString(1, name);
            statement.execute();
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                throw new BarmanException("replication slot '" + name + "' does not exist on server " + server);
            }
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                throw new BarmanException("cannot drop replication slot '" + name + "' of server " + server
                        + ": it is in use (" + firstLine(e.getMessage()) + "); stop its receiver first (barman "
                        + "receive-wal --stop " + server + ")");
            }
            throw failed("dropping replication slot '" + name + "'", e);
        }
    }

    private BarmanException failed(String what, SQLException e) {
        return new BarmanException("PostgreSQL of server " + server + " failed " + what + ": "
                + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
