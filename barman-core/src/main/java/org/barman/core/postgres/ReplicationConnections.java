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
        return () -> open(target, conninfo, name);
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

    private static Connection open(ConnInfo.JdbcTarget target, ConnInfo conninfo, String server)
            throws SQLException {
        try {
            return target.connect();
        } catch (SQLException e) {
            throw new SQLException("cannot open a replication connection to PostgreSQL of server " + server + " ("
                    + conninfo + "): " + firstLine(e.getMessage()), e.getSQLState(), e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
