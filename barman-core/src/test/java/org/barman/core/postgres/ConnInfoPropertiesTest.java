package org.barman.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

/** Invariants of conninfo quoting, URI decoding and the JDBC URL, over many generated values. */
class ConnInfoPropertiesTest {

    private static final List<String> TEXT_KEYWORDS = List.of("password", "application_name", "options", "user",
            "dbname", "sslcert", "sslpassword", "krbsrvname");

    @Test
    void any_quoted_value_parses_back_unchanged() {
        PropertyChecks.forAllText(value -> {
            ConnInfo parsed = ConnInfo.parse("host=pg1 password=" + ConnInfo.quote(value) + " port=5432");
            assertThat(parsed.get("password")).contains(value);
            assertThat(parsed.get("host")).contains("pg1");
            assertThat(parsed.get("port")).contains("5432");
        });
    }

    @Test
    void formatting_then_parsing_gives_the_same_conninfo() {
        PropertyChecks.forAllKeywordsAndText(TEXT_KEYWORDS, (keyword, value) -> {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("host", "pg1");
            options.put(keyword, value);
            options.put("application_name", value + "'x");
            ConnInfo info = ConnInfo.of(options);
            assertThat(ConnInfo.parse(info.format())).isEqualTo(info);
        });
    }

    @Test
    void percent_encoded_uri_parts_decode_to_the_original_text() {
        PropertyChecks.forAllWellFormedText(text -> {
            String uri = "postgresql://" + encode(text) + ":" + encode(text + "!") + "@pg1:5433/" + encode(text)
                    + "?application_name=" + encode(text);
            ConnInfo parsed = ConnInfo.parse(uri);
            if (!text.isEmpty()) {
                assertThat(parsed.get("user")).contains(text);
                assertThat(parsed.get("dbname")).contains(text);
            }
            assertThat(parsed.get("password")).contains(text + "!");
            assertThat(parsed.get("application_name")).contains(text);
            assertThat(parsed.get("host")).contains("pg1");
        });
    }

    @Test
    void pgjdbc_reads_back_the_database_name_of_the_jdbc_url() {
        PropertyChecks.forAllWellFormedText(dbname -> {
            ConnInfo.JdbcTarget target = ConnInfo.parse("host=pg1 dbname=" + ConnInfo.quote(dbname + "x"))
                    .toJdbc(Map.of(), "alice");
            Properties parsed = Driver.parseURL(target.url(), null);
            assertThat(parsed).isNotNull();
            assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(dbname + "x");
        });
    }

    @Test
    void pgjdbc_reads_back_the_database_and_socket_folder_of_a_socket_connection() {
        PropertyChecks.forAllWellFormedText(text -> {
            String folder = "/" + text.replace(",", "");
            ConnInfo.JdbcTarget target = ConnInfo.of(Map.of("host", folder, "dbname", text + "x", "port", "6000"))
                    .toJdbc(Map.of(), "alice");
            Properties parsed = Driver.parseURL(target.url(), target.toProperties());
            assertThat(parsed).isNotNull();
            assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(text + "x");
            assertThat(parsed.getProperty("PGPORT")).isEqualTo("6000");
            assertThat(target.unixSocket()).contains(java.nio.file.Path.of(folder, ".s.PGSQL.6000"));
        });
    }

    @Test
    void two_values_in_one_string_never_bleed_into_each_other() {
        PropertyChecks.forAllTextPairs((first, second) -> {
            ConnInfo parsed = ConnInfo.parse("user=" + ConnInfo.quote(first) + "\tpassword=" + ConnInfo.quote(second));
            assertThat(parsed.options()).containsExactly(Map.entry("user", first), Map.entry("password", second));
        });
    }

    /** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved characters. */
    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
