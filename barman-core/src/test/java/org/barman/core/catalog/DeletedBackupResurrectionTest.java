package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted backup stays deleted: {@code backup.info} is written only into the folder of a backup that still
 * exists (before, {@code cron} completing a backup WAITING_FOR_WALS recreated the folder of a backup deleted
 * meanwhile, and it came back as a DONE ghost that counted toward REDUNDANCY), and two writers of one
 * {@code backup.info} never share a temporary file.
 */
class DeletedBackupResurrectionTest {

    private static final int BACKUPS = 300;

    @TempDir
    Path home;

    @Test
    void aBackupDeletedWhileCronCompletesTheWaitingBackupsDoesNotComeBackAsDone() throws Exception {
        CatalogFixture fixture = CatalogFixture.create(home);
        List<BackupId> ids = new ArrayList<>();
        LocalDateTime first = LocalDateTime.of(2024, 1, 1, 0, 0);
        for (int i = 0; i < BACKUPS; i++) {
            BackupId id = BackupId.of(first.plusMinutes(i));
            fixture.backup(id.value(), BackupStatus.WAITING_FOR_WALS, "000000010000000000000002",
                    "000000010000000000000002");
            ids.add(id);
        }
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003");
        BackupId oldest = ids.get(0);
        BackupId newest = ids.get(BACKUPS - 1);
        Server server = fixture.server;
        List<String> failures = new CopyOnWriteArrayList<>();

        CompletableFuture<Boolean> cron = CompletableFuture.supplyAsync(() -> server.barman().cron(new CronListener() {
            @Override
            public void failed(Server s, String error) {
                failures.add(error);
            }
        }));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (fixture.catalog.find(oldest).map(BackupInfo::status).orElseThrow() != BackupStatus.DONE) {
            assertThat(System.nanoTime()).as("cron completes the oldest backup").isLessThan(deadline);
            Thread.onSpinWait();
        }
        DeletionReport deletion = server.deleteBackup(newest.value());
        boolean ok = cron.get(2, TimeUnit.MINUTES);

        assertThat(deletion.backup().status()).as("deleted after cron read the catalogue, before it completed it")
                .isEqualTo(BackupStatus.WAITING_FOR_WALS);
        assertThat(ok).isTrue();
        assertThat(failures).isEmpty();
        assertThat(fixture.catalog.backupDirectory(newest)).as("the deleted backup's folder").doesNotExist();
        assertThat(fixture.catalog.find(newest)).isEmpty();
        assertThat(fixture.catalog.oldestFirst()).hasSize(BACKUPS - 1)
                .allSatisfy(backup -> assertThat(backup.status()).isEqualTo(BackupStatus.DONE));
    }

    @Test
    void savingABackupWhoseFolderIsGoneFailsAndRecreatesNothing() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        BackupInfo waiting = fixture.backup("20240101T000000", BackupStatus.WAITING_FOR_WALS,
                "000000010000000000000002", "000000010000000000000002");
        fixture.catalog.remove(waiting.id());

        assertThatThrownBy(() -> fixture.catalog.save(waiting.toBuilder().status(BackupStatus.DONE).build()))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("backup 20240101T000000 of server main")
                .hasMessageContaining(fixture.catalog.backupDirectory(waiting.id()).toString());
        assertThat(fixture.catalog.backupDirectory(waiting.id())).doesNotExist();
        assertThat(fixture.catalog.oldestFirst()).isEmpty();
    }

    @Test
    void twoWritersOfOneBackupInfoNeverShareATemporaryFile() throws Exception {
        CatalogFixture fixture = CatalogFixture.create(home);
        BackupInfo backup = fixture.backup("20240101T000000", BackupStatus.WAITING_FOR_WALS,
                "000000010000000000000002", "000000010000000000000002");
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int writer = 0; writer < 2; writer++) {
            BackupInfo version = backup.toBuilder().status(writer == 0 ? BackupStatus.DONE : BackupStatus.FAILED)
                    .error(writer == 0 ? null : "writer " + writer + " ".repeat(4000)).build();
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 300; i++) {
                    try {
                        fixture.catalog.save(version);
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

        assertThat(errors).as("saves that failed because the other writer took their temporary file").isEmpty();
        assertThat(fixture.catalog.get(backup.id()).status()).isIn(BackupStatus.DONE, BackupStatus.FAILED);
        try (var files = Files.list(fixture.catalog.backupDirectory(backup.id()))) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("backup.info",
                    "data");
        }
    }
}
