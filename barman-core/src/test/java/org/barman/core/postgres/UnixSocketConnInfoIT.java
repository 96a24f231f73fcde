package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.core.Barman;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Connections through a Unix-domain socket, as a Barman on the database host makes them: a real PostgreSQL 15
 * that listens on no TCP address and whose pg_hba.conf allows only {@code local} logins with {@code peer}
 * authentication (the tests' OS user mapped to {@code postgres}), so no password is involved.
 */
@Tag("postgres")
class UnixSocketConnInfoIT {

    @RegisterExtension
    static PostgresExtension pg = PostgresExtension.builder().majorVersion(15).socketOnly().build();

    @TempDir
    Path tmp;

    private static String folder() {
        return pg.cluster().socketDirectory().toString();
    }

    private static int port() {
        return pg.cluster().port();
    }

    @Test
    void connects_through_the_socket_folder_given_as_host_with_peer_authentication() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse("host=" + folder() + " port=" + port() + " user=postgres dbname=postgres");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect()) {
            assertThat(value(connection, "select current_user")).isEqualTo("postgres");
            assertThat(value(connection, "select coalesce(inet_client_addr()::text, 'unix socket')"))
                    .isEqualTo("unix socket");
            assertThat(value(connection, "select application_name from pg_stat_activity where pid = pg_backend_pid()"))
                    .isEqualTo("barman");
        }
    }

    @Test
    void connects_through_the_socket_folder_of_pghost_when_the_conninfo_has_no_host() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse("user=postgres dbname=postgres");
        try (Connection connection = conninfo.toJdbc(Map.of("PGHOST", folder(), "PGPORT", Integer.toString(port())))
                .connect()) {
            assertThat(value(connection, "select coalesce(inet_client_addr()::text, 'unix socket')"))
                    .isEqualTo("unix socket");
        }
        ConnInfo uri = ConnInfo.parse("postgresql://postgres@%2F" + folder().substring(1).replace("/", "%2F")
                + ":" + port() + "/postgres");
        try (Connection connection = uri.toJdbc(Map.of()).connect()) {
            assertThat(value(connection, "select current_user")).isEqualTo("postgres");
        }
    }

    @Test
    void opens_a_replication_connection_through_the_socket() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse("host=" + folder() + " port=" + port() + " user=postgres replication=true");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString("systemid"))
                    .isEqualTo(pg.cluster().queryValue("select system_identifier::text from pg_control_system()"));
        }
    }

    @Test
    void waits_for_notifications_and_cancels_a_query_through_the_socket() throws Exception {
        ConnInfo conninfo = ConnInfo.parse("host=" + folder() + " port=" + port() + " user=postgres dbname=postgres");
        try (Connection listener = conninfo.toJdbc(Map.of()).connect();
             Statement statement = listener.createStatement()) {
            statement.execute("LISTEN barman_socket_test");
            long start = System.nanoTime();
            PGNotification[] none = listener.unwrap(PGConnection.class).getNotifications(300);
            assertThat(none).isNullOrEmpty();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(250_000_000L);
            pg.cluster().execute("NOTIFY barman_socket_test, 'hello'");
            PGNotification[] some = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(some).extracting(PGNotification::getParameter).containsExactly("hello");

            statement.setQueryTimeout(1);
            assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("canceling statement due to user request");
            assertThat(value(listener, "select 1")).isEqualTo("1");
        }
    }

    @Test
    void a_wrong_socket_folder_is_a_one_line_error_naming_the_socket_file() throws Exception {
        Path wrong = tmp.resolve("no-postgres-here");
        Files.createDirectories(wrong);
        Path socket = wrong.resolve(".s.PGSQL." + port());
        assertThatThrownBy(() -> ConnInfo.parse("host=" + wrong + " port=" + port() + " user=postgres")
                .toJdbc(Map.of()).connect().close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(socket.toString())
                .hasMessageNotContaining("\n");

        Path config = tmp.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + tmp.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\nconninfo = host=" + wrong + " port=" + port()
                + " user=postgres dbname=postgres\n");
        Barman barman = Barman.load(config, Plugins.load());
        assertThatThrownBy(() -> PostgresServer.connect(barman.server("main").config()).close())
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("cannot connect to PostgreSQL of server main")
                .hasMessageContaining(socket + ": No such file or directory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void takes_the_password_from_the_password_file_by_socket_folder() throws Exception {
        PostgresCluster cluster = pg.cluster();
        cluster.execute("create role socket_pw login password 'socket secret'");
        Path hba = cluster.dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        Files.writeString(hba, "local all socket_pw scram-sha-256\n" + original);
        cluster.reloadConfig();
        String base = "host=" + folder() + " port=" + port() + " user=socket_pw dbname=postgres";
        String previous = System.getProperty("org.postgresql.pgpassfile");
        try {
            assertThatThrownBy(() -> ConnInfo.parse(base + " password=wrong").toJdbc(Map.of()).connect().close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");

            Path pgpass = tmp.resolve("pgpass");
            Files.writeString(pgpass, "localhost:" + port() + ":*:socket_pw:not this one\n"
                    + folder() + ":" + port() + ":postgres:socket_pw:socket secret\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
            try (Connection connection = ConnInfo.parse(base).toJdbc(Map.of()).connect()) {
                assertThat(value(connection, "select current_user")).isEqualTo("socket_pw");
            }
        } finally {
            if (previous == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", previous);
            }
            Files.writeString(hba, original);
            cluster.reloadConfig();
        }
    }

    @Test
    void checks_the_server_process_user_with_requirepeer() throws SQLException {
        String base = "host=" + folder() + " port=" + port() + " user=postgres dbname=postgres";
        try (Connection connection = ConnInfo.parse(base + " requirepeer=" + pg.cluster().osUser())
                .toJdbc(Map.of()).connect()) {
            assertThat(value(connection, "select current_user")).isEqualTo("postgres");
        }
        assertThatThrownBy(() -> ConnInfo.parse(base + " requirepeer=nobody").toJdbc(Map.of()).connect().close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("requirepeer")
                .hasMessageContaining("\"nobody\"")
                .hasMessageContaining("\"" + pg.cluster().osUser() + "\"");
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row from %s", sql).isTrue();
            return result.getString(1);
        }
    }
}
