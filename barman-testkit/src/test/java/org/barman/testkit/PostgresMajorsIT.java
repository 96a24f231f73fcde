package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every supported major starts from its real binaries (Debian's 15, Maven Central's others). */
@Tag("postgres")
class PostgresMajorsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void starts_answers_and_stops(int major) {
        try (PostgresCluster pg = PostgresCluster.builder().majorVersion(major).start()) {
            assertThat(pg.queryValue("select version()")).startsWith("PostgreSQL " + major + ".");
            assertThat(Integer.parseInt(pg.queryValue("show server_version_num")) / 10000).isEqualTo(major);
            assertThat(pg.queryValue("show wal_level")).isEqualTo("replica");
            assertThat(pg.binDirectory().resolve("postgres")).isExecutable();
            pg.stop();
            assertThat(pg.isRunning()).isFalse();
        }
    }
}
