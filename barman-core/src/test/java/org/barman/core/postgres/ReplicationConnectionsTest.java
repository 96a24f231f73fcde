package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.core.config.ConfigLoader;
import org.barman.core.config.ServerConfig;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication connection string Barman builds from a server's configuration. */
class ReplicationConnectionsTest {

    @TempDir
    Path dir;

    private ServerConfig server(String options) throws IOException {
        Path file = dir.resolve("barman.conf");
        Files.writeString(file, "[barman]\nbarman_home = " + dir + "\n\n[main]\n" + options);
        return ConfigLoader.load(file, Plugins.load()).server("main");
    }

    @Test
    void streamingConninfoGetsReplicationTheReplicationDatabaseAndTheReceiverName() throws IOException {
        ServerConfig main = server("conninfo = host=pg user=barman dbname=postgres\n"
                + "streaming_conninfo = host=pg2 port=5433 user=streaming_barman dbname=other "
                + "application_name=mine replication=false\n");

        ConnInfo conninfo = ReplicationConnections.conninfo(main);

        assertThat(conninfo.options()).contains(entry("host", "pg2"), entry("port", "5433"),
                entry("user", "streaming_barman"), entry("dbname", "replication"), entry("replication", "true"),
                entry("application_name", "barman_receive_wal"));
        Map<String, String> properties = conninfo.toJdbc(Map.of(), "barman").properties();
        assertThat(properties).contains(entry("replication", "true"), entry("preferQueryMode", "simple"),
                entry("assumeMinServerVersion", "9.4"), entry("ApplicationName", "barman_receive_wal"),
                entry("user", "streaming_barman"));
        assertThat(conninfo.toJdbc(Map.of(), "barman").url()).isEqualTo("jdbc:postgresql://pg2:5433/replication");
    }

    @Test
    void withoutStreamingConninfoTheConninfoIsUsedAndStreamingArchiverNameNamesTheConnection() throws IOException {
        ServerConfig main = server("conninfo = host=/run/postgresql user=barman\n"
                + "streaming_archiver_name = barman_main\n");

        ConnInfo.JdbcTarget target = ReplicationConnections.conninfo(main).toJdbc(Map.of(), "barman");

        assertThat(target.unixSocket()).contains(Path.of("/run/postgresql/.s.PGSQL.5432"));
        assertThat(target.properties()).containsEntry("ApplicationName", "barman_main")
                .containsEntry("replication", "true");
    }

    @Test
    void aMissingOrMalformedConninfoIsAnErrorNamingTheOption() throws IOException {
        assertThatThrownBy(() -> ReplicationConnections.connector(server("description = none\n")))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("[main]: neither streaming_conninfo nor conninfo is set");
        assertThatThrownBy(() -> ReplicationConnections.connector(server("conninfo = host=pg\n"
                + "streaming_conninfo = host=pg colour=blue\n")))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("[main] streaming_conninfo: conninfo: unknown keyword \"colour\"");
    }
}
