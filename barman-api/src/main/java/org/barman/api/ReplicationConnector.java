package org.barman.api;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens connections to PostgreSQL in physical replication mode, the way Barman opens every connection (the
 * server's {@code streaming_conninfo}, its defaults, the {@code PG*} variables, the password file, Unix-domain
 * sockets). A plug-in that speaks the replication protocol gets one instead of a conninfo, so that it never parses
 * a conninfo or looks for passwords itself, and may open a new connection after losing one.
 *
 * <p>A connection it opens is a PostgreSQL JDBC driver connection with {@code replication=true} and the simple
 * query protocol: it runs replication commands ({@code IDENTIFY_SYSTEM}, {@code TIMELINE_HISTORY},
 * {@code START_REPLICATION}, {@code BASE_BACKUP}...) as statements, and {@code unwrap(org.postgresql.PGConnection)}
 * gives the driver's copy API for the streams they start.
 */
@FunctionalInterface
public interface ReplicationConnector {

    /**
     * @return a new replication connection; the caller closes it
     * @throws SQLException when the server cannot be reached or refuses the connection (the message names the
     *     server, and says why, as PostgreSQL put it)
     */
    Connection open() throws SQLException;
}
