package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PostgresClusterTest {

    @Test
    void quotes_values_for_postgresql_conf() {
        assertThat(PostgresCluster.confQuote("cp %p /x/%f")).isEqualTo("'cp %p /x/%f'");
        assertThat(PostgresCluster.confQuote("it's")).isEqualTo("'it''s'");
        assertThat(PostgresCluster.confQuote("C:\\dir")).isEqualTo("'C:\\\\dir'");
        assertThat(PostgresCluster.confQuote("")).isEqualTo("''");
    }

    @Test
    void quotes_sql_literals() {
        assertThat(PostgresCluster.sqlLiteral("a'b\\c")).isEqualTo("'a''b\\c'");
    }

    @Test
    void refuses_the_settings_the_test_kit_chooses() {
        for (String reserved : PostgresCluster.RESERVED_SETTINGS) {
            assertThatThrownBy(() -> PostgresCluster.builder().setting(reserved, "1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(reserved);
        }
        assertThatThrownBy(() -> PostgresCluster.builder().setting("PORT", "5432"))
                .hasMessageContaining("chosen by the test kit");
    }

    @Test
    void refuses_names_that_are_not_settings() {
        assertThatThrownBy(() -> PostgresCluster.builder().setting("wal_level; drop table x", "replica"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PostgreSQL setting name");
        assertThat(PostgresCluster.builder().setting("auto_explain.log_min_duration", "0")).isNotNull();
    }

    @Test
    void hands_out_distinct_free_ports() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.pick();
            assertThat(port).isBetween(1, 65535);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }

    @Test
    void process_result_joins_its_outputs() {
        assertThat(new ProcessResult(0, "out\n", "err").output()).isEqualTo("out\nerr");
        assertThat(new ProcessResult(1, "", "err").output()).isEqualTo("err");
        assertThat(new ProcessResult(1, "", "err").succeeded()).isFalse();
    }

    @Test
    void names_the_os_user_that_runs_postgres() {
        String expected = ClusterUser.jvmIsRoot() ? "postgres" : System.getProperty("user.name");
        assertThat(ClusterUser.name()).isEqualTo(expected);
    }
}
