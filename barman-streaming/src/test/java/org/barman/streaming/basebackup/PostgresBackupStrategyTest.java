package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.junit.jupiter.api.Test;

class PostgresBackupStrategyTest {

    @Test
    void itIsFoundByServiceLoaderUnderTheBackupMethodsName() {
        assertThat(ServiceLoader.load(BackupStrategy.class).stream().map(ServiceLoader.Provider::get)
                .map(BackupStrategy::name)).contains("postgres");
        assertThat(new PostgresBackupStrategy().mode("ssh")).isEqualTo("postgres");
    }

    @Test
    void serversOlderThanThirteenAreRefusedAndStandbysAreNot() {
        PostgresBackupStrategy strategy = new PostgresBackupStrategy();
        assertThatThrownBy(() -> strategy.checkSupported(120017, false)).isInstanceOf(BarmanException.class)
                .hasMessage("backup_method = postgres needs PostgreSQL 13 or later (the first with backup "
                        + "manifests); the server runs 120017: use backup_method = rsync");
        strategy.checkSupported(130000, true);
        strategy.checkSupported(180001, false);
    }

    @Test
    void compressionOptionsThatCannotWorkAreRefusedNamingTheOption() {
        PostgresBackupStrategy strategy = new PostgresBackupStrategy();
        assertThatThrownBy(() -> strategy.checkSupported(140010, false, options("backup_compression", "lz4",
                "backup_compression_location", "server"))).isInstanceOf(BarmanException.class)
                .hasMessage("/etc/barman.conf [main]: backup_compression_location = server needs PostgreSQL 15 or "
                        + "later; the server runs 140010: use backup_compression_location = client");
        assertThatThrownBy(() -> strategy.checkSupported(150000, false, options("backup_compression", "zstd",
                "backup_compression_format", "plain"))).isInstanceOf(BarmanException.class)
                .hasMessageContaining("backup_compression_format = plain needs backup_compression_location = "
                        + "server");
        assertThatThrownBy(() -> strategy.checkSupported(150000, false, options("backup_compression", "gzip",
                "backup_compression_workers", "2"))).isInstanceOf(BarmanException.class)
                .hasMessageContaining("backup_compression_workers works only with backup_compression = zstd");
        strategy.checkSupported(140010, false, options("backup_compression", "lz4"));
        strategy.checkSupported(150000, false, options("backup_compression", "zstd", "backup_compression_location",
                "server", "backup_compression_format", "plain", "backup_compression_workers", "2"));
        strategy.checkSupported(130000, false, options("backup_compression", "none", "backup_compression_format",
                "plain"));
    }

    private static PluginOptions options(String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return new PluginOptions("/etc/barman.conf [main]", values);
    }

    @Test
    void bandwidthLimitBecomesTheServersMaxRateWithinItsRange() {
        assertThat(PostgresBackupStrategy.rate(0)).isZero();
        assertThat(PostgresBackupStrategy.rate(10)).isEqualTo(BaseBackupRequest.MIN_RATE);
        assertThat(PostgresBackupStrategy.rate(4000)).isEqualTo(4000);
        assertThat(PostgresBackupStrategy.rate(10_000_000)).isEqualTo(BaseBackupRequest.MAX_RATE);
    }

    @Test
    void aRoleThePostgresRefusesIsNotWorthRetryingButALostConnectionIs() {
        assertThat(PostgresBackupStrategy.refusedRole(new SQLException("must be superuser or replication role to "
                + "start walsender", "42501"))).isTrue();
        assertThat(PostgresBackupStrategy.refusedRole(new SQLException("pg_hba.conf rejects replication connection",
                "28000"))).isTrue();
        assertThat(PostgresBackupStrategy.refusedRole(new SQLException("password authentication failed",
                "28P01"))).isTrue();
        assertThat(PostgresBackupStrategy.refusedRole(new SQLException("An I/O error occurred", "08006"))).isFalse();
        assertThat(PostgresBackupStrategy.refusedRole(new SQLException("no state"))).isFalse();
        assertThat(PostgresBackupStrategy.refusedRole(new BarmanException("the stream ended early"))).isFalse();
    }
}
