package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Server;
import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.junit.jupiter.api.Test;

/** The backup items of {@code check}, on a real PostgreSQL 15. */
class BackupChecksIT {

    private static Map<String, CheckResult> items(Server server) {
        CheckReport report = server.check();
        return report.results().stream().collect(Collectors.toMap(CheckResult::name, item -> item));
    }

    @Test
    void everyItemPassesAfterABackupAndEachFailsForItsReason() throws Exception {
        try (BackupFixture fixture = new BackupFixture("minimum_redundancy = 1", "last_backup_maximum_age = 1 DAYS")) {
            Server server = fixture.barman().server("main");
            Map<String, CheckResult> before = items(server);
            assertThat(before.get("minimum redundancy requirements").display())
                    .isEqualTo("minimum redundancy requirements: FAILED (have 0 backups, expected at least 1)");
            assertThat(before.get("backup maximum age").ok()).isFalse();

            fixture.pg.execute("SELECT pg_switch_wal()");
            BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
            assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
            CheckReport report = server.check();
            assertThat(report.failures()).isEmpty();
            assertThat(report.results()).extracting(CheckResult::name).contains("PostgreSQL",
                    "superuser or standard user with backup privileges", "backup_options", "backup maximum age",
                    "failed backups", "minimum redundancy requirements", "systemid coherence", "backup lock",
                    "backups waiting for WAL");

            try (FileLock lock = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.BACKUP)) {
                assertThat(items(server).get("backup lock").display()).startsWith("backup lock: FAILED (backup of "
                        + "server main is already running (pid " + ProcessHandle.current().pid());
            }

            server.catalog().create(backup.toBuilder().id(org.barman.api.BackupId.of(java.time.LocalDateTime.now()
                    .plusHours(1))).status(BackupStatus.FAILED).error("disk on fire").build());
            assertThat(items(server).get("failed backups").display()).contains("FAILED")
                    .contains("disk on fire");

            fixture.addOptions("backup_options = exclusive_backup");
            assertThat(items(fixture.barman().server("main")).get("backup_options").display())
                    .contains("FAILED (backup_options = exclusive_backup cannot work with PostgreSQL 15")
                    .contains("set backup_options = concurrent_backup");
        }
    }
}
