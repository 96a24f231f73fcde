package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.barman.api.BarmanException;
import org.barman.core.postgres.ConnInfo.JdbcTarget;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.Driver;

class ConnInfoTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Nested
    class KeyValueForm {

        @Test
        void reads_pairs_in_order() {
            ConnInfo info = ConnInfo.parse("host=pg1 port=5433 user=barman dbname=postgres");
            assertThat(info.options()).containsExactly(entry("host", "pg1"), entry("port", "5433"),
                    entry("user", "barman"), entry("dbname", "postgres"));
            assertThat(info.get("host")).contains("pg1");
            assertThat(info.get("password")).isEmpty();
        }

        @Test
        void allows_whitespace_around_the_equals_sign() {
            assertThat(ConnInfo.parse("  host =  pg1\tport=\n5433\r\n").options())
                    .containsExactly(entry("host", "pg1"), entry("port", "5433"));
        }

        @Test
        void reads_quoted_values_with_escapes() {
            ConnInfo info = ConnInfo.parse("password='it\\'s a \\\\ secret' application_name='' options='-c work_mem=4MB'");
            assertThat(info.get("password")).contains("it's a \\ secret");
            assertThat(info.get("application_name")).contains("");
            assertThat(info.get("options")).contains("-c work_mem=4MB");
        }

        @Test
        void lets_a_backslash_escape_in_unquoted_values_too() {
            assertThat(ConnInfo.parse("password=a\\ b").get("password")).contains("a b");
            assertThat(ConnInfo.parse("password=a\\\\b").get("password")).contains("a\\b");
            assertThat(ConnInfo.parse("password=ab\\").get("password")).contains("ab");
        }

        @Test
        void takes_the_next_word_as_the_value_after_an_equals_sign_and_whitespace_as_libpq_does() {
            assertThat(ConnInfo.parse("host= port=5432").options()).containsExactly(entry("host", "port=5432"));
        }

        @Test
        void keeps_the_last_value_of_a_repeated_keyword() {
            assertThat(ConnInfo.parse("host=a port=1 host=b").options())
                    .containsExactly(entry("host", "b"), entry("port", "1"));
        }

        @Test
        void reads_an_empty_string_as_no_options() {
            assertThat(ConnInfo.parse("").options()).isEmpty();
            assertThat(ConnInfo.parse(" \t ").options()).isEmpty();
        }

        @Test
        void translates_the_old_requiressl_keyword() {
            assertThat(ConnInfo.parse("requiressl=1").options()).containsExactly(entry("sslmode", "require"));
            assertThat(ConnInfo.parse("requiressl=0").options()).containsExactly(entry("sslmode", "prefer"));
        }

        @Test
        void names_a_keyword_without_equals_sign() {
            assertThatThrownBy(() -> ConnInfo.parse("host pg1"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo: missing \"=\" after \"host\" at position 1");
            assertThatThrownBy(() -> ConnInfo.parse("host=pg1 port"))
                    .hasMessage("conninfo: missing \"=\" after \"port\" at position 10");
        }

        @Test
        void names_an_unterminated_quote_without_showing_the_value() {
            assertThatThrownBy(() -> ConnInfo.parse("host=pg1 password='s3cret"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessageContaining("unterminated quoted value of \"password\" starting at position 19")
                    .hasMessageNotContaining("s3cret");
            assertThatThrownBy(() -> ConnInfo.parse("password='abc\\'"))
                    .hasMessageContaining("unterminated");
        }

        @Test
        void names_an_unknown_keyword() {
            assertThatThrownBy(() -> ConnInfo.parse("hots=pg1"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo: unknown keyword \"hots\" (not a libpq connection option)");
            assertThatThrownBy(() -> ConnInfo.parse("=pg1")).hasMessageContaining("unknown keyword \"\"");
        }

        @Test
        void refuses_nul_characters() {
            assertThatThrownBy(() -> ConnInfo.parse("host=a\0b")).hasMessageContaining("NUL character at position 7");
        }
    }

    @Nested
    class UriForm {

        @Test
        void reads_every_part_percent_decoded() {
            ConnInfo info = ConnInfo.parse(
                    "postgresql://bar%20man:s%40cr%C3%A9t@pg1.example.com:5433/my%20db?sslmode=require&application_name=b%26r");
            assertThat(info.options()).containsExactly(entry("user", "bar man"), entry("password", "s@crét"),
                    entry("host", "pg1.example.com"), entry("port", "5433"), entry("dbname", "my db"),
                    entry("sslmode", "require"), entry("application_name", "b&r"));
        }

        @Test
        void accepts_the_short_prefix() {
            assertThat(ConnInfo.parse("postgres://pg1/db").options())
                    .containsExactly(entry("host", "pg1"), entry("dbname", "db"));
        }

        @Test
        void reads_several_hosts_and_ports() {
            assertThat(ConnInfo.parse("postgresql://h1:5432,h2:5433/db").options())
                    .containsExactly(entry("host", "h1,h2"), entry("port", "5432,5433"), entry("dbname", "db"));
            assertThat(ConnInfo.parse("postgresql://h1,h2:5433").options())
                    .containsExactly(entry("host", "h1,h2"), entry("port", ",5433"));
        }

        @Test
        void reads_ipv6_addresses_in_brackets() {
            assertThat(ConnInfo.parse("postgresql://[::1]:5432/db").options())
                    .containsExactly(entry("host", "::1"), entry("port", "5432"), entry("dbname", "db"));
            assertThat(ConnInfo.parse("postgresql://[2001:db8::1],[::1]:5433").options())
                    .containsExactly(entry("host", "2001:db8::1,::1"), entry("port", ",5433"));
        }

        @Test
        void reads_a_socket_folder_given_as_host() {
            assertThat(ConnInfo.parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").get("host"))
                    .contains("/var/run/postgresql");
            assertThat(ConnInfo.parse("postgresql:///db?host=/var/run/postgresql").options())
                    .containsExactly(entry("dbname", "db"), entry("host", "/var/run/postgresql"));
        }

        @Test
        void reads_credentials_without_host_or_password() {
            assertThat(ConnInfo.parse("postgresql://u@h").options()).containsExactly(entry("user", "u"), entry("host", "h"));
            assertThat(ConnInfo.parse("postgresql://u:p:q@h").options())
                    .containsExactly(entry("user", "u"), entry("password", "p:q"), entry("host", "h"));
            assertThat(ConnInfo.parse("postgresql://").options()).isEmpty();
            assertThat(ConnInfo.parse("postgresql://h/").options()).containsExactly(entry("host", "h"));
        }

        @Test
        void maps_ssl_true_to_sslmode_require_and_lets_later_parameters_win() {
            assertThat(ConnInfo.parse("postgresql://h/db?ssl=true&dbname=other").options())
                    .containsExactly(entry("host", "h"), entry("dbname", "other"), entry("sslmode", "require"));
        }

        @Test
        void names_a_missing_bracket() {
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://[::1"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo URI: missing \"]\" after the IPv6 address starting at position 15");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://[]/db")).hasMessageContaining("empty IPv6 address");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://[::1]x/db"))
                    .hasMessageContaining("unexpected character \"x\" at position 19");
        }

        @Test
        void names_malformed_query_parameters() {
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/db?sslmode"))
                    .hasMessage("conninfo URI: query parameter \"sslmode\" has no \"=\" (expected key=value)");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/db?a=b=c"))
                    .hasMessage("conninfo URI: query parameter \"a\" has more than one \"=\"");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/db?foo=bar"))
                    .hasMessage("conninfo: unknown query parameter \"foo\" (not a libpq connection option)");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/db?sslmode=require&&port=1"))
                    .hasMessageContaining("has no \"=\"");
        }

        @Test
        void names_bad_percent_encoding_without_showing_a_password() {
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://u:se%zzcret@h"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo URI: invalid percent-encoding in the password (expected % and two hexadecimal digits)");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/d%4"))
                    .hasMessageContaining("invalid percent-encoding at \"%4\" in the database name");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/d%00b"))
                    .hasMessage("conninfo URI: %00 is not allowed in the database name");
            assertThatThrownBy(() -> ConnInfo.parse("postgresql://h/d%FFb"))
                    .hasMessageContaining("not valid UTF-8");
        }
    }

    @Nested
    class Translation {

        @Test
        void builds_a_jdbc_url_and_properties() {
            JdbcTarget target = ConnInfo.parse("host=pg1 port=5433 user=barman dbname=postgres password=x")
                    .toJdbc(NO_ENV, "root");
            assertThat(target.url()).isEqualTo("jdbc:postgresql://pg1:5433/postgres");
            assertThat(target.properties()).containsExactly(entry("user", "barman"), entry("password", "x"),
                    entry("ApplicationName", "barman"), entry("tcpKeepAlive", "true"));
            Properties properties = target.toProperties();
            assertThat(properties.getProperty("user")).isEqualTo("barman");
        }

        @Test
        void fills_in_libpq_defaults() {
            JdbcTarget target = ConnInfo.parse("host=pg1").toJdbc(NO_ENV, "alice");
            assertThat(target.url()).isEqualTo("jdbc:postgresql://pg1:5432/alice");
            assertThat(target.properties()).containsEntry("user", "alice").doesNotContainKey("password");
            assertThat(ConnInfo.parse("host=pg1 user='' dbname='' port=''").toJdbc(NO_ENV, "alice").url())
                    .isEqualTo("jdbc:postgresql://pg1:5432/alice");
        }

        @Test
        void takes_what_the_conninfo_leaves_out_from_pg_environment_variables() {
            Map<String, String> env = Map.of("PGHOST", "envhost", "PGPORT", "6000", "PGUSER", "bob",
                    "PGDATABASE", "d", "PGPASSWORD", "pw", "PGSSLMODE", "require", "PGAPPNAME", "ignored");
            JdbcTarget fromEnv = ConnInfo.parse("").toJdbc(env, "alice");
            assertThat(fromEnv.url()).isEqualTo("jdbc:postgresql://envhost:6000/d");
            assertThat(fromEnv.properties()).containsEntry("user", "bob").containsEntry("password", "pw")
                    .containsEntry("sslmode", "require").containsEntry("ApplicationName", "barman");

            JdbcTarget given = ConnInfo.parse("host=pg1 port=5433 user=carol dbname=postgres sslmode=disable")
                    .toJdbc(env, "alice");
            assertThat(given.url()).isEqualTo("jdbc:postgresql://pg1:5433/postgres");
            assertThat(given.properties()).containsEntry("user", "carol").containsEntry("sslmode", "disable");
            assertThat(ConnInfo.parse("host=pg1").toJdbc(Map.of("PGREQUIRESSL", "1"), "a").properties())
                    .containsEntry("sslmode", "require");
        }

        @Test
        void names_the_connection_barman_unless_the_conninfo_names_it() {
            assertThat(ConnInfo.parse("host=h").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("ApplicationName", "barman");
            assertThat(ConnInfo.parse("host=h application_name=barman_receive_wal").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("ApplicationName", "barman_receive_wal");
            assertThat(ConnInfo.parse("host=h fallback_application_name=other").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("ApplicationName", "barman");
        }

        @Test
        void pairs_several_hosts_with_their_ports() {
            assertThat(ConnInfo.parse("host=h1,h2 port=5432,5433").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/a");
            assertThat(ConnInfo.parse("host=h1,h2 port=6000").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://h1:6000,h2:6000/a");
            assertThat(ConnInfo.parse("postgresql://h1,h2:5433/db").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
            assertThatThrownBy(() -> ConnInfo.parse("host=h1,h2,h3 port=1,2").toJdbc(NO_ENV, "a"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo: 2 port numbers for 3 hosts; give one port for all hosts or one per host");
        }

        @Test
        void brackets_ipv6_addresses() {
            assertThat(ConnInfo.parse("postgresql://[::1]:5433/db").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://[::1]:5433/db");
            assertThat(ConnInfo.parse("host=fe80::1%eth0").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://[fe80::1%eth0]:5432/a");
        }

        @Test
        void connects_to_hostaddr_when_given() {
            assertThat(ConnInfo.parse("host=db.example.com hostaddr=10.0.0.5 port=5433").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://10.0.0.5:5433/a");
            assertThat(ConnInfo.parse("host=/tmp hostaddr=127.0.0.1").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:5432/a");
            assertThatThrownBy(() -> ConnInfo.parse("hostaddr=db.example.com").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("hostaddr \"db.example.com\" is not a numeric IP address");
            assertThatThrownBy(() -> ConnInfo.parse("host=a,b hostaddr=10.0.0.1").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("2 host names but 1 hostaddr values");
        }

        @Test
        void resolves_the_socket_file_from_the_host_folder_and_the_port() {
            JdbcTarget target = ConnInfo.parse("host=/tmp/pg port=5433 user=u dbname=d").toJdbc(NO_ENV, "a");
            assertThat(target.unixSocket()).contains(Path.of("/tmp/pg/.s.PGSQL.5433"));
            assertThat(target.url()).isEqualTo("jdbc:postgresql:d");
            assertThat(target.properties()).containsEntry("user", "u")
                    .containsEntry("PGHOST", "/tmp/pg").containsEntry("PGPORT", "5433")
                    .containsEntry("socketFactory", UnixSocketFactory.class.getName())
                    .containsEntry("socketFactoryArg", "/tmp/pg/.s.PGSQL.5433")
                    .containsEntry("sslmode", "disable").containsEntry("gssEncMode", "disable");
            assertThat(socket("host=/tmp/pg/", NO_ENV)).isEqualTo("/tmp/pg/.s.PGSQL.5432");
            assertThat(socket("host=/tmp/pg port=''", NO_ENV)).isEqualTo("/tmp/pg/.s.PGSQL.5432");
            assertThat(socket("postgresql://%2Fvar%2Flib%2Fpg:5434/db", NO_ENV)).isEqualTo("/var/lib/pg/.s.PGSQL.5434");
            assertThat(socket("postgresql:///db?host=/tmp&port=6543", NO_ENV)).isEqualTo("/tmp/.s.PGSQL.6543");
        }

        @Test
        void uses_the_default_socket_folder_when_no_host_is_given() {
            assertThat(socket("user=u", NO_ENV)).isEqualTo("/var/run/postgresql/.s.PGSQL.5432");
            assertThat(socket("host='' port=5555", NO_ENV)).isEqualTo("/var/run/postgresql/.s.PGSQL.5555");
            assertThat(socket("postgresql:///db", NO_ENV)).isEqualTo("/var/run/postgresql/.s.PGSQL.5432");
            assertThat(ConnInfo.parse("user=u").toJdbc(NO_ENV, "a").properties())
                    .as("the password file's host is localhost for the default folder, as in libpq")
                    .containsEntry("PGHOST", "localhost");
            assertThat(ConnInfo.parse("host=/var/run/postgresql").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("PGHOST", "localhost");
            assertThat(ConnInfo.parse("host=/run/postgresql").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("PGHOST", "/run/postgresql");
        }

        @Test
        void takes_the_socket_folder_and_port_from_pghost_and_pgport() {
            Map<String, String> env = Map.of("PGHOST", "/run/pg", "PGPORT", "6000");
            assertThat(socket("user=u dbname=d", env)).isEqualTo("/run/pg/.s.PGSQL.6000");
            assertThat(socket("host=/tmp user=u", env)).isEqualTo("/tmp/.s.PGSQL.6000");
            assertThat(socket("port=7000", env)).isEqualTo("/run/pg/.s.PGSQL.7000");
            assertThat(ConnInfo.parse("host=pg1").toJdbc(env, "a").unixSocket()).isEmpty();
            assertThat(ConnInfo.parse("user=u").toJdbc(Map.of("PGHOST", "pg1"), "a").url())
                    .isEqualTo("jdbc:postgresql://pg1:5432/u");
        }

        @Test
        void connects_over_tcp_when_hostaddr_is_given_with_a_socket_folder() {
            JdbcTarget target = ConnInfo.parse("host=/tmp hostaddr=127.0.0.1").toJdbc(NO_ENV, "a");
            assertThat(target.unixSocket()).isEmpty();
            assertThat(target.properties()).doesNotContainKey("socketFactory");
        }

        @Test
        void ignores_ssl_and_gss_modes_on_a_socket_and_passes_requirepeer_on() {
            assertThat(ConnInfo.parse("host=/tmp sslmode=require gssencmode=require requirepeer=postgres")
                    .toJdbc(NO_ENV, "a").properties())
                    .containsEntry("sslmode", "disable").containsEntry("gssEncMode", "disable")
                    .containsEntry(UnixSocketFactory.REQUIRE_PEER, "postgres");
            assertThat(ConnInfo.parse("host=pg1 requirepeer=postgres").toJdbc(NO_ENV, "a").properties())
                    .doesNotContainKey(UnixSocketFactory.REQUIRE_PEER);
        }

        @Test
        void gives_pgjdbc_the_socket_host_port_and_database_in_properties() {
            String dbname = "my db/with?odd&chars+%é";
            JdbcTarget target = ConnInfo.parse("host=/tmp/pg port=5433 dbname=" + ConnInfo.quote(dbname))
                    .toJdbc(NO_ENV, "a");
            Properties parsed = Driver.parseURL(target.url(), target.toProperties());
            assertThat(parsed).isNotNull();
            assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(dbname);
            assertThat(parsed.getProperty("PGHOST")).isEqualTo("/tmp/pg");
            assertThat(parsed.getProperty("PGPORT")).isEqualTo("5433");
        }

        @Test
        void refuses_a_socket_among_several_hosts_and_sockets_java_cannot_reach() {
            assertThatThrownBy(() -> ConnInfo.parse("host=h1,/tmp port=1").toJdbc(NO_ENV, "a"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("conninfo: host number 2 of 2 is the Unix-domain socket folder \"/tmp\", and Barman "
                            + "connects through a socket only when it is the one host; give that folder alone, or "
                            + "only TCP hosts");
            assertThatThrownBy(() -> ConnInfo.parse("host=h1, port=1").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("host number 2 of 2 is empty, which means the Unix-domain socket folder "
                            + "/var/run/postgresql");
            assertThatThrownBy(() -> ConnInfo.parse("dbname=x").toJdbc(Map.of("PGHOST", "/a,/b"), "a"))
                    .hasMessageContaining("host number 1 of 2 is the Unix-domain socket folder \"/a\"");
            assertThatThrownBy(() -> ConnInfo.parse("host=@abstract").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: host \"@abstract\" is a Unix-domain socket in the abstract namespace, "
                            + "which Java cannot connect to; give the socket's folder (unix_socket_directories) or a "
                            + "TCP host");
            assertThatThrownBy(() -> ConnInfo.parse("host=tmp/pg").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: host \"tmp/pg\" is not a host name, an IP address or a Unix-domain "
                            + "socket folder");
        }

        private static String socket(String conninfo, Map<String, String> environment) {
            return ConnInfo.parse(conninfo).toJdbc(environment, "a").unixSocket().orElseThrow().toString();
        }

        @Test
        void encodes_the_database_name_so_that_pgjdbc_reads_it_back() {
            String dbname = "my db/with?odd&chars+%é";
            JdbcTarget target = ConnInfo.parse("host=pg1 dbname=" + ConnInfo.quote(dbname)).toJdbc(NO_ENV, "a");
            Properties parsed = Driver.parseURL(target.url(), null);
            assertThat(parsed).isNotNull();
            assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(dbname);
            assertThat(parsed.getProperty("PGHOST")).isEqualTo("pg1");
            assertThat(parsed.getProperty("PGPORT")).isEqualTo("5432");
        }

        @Test
        void gives_pgjdbc_a_url_it_accepts_with_several_hosts() throws Exception {
            JdbcTarget target = ConnInfo.parse("host=h1,::1 port=5432,5433 dbname=d").toJdbc(NO_ENV, "a");
            assertThat(new Driver().acceptsURL(target.url())).isTrue();
            Properties parsed = Driver.parseURL(target.url(), null);
            assertThat(parsed.getProperty("PGHOST")).isEqualTo("h1,[::1]");
            assertThat(parsed.getProperty("PGPORT")).isEqualTo("5432,5433");
        }

        @ParameterizedTest
        @CsvSource({"10,10", "1,2", "2,2", "0,0", "-5,0", "' 7 ',7"})
        void follows_libpq_connect_timeout_rules(String given, String seconds) {
            assertThat(ConnInfo.of(Map.of("host", "h", "connect_timeout", given)).toJdbc(NO_ENV, "a").properties())
                    .containsEntry("connectTimeout", seconds)
                    .containsEntry("loginTimeout", seconds);
        }

        @Test
        void names_invalid_numbers() {
            assertThatThrownBy(() -> ConnInfo.parse("host=h connect_timeout=soon").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: invalid integer \"soon\" for connect_timeout");
            assertThatThrownBy(() -> ConnInfo.parse("host=h port=99999").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: invalid port number \"99999\" (expected 1 to 65535)");
            assertThatThrownBy(() -> ConnInfo.parse("host=h port=54x").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: invalid integer \"54x\" for port");
            assertThatThrownBy(() -> ConnInfo.parse("host=h keepalives_idle=x").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: invalid integer \"x\" for keepalives_idle");
        }

        @Test
        void keeps_tcp_keepalives_on_unless_turned_off() {
            assertThat(ConnInfo.parse("host=h keepalives=0").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("tcpKeepAlive", "false");
            assertThat(ConnInfo.parse("host=h keepalives=1 keepalives_idle=30").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("tcpKeepAlive", "true");
        }

        @Test
        void maps_ssl_and_authentication_options() {
            Map<String, String> properties = ConnInfo.parse("host=h sslmode=verify-full sslcert=/c.pem sslkey=/k.pem "
                    + "sslrootcert=/r.pem sslpassword=kp channel_binding=require require_auth=scram-sha-256 "
                    + "gssencmode=disable krbsrvname=pg gsslib=gssapi sslnegotiation=direct options='-c x=y' "
                    + "client_encoding=UTF8 sslcompression=0 sslsni=1").toJdbc(NO_ENV, "a").properties();
            assertThat(properties).containsEntry("sslmode", "verify-full").containsEntry("sslcert", "/c.pem")
                    .containsEntry("sslkey", "/k.pem").containsEntry("sslrootcert", "/r.pem")
                    .containsEntry("sslpassword", "kp").containsEntry("channelBinding", "require")
                    .containsEntry("requireAuth", "scram-sha-256").containsEntry("gssEncMode", "disable")
                    .containsEntry("kerberosServerName", "pg").containsEntry("gsslib", "gssapi")
                    .containsEntry("sslNegotiation", "direct").containsEntry("options", "-c x=y");
            assertThatThrownBy(() -> ConnInfo.parse("host=h sslmode=always").toJdbc(NO_ENV, "a"))
                    .hasMessage("conninfo: invalid sslmode \"always\" (expected one of allow, disable, prefer, "
                            + "require, verify-ca, verify-full)");
            assertThatThrownBy(() -> ConnInfo.parse("host=h client_encoding=LATIN1").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("client_encoding \"LATIN1\" is not supported");
        }

        @ParameterizedTest
        @CsvSource({"any,any", "read-write,primary", "primary,primary", "read-only,secondary",
                "standby,secondary", "prefer-standby,preferSecondary"})
        void maps_target_session_attrs(String attrs, String serverType) {
            assertThat(ConnInfo.parse("host=h target_session_attrs=" + attrs).toJdbc(NO_ENV, "a").properties())
                    .containsEntry("targetServerType", serverType);
        }

        @Test
        void maps_load_balancing_and_replication() {
            assertThat(ConnInfo.parse("host=a,b load_balance_hosts=random").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("loadBalanceHosts", "true");
            assertThat(ConnInfo.parse("host=h replication=true").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("replication", "true").containsEntry("preferQueryMode", "simple")
                    .containsEntry("assumeMinServerVersion", "9.4");
            assertThat(ConnInfo.parse("host=h replication=database").toJdbc(NO_ENV, "a").properties())
                    .containsEntry("replication", "database");
            assertThat(ConnInfo.parse("host=h replication=off").toJdbc(NO_ENV, "a").properties())
                    .doesNotContainKey("replication");
            assertThatThrownBy(() -> ConnInfo.parse("host=h replication=maybe").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("invalid replication \"maybe\"");
        }

        @Test
        void refuses_what_pgjdbc_cannot_do_and_says_what_to_do() {
            assertThatThrownBy(() -> ConnInfo.parse("host=h passfile=/etc/pgpass").toJdbc(NO_ENV, "a"))
                    .isInstanceOf(BarmanException.class)
                    .hasMessageStartingWith("conninfo: passfile is not supported by the PostgreSQL JDBC driver Barman uses")
                    .hasMessageContaining("PGPASSFILE");
            assertThatThrownBy(() -> ConnInfo.parse("service=main").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("pg_service.conf is not read");
            assertThatThrownBy(() -> ConnInfo.parse("host=h sslcrl=/crl.pem").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("revocation");
            assertThatThrownBy(() -> ConnInfo.parse("host=h ssl_min_protocol_version=TLSv1.3").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("jdk.tls.client.protocols");
            assertThatThrownBy(() -> ConnInfo.parse("host=h gssdelegation=1").toJdbc(NO_ENV, "a"))
                    .hasMessageContaining("delegation");
            assertThat(ConnInfo.parse("host=h gssdelegation=0 sslcertmode=allow").toJdbc(NO_ENV, "a").url())
                    .isEqualTo("jdbc:postgresql://h:5432/a");
        }

        @Test
        void ignores_unsupported_options_that_come_from_the_environment() {
            assertThat(ConnInfo.parse("host=h").toJdbc(Map.of("PGSSLCRL", "/crl.pem", "PGSERVICE", "x"), "a").url())
                    .isEqualTo("jdbc:postgresql://h:5432/a");
        }
    }

    @Nested
    class Rendering {

        @Test
        void quotes_only_what_needs_it() {
            assertThat(ConnInfo.quote("pg1")).isEqualTo("pg1");
            assertThat(ConnInfo.quote("")).isEqualTo("''");
            assertThat(ConnInfo.quote("a b")).isEqualTo("'a b'");
            assertThat(ConnInfo.quote("it's")).isEqualTo("'it\\'s'");
            assertThat(ConnInfo.quote("C:\\x")).isEqualTo("'C:\\\\x'");
            assertThat(ConnInfo.quote("a=b")).isEqualTo("a=b");
        }

        @Test
        void formats_a_string_that_parses_back_and_hides_passwords_when_printed() {
            ConnInfo info = ConnInfo.parse("postgresql://u:p%20w@h:5433/d%20b");
            assertThat(info.format()).isEqualTo("user=u password='p w' host=h port=5433 dbname='d b'");
            assertThat(ConnInfo.parse(info.format())).isEqualTo(info);
            assertThat(info.toString()).isEqualTo("user=u password=******** host=h port=5433 dbname='d b'");
            assertThat(info.toJdbc(NO_ENV, "a").toString()).doesNotContain("p w").contains("password=********");
        }

        @Test
        void sets_options_in_copies() {
            ConnInfo info = ConnInfo.parse("host=h");
            assertThat(info.with("application_name", "x").get("application_name")).contains("x");
            assertThat(info.get("application_name")).isEmpty();
            assertThat(info.withDefault("host", "other")).isSameAs(info);
            assertThat(info.withDefault("port", "5433").get("port")).contains("5433");
            assertThatThrownBy(() -> info.with("nope", "x")).isInstanceOf(BarmanException.class);
            assertThatThrownBy(() -> ConnInfo.of(Map.of("nope", "x"))).hasMessageContaining("unknown keyword \"nope\"");
        }
    }
}
