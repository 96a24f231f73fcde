package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.check.CheckResult;
import org.junit.jupiter.api.Test;

/**
 * A backup whose process is killed ({@code kill -9}) during the copy of a real PostgreSQL 15: {@code cron} marks it
 * FAILED, with the reason, instead of leaving it STARTED for ever, where it kept every later WAL file.
 */
class AbandonedBackupIT {

    @Test
    void aBackupProcessKilledDuringTheCopyIsMarkedFailedByCronAndTheNextBackupWorks() throws Exception {
        try (BackupFixture fixture = new BackupFixture("bandwidth_limit = 1024")) {
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            Process backup = BackupProcess.start(fixture.config(), "main");
            BackupInfo started;
            try {
                started = awaitCopyStarted(server, backup);
            } finally {
                backup.destroyForcibly();
                assertThat(backup.waitFor(1, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(server.catalog().get(started.id()).status()).as("left by the killed process")
                    .isEqualTo(BackupStatus.STARTED);
            assertThat(item(server, "abandoned backups").display()).startsWith("abandoned backups: FAILED (backup "
                    + started.id() + " is STARTED but no process works on it");

            assertThat(barman.cron(new CronListener() {
            })).isTrue();

            BackupInfo failed = server.catalog().get(started.id());
            assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
            assertThat(failed.error()).startsWith("the backup process ended without recording the result");
            assertThat(item(server, "abandoned backups").ok()).isTrue();
            assertThat(item(server, "failed backups").display()).contains(started.id() + ": the backup process "
                    + "ended without recording the result");
            Files.writeString(fixture.config(), Files.readString(fixture.config())
                    .replace("bandwidth_limit = 1024", "bandwidth_limit = 0"));
            BackupInfo next = fixture.barman().server("main").takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
            assertThat(next.status()).isEqualTo(BackupStatus.DONE);
            assertThat(server.catalog().oldestFirst()).extracting(BackupInfo::status)
                    .containsExactly(BackupStatus.FAILED, BackupStatus.DONE);
        }
    }

    private static CheckResult item(Server server, String name) {
        return server.check().results().stream().filter(result -> result.name().equals(name)).findFirst()
                .orElseThrow();
    }

    /** Waits until the backup process has told PostgreSQL the backup starts, and copies. */
    private static BackupInfo awaitCopyStarted(Server server, Process backup) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            List<BackupInfo> backups = server.catalog().oldestFirst();
            if (!backups.isEmpty() && backups.get(0).beginWal() != null) {
                assertThat(backups.get(0).status()).as("still copying (bandwidth_limit)")
                        .isEqualTo(BackupStatus.STARTED);
                Thread.sleep(500);
                return backups.get(0);
            }
            assertThat(backup.isAlive()).as("the backup process runs").isTrue();
            assertThat(System.nanoTime()).as("the backup starts its copy").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
