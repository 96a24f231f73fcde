package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.barman.testkit.PostgresCluster;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Connections through {@link ConnInfo} to a real PostgreSQL 15. */
@Tag("postgres")
class PostgresConnInfoIT {

    @RegisterExtension
    static PostgresExtension pg = PostgresExtension.builder().majorVersion(15).build();

    @Test
    void connects_with_a_key_value_conninfo_as_barman() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse(pg.cluster().conninfo());
        try (Connection connection = conninfo.toJdbc(Map.of()).connect()) {
            assertThat(Integer.parseInt(value(connection, "show server_version_num"))).isGreaterThanOrEqualTo(150000);
            assertThat(value(connection, "select application_name from pg_stat_activity where pid = pg_backend_pid()"))
                    .isEqualTo("barman");
            assertThat(value(connection, "select current_user")).isEqualTo("postgres");
        }
    }

    @Test
    void connects_with_a_uri() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse("postgresql://postgres@127.0.0.1:" + pg.cluster().port()
                + "/postgres?connect_timeout=10&options=-c%20work_mem%3D3MB");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect()) {
            assertThat(Integer.parseInt(value(connection, "show server_version_num"))).isGreaterThanOrEqualTo(150000);
            assertThat(value(connection, "select application_name from pg_stat_activity where pid = pg_backend_pid()"))
                    .isEqualTo("barman");
            assertThat(value(connection, "show work_mem")).isEqualTo("3MB");
        }
    }

    @Test
    void honours_the_application_name_of_the_conninfo() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse(pg.cluster().conninfo() + " application_name='barman streaming'");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect()) {
            assertThat(value(connection, "select application_name from pg_stat_activity where pid = pg_backend_pid()"))
                    .isEqualTo("barman streaming");
        }
    }

    @Test
    void tries_the_next_host_when_the_first_refuses() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ConnInfo conninfo = ConnInfo.parse("host=127.0.0.1,127.0.0.1 port=" + closedPort + "," + pg.cluster().port()
                + " user=postgres dbname=postgres connect_timeout=5");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect()) {
            assertThat(value(connection, "show port")).isEqualTo(Integer.toString(pg.cluster().port()));
        }
    }

    @Test
    void opens_a_physical_replication_connection() throws SQLException {
        ConnInfo conninfo = ConnInfo.parse(pg.cluster().conninfo() + " replication=true");
        try (Connection connection = conninfo.toJdbc(Map.of()).connect();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString("systemid")).isEqualTo(pg.cluster()
                    .queryValue("select system_identifier::text from pg_control_system()"));
            assertThat(result.getInt("timeline")).isEqualTo(1);
        }
    }

    @Test
    void authenticates_with_the_password_or_the_password_file(@TempDir Path tmp) throws Exception {
        PostgresCluster cluster = pg.cluster();
        cluster.execute("create role pw_user login password 'pw''s \\ secret'");
        Path hba = cluster.dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        Files.writeString(hba, "host all pw_user 127.0.0.1/32 scram-sha-256\n" + original);
        cluster.reloadConfig();
        String base = "host=127.0.0.1 port=" + cluster.port() + " user=pw_user dbname=postgres";
        try {
            try (Connection connection = ConnInfo.parse(base + " password=" + ConnInfo.quote("pw's \\ secret"))
                    .toJdbc(Map.of()).connect()) {
                assertThat(value(connection, "select current_user")).isEqualTo("pw_user");
            }
            assertThatThrownBy(() -> ConnInfo.parse(base + " password=wrong").toJdbc(Map.of()).connect().close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");

            Path pgpass = tmp.resolve("pgpass");
            Files.writeString(pgpass, "127.0.0.1:" + cluster.port() + ":postgres:pw_user:pw's \\\\ secret\n",
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            String previous = System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
            try (Connection connection = ConnInfo.parse(base).toJdbc(Map.of()).connect()) {
                assertThat(value(connection, "select current_user")).isEqualTo("pw_user");
            } finally {
                restoreProperty("org.postgresql.pgpassfile", previous);
            }
        } finally {
            Files.writeString(hba, original);
            cluster.reloadConfig();
        }
    }

    private static void restoreProperty(String name, String previous) {
        if (previous == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, previous);
        }
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row from %s", sql).isTrue();
            return result.getString(1);
        }
    }
}
