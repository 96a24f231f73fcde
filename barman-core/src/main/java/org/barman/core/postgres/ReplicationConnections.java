package org.barman.core.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import org.barman.api.BarmanException;
import org.barman.api.ReplicationConnector;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;

/**
 * The replication connections of a server ({@code barman receive-wal}): its {@code streaming_conninfo} (else its
 * {@code conninfo}) read and translated as every connection is ({@link ConnInfo}: the {@code PG*} variables, the
 * password file, Unix-domain sockets), with what a physical replication connection needs set by Barman, whatever
 * the conninfo says: {@code replication=true} (which gives pgjdbc's simple query protocol and its replication
 * API), {@code dbname=replication} (as {@code pg_receivewal} and Barman connect, so that the password file entry
 * for the {@code replication} database applies) and {@code application_name = streaming_archiver_name} (the name
 * {@code pg_stat_replication} and {@code synchronous_standby_names} know the receiver by).
 */
public final class ReplicationConnections {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ReplicationConnections() {
    }

    /**
     * @param server a server
     * @return its replication connection string, with Barman's settings
     * @throws BarmanException when neither streaming_conninfo nor conninfo is set, or the one used is malformed
     */
    public static ConnInfo conninfo(ServerConfig server) {
        String text = server.streamingConninfo();
        if (text == null) {
            throw new BarmanException(server.origin() + ": neither streaming_conninfo nor conninfo is set: "
                    + "barman receive-wal needs one to reach PostgreSQL (for example streaming_conninfo = host=pg "
                    + "user=streaming_barman)");
        }
        ConnInfo parsed;
        try {
            parsed = ConnInfo.parse(text);
        } catch (BarmanException e) {
            throw new BarmanException(server.originOf(server.streamingConninfoOption()) + " "
                    + server.streamingConninfoOption().name() + ": " + e.getMessage(), e);
        }
        return parsed.with("replication", "true").with("dbname", "replication")
                .with("application_name", server.get(ConfigOptions.STREAMING_ARCHIVER_NAME));
    }

    /**
     * @param server a server
     * @return what opens its replication connections, checked now (a malformed conninfo fails here, not at the
     *     first connection)
     * @throws BarmanException when no conninfo is set or it cannot work with the JDBC driver
     */
    public static ReplicationConnector connector(ServerConfig server) {
        ConnInfo conninfo = conninfo(server);
        ConnInfo.JdbcTarget target = conninfo.toJdbc();
        String name = server.name();
        String role = target.properties().getOrDefault("user", "");
        return () -> open(target, conninfo, name, role);
    }

    /**
     * @param server a server
     * @return a new replication connection to its PostgreSQL; the caller closes it
     * @throws BarmanException when it cannot be opened, saying why in PostgreSQL's words
     */
    public static Connection open(ServerConfig server) {
        try {
            return connector(server).open();
        } catch (SQLException e) {
            throw new BarmanException(e.getMessage(), e);
        }
    }

    /**
     * @param refusal why a replication connection could not be opened, as {@link #connector} reports it
     * @return whether its message already says what to change (the role lacks REPLICATION, or pg_hba.conf has no
     *     replication line for it), so that a caller adds no generic hint
     */
    public static boolean explained(Throwable refusal) {
        for (Throwable cause = refusal; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && (lacksReplication(sql) || rejectedByHba(sql))) {
                return true;
            }
        }
        return false;
    }

    private static Connection open(ConnInfo.JdbcTarget target, ConnInfo conninfo, String server, String role)
            throws SQLException {
        try {
            return target.connect();
        } catch (SQLException e) {
            throw new SQLException("cannot open a replication connection to PostgreSQL of server " + server + " ("
                    + conninfo + "): " + firstLine(e.getMessage()) + hint(e, role), e.getSQLState(), e);
        }
    }

    private static String hint(SQLException refusal, String role) {
        String quoted = identifier(role);
        if (lacksReplication(refusal)) {
            return ": role " + quoted + " lacks the REPLICATION attribute; as a superuser run "
                    + grantReplication(role) + " (or use a role that has it in streaming_conninfo)";
        }
        if (rejectedByHba(refusal)) {
            return ": add a replication line for role " + quoted + " to pg_hba.conf (such as host replication "
                    + quoted + " <barman host>/32 scram-sha-256, or local replication for the socket) and reload "
                    + "PostgreSQL";
        }
        return "";
    }

    /** PostgreSQL's words for a walsender refused to a role without REPLICATION: 15 and before, then 16 and later. */
    private static boolean lacksReplication(SQLException refusal) {
        String message = String.valueOf(refusal.getMessage());
        return INSUFFICIENT_PRIVILEGE.equals(refusal.getSQLState()) && (message.contains("replication role")
                || message.contains("WAL sender") || message.contains("walsender"));
    }

    private static boolean rejectedByHba(SQLException refusal) {
        String state = refusal.getSQLState();
        return state != null && state.startsWith("28") && String.valueOf(refusal.getMessage()).contains("pg_hba.conf");
    }

    /**
     * @param role a role name
     * @return the statement that gives it the REPLICATION attribute, such as {@code ALTER ROLE barman REPLICATION}
     */
    public static String grantReplication(String role) {
        return "ALTER ROLE " + identifier(role) + " REPLICATION";
    }

    private static String identifier(String role) {
        return role.matches("[a-z_][a-z0-9_$]*") ? role : "\"" + role.replace("\"", "\"\"") + "\"";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
