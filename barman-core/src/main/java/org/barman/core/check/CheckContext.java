package org.barman.core.check;

import java.util.Optional;

import org.barman.core.Server;
import org.barman.core.postgres.PostgresServer;

/**
 * What checks of one server share: the server and one PostgreSQL connection, opened once.
 *
 * @param server the server checked
 * @param postgres its PostgreSQL, empty when it could not be reached (the PostgreSQL item says why)
 */
public record CheckContext(Server server, Optional<PostgresServer> postgres) {
}
