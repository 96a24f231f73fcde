package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ServiceLoader;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
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
