package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.barman.api.ReplicationConnector;
import org.barman.core.config.ConfigLoader;
import org.barman.core.config.ServerConfig;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication connections Barman opens for receive-wal, through a real PostgreSQL 15 that listens only on its
 * Unix-domain socket with peer authentication (Barman on the database host): a WAL sender named
 * {@code streaming_archiver_name} that runs replication commands; a refusal names the server in one line.
 */
class ReplicationConnectionsIT {

    @RegisterExtension
    static PostgresExtension pg = PostgresExtension.builder().majorVersion(15).socketOnly().build();

    @TempDir
    Path dir;

    private ServerConfig server(String streamingConninfo) throws IOException {
        Path file = dir.resolve("barman.conf");
        Files.writeString(file, "[barman]\nbarman_home = " + dir + "\n\n[main]\nconninfo = host=/nowhere\n"
                + "streaming_conninfo = " + streamingConninfo + "\nstreaming_archiver_name = barman_main\n");
        return ConfigLoader.load(file, Plugins.load()).server("main");
    }

    @Test
    void theConnectorOpensAWalSenderNamedAfterStreamingArchiverNameThroughTheSocket() throws Exception {
        ReplicationConnector connector = ReplicationConnections.connector(server("host="
                + pg.cluster().socketDirectory() + " port=" + pg.cluster().port() + " user=postgres"));

        for (int attempt = 0; attempt < 2; attempt++) {
            try (Connection connection = connector.open(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("systemid")).isEqualTo(pg.cluster().queryValue(
                        "SELECT system_identifier::text FROM pg_control_system()"));
                assertThat(pg.cluster().query("SELECT application_name, coalesce(client_addr::text, 'socket') FROM "
                        + "pg_stat_activity WHERE backend_type = 'walsender'")).containsExactly(
                                List.of("barman_main", "socket"));
            }
        }
    }

    @Test
    void aRefusedConnectionIsOneLineNamingTheServer() throws Exception {
        ReplicationConnector connector = ReplicationConnections.connector(server("host="
                + pg.cluster().socketDirectory() + " port=" + pg.cluster().port() + " user=nobody_here"));

        assertThatThrownBy(connector::open).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("cannot open a replication connection to PostgreSQL of server main (host="
                        + pg.cluster().socketDirectory() + " port=" + pg.cluster().port() + " user=nobody_here "
                        + "replication=true dbname=replication application_name=barman_main): ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aReplicationConnectionThatPgHbaConfRejectsIsOneLineSayingSo() throws Exception {
        Path hba = pg.cluster().dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        pg.cluster().execute("CREATE ROLE refused_replication LOGIN REPLICATION");
        try {
            Files.writeString(hba, "local replication refused_replication reject\n" + original);
            pg.cluster().execute("SELECT pg_reload_conf()");
            ReplicationConnector connector = ReplicationConnections.connector(server("host="
                    + pg.cluster().socketDirectory() + " port=" + pg.cluster().port() + " user=refused_replication"));

            assertThatThrownBy(connector::open).isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("cannot open a replication connection to PostgreSQL of server main (")
                    .hasMessageContaining("pg_hba.conf rejects replication connection for host \"[local]\", user "
                            + "\"refused_replication\"")
                    .hasMessageNotContaining("\n");
        } finally {
            Files.writeString(hba, original);
            pg.cluster().execute("SELECT pg_reload_conf()");
            pg.cluster().execute("DROP ROLE refused_replication");
        }
    }
}
