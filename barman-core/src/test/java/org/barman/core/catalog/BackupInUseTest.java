package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.barman.api.BackupId;
import org.barman.api.BackupStatus;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.core.support.LockHolderProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup in use (its lock held shared by a recovery or {@code list-files}) is not deleted, and the reverse. */
class BackupInUseTest {

    private static final BackupId SECOND = BackupId.parse("20240102T000000");

    @TempDir
    Path home;

    private CatalogFixture threeBackups() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup("20240102T000000", BackupStatus.DONE, "000000010000000000000005", "000000010000000000000005");
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000008", "000000010000000000000008");
        return fixture;
    }

    private static List<String> ids(CatalogFixture fixture) {
        return fixture.catalog.oldestFirst().stream().map(backup -> backup.id().value()).toList();
    }

    @Test
    void deletingABackupThatAnotherProcessRecoversFailsNamingTheBackupAndThatProcess() throws IOException {
        CatalogFixture fixture = threeBackups();
        Path lockFile = Locks.backupPath(fixture.server.config().lockDirectory(), "main", SECOND);
        try (LockHolderProcess recovery = LockHolderProcess.start(lockFile, FileLock.Mode.SHARED)) {
            assertThatThrownBy(() -> fixture.server.deleteBackup(SECOND.value()))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessage("backup 20240102T000000 of server main is in use by recover, list-files, a backup "
                            + "reusing it or cron (pid " + recovery.pid() + ", lock file " + lockFile + ")");
            assertThat(ids(fixture)).containsExactly("20240101T000000", "20240102T000000", "20240103T000000");
            assertThat(fixture.catalog.dataDirectory(SECOND)).isDirectory();
        }

        fixture.server.deleteBackup(SECOND.value());

        assertThat(ids(fixture)).containsExactly("20240101T000000", "20240103T000000");
        assertThat(lockFile).as("the lock file of the deleted backup").doesNotExist();
    }

    @Test
    void listingTheFilesOfABackupBeingDeletedIsRefused() throws IOException {
        CatalogFixture fixture = threeBackups();
        Path lockDirectory = fixture.server.config().lockDirectory();
        try (FileLock deletion = Locks.backupRemoval(lockDirectory, "main", SECOND)) {
            assertThatThrownBy(() -> fixture.server.listFiles("20240102T000000", ListFilesTarget.DATA))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessageStartingWith("backup 20240102T000000 of server main is being deleted (pid "
                            + ProcessHandle.current().pid());
        }
        assertThat(fixture.server.listFiles("20240102T000000", ListFilesTarget.DATA)).isNotEmpty();
    }

    @Test
    void readersShareTheBackupButKeepItsDeletionOut() throws IOException {
        CatalogFixture fixture = threeBackups();
        Path lockDirectory = fixture.server.config().lockDirectory();
        try (FileLock recovery = Locks.backupInUse(lockDirectory, "main", SECOND)) {
            assertThat(fixture.server.listFiles("20240102T000000", ListFilesTarget.DATA)).isNotEmpty();
            assertThat(recovery.path()).hasFileName(".main-20240102T000000.lock");
            assertThatThrownBy(() -> fixture.server.deleteBackup("20240102T000000"))
                    .isInstanceOf(LockBusyException.class).hasMessageContaining("is in use");
        }
        fixture.server.deleteBackup("20240102T000000");
        assertThat(ids(fixture)).containsExactly("20240101T000000", "20240103T000000");
    }
}
