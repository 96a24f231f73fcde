package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.WalFileInfo;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.check.BackupChecks;
import org.barman.core.check.CheckContext;
import org.barman.core.check.CheckResult;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.support.LockHolderProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup left STARTED by a process that died no longer pins the WAL: {@code cron} marks it FAILED once no
 * process holds the server's backup lock (before, retention kept every WAL file from its {@code begin_wal} on,
 * for ever, and nothing said why).
 */
class AbandonedBackupTest {

    private static final BackupId LEFT = BackupId.parse("20240102T000000");

    @TempDir
    Path home;

    /** A DONE backup, a backup left STARTED, a newer DONE backup, WAL 1 to 10. */
    private CatalogFixture backupsWithOneLeftStarted() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home, "retention_policy = REDUNDANCY 1");
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup(LEFT.value(), BackupStatus.STARTED, "000000010000000000000004", null);
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000008", "000000010000000000000008");
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
                "000000010000000000000004", "000000010000000000000005", "000000010000000000000006",
                "000000010000000000000007", "000000010000000000000008", "000000010000000000000009",
                "000000010000000000000010");
        return fixture;
    }

    private static List<String> archived(CatalogFixture fixture) {
        return fixture.server.walArchive().list().stream().map(WalFileInfo::name).map(Object::toString).toList();
    }

    private static CheckResult check(CatalogFixture fixture) {
        return BackupChecks.abandonedBackups().check(new CheckContext(fixture.server, Optional.empty())).get(0);
    }

    @Test
    void aStartedBackupNoProcessWorksOnIsMarkedFailedByCronAndStopsPinningTheWal() throws IOException {
        CatalogFixture fixture = backupsWithOneLeftStarted();
        assertThat(check(fixture).display()).isEqualTo("abandoned backups: FAILED (backup 20240102T000000 is "
                + "STARTED but no process works on it: its process ended (killed?) without recording the result, "
                + "and it keeps every WAL file from 000000010000000000000004 on; barman cron marks it FAILED, then "
                + "barman delete main 20240102T000000 removes it)");
        List<String> marked = new ArrayList<>();

        assertThat(fixture.server.barman().cron(new CronListener() {
            @Override
            public void abandonedBackupFailed(Server server, BackupInfo backup) {
                marked.add(backup.id() + " " + backup.status());
            }
        })).isTrue();

        assertThat(marked).containsExactly("20240102T000000 FAILED");
        assertThat(check(fixture).ok()).isTrue();

        BackupInfo left = fixture.catalog.get(LEFT);
        assertThat(left.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(left.error()).isEqualTo("the backup process ended without recording the result (killed, or "
                + "its host stopped): barman cron found the backup STARTED and no process holding the backup lock "
                + "of server main");
        assertThat(fixture.catalog.oldestFirst()).extracting(backup -> backup.id().value())
                .containsExactly("20240102T000000", "20240103T000000");
        assertThat(archived(fixture)).as("WAL before the newest DONE backup, which nothing needs any more")
                .containsExactly("000000010000000000000008", "000000010000000000000009",
                        "000000010000000000000010");
    }

    @Test
    void aStartedBackupWhoseProcessHoldsTheBackupLockIsLeftAlone() throws IOException {
        CatalogFixture fixture = backupsWithOneLeftStarted();
        Path backupLock = Locks.path(fixture.server.config().lockDirectory(), "main", Locks.Kind.BACKUP);

        try (LockHolderProcess running = LockHolderProcess.start(backupLock, FileLock.Mode.EXCLUSIVE)) {
            assertThat(fixture.server.barman().cron(new CronListener() {
            })).isTrue();
            assertThat(fixture.catalog.get(LEFT).status()).as("while another process backs up")
                    .isEqualTo(BackupStatus.STARTED);
            assertThat(check(fixture).ok()).as("a backup runs: it may be its own").isTrue();
        }
        try (FileLock running = Locks.server(fixture.server.config().lockDirectory(), "main", Locks.Kind.BACKUP)) {
            assertThat(fixture.server.barman().cron(new CronListener() {
            })).isTrue();
            assertThat(fixture.catalog.get(LEFT).status()).as("while this process backs up")
                    .isEqualTo(BackupStatus.STARTED);
            assertThat(check(fixture).ok()).isTrue();
        }
        assertThat(archived(fixture)).hasSize(10);
    }
}
