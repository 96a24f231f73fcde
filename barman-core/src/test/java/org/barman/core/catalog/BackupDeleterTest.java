package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.barman.api.BackupId;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupDeleterTest {

    @TempDir
    Path home;

    private static List<String> names(List<WalFileInfo> files) {
        return files.stream().map(file -> file.name().fileName()).toList();
    }

    private static List<String> ids(CatalogFixture fixture) {
        return fixture.catalog.oldestFirst().stream().map(backup -> backup.id().value()).toList();
    }

    private List<String> archived(CatalogFixture fixture) {
        return names(fixture.server.walArchive().list());
    }

    /** Three DONE backups on timeline 1 and WAL 1 to 9, a backup label and a history file. */
    private CatalogFixture threeBackups(String... options) throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home, options);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup("20240102T000000", BackupStatus.DONE, "000000010000000000000005", "000000010000000000000005");
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000008", "000000010000000000000008");
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000002.00000028"
                + ".backup", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000004.00000028.backup", "000000010000000000000005", "000000010000000000000006",
                "000000010000000000000007", "000000010000000000000008", "000000010000000000000009",
                "00000002.history");
        return fixture;
    }

    @Test
    void deletingTheOldestRemovesTheWalBeforeTheNextBackup() throws IOException {
        CatalogFixture fixture = threeBackups();
        Path folder = fixture.catalog.backupDirectory(BackupId.parse("20240101T000000"));
        Path removedWal = fixture.walPath("000000010000000000000003");

        DeletionReport report = fixture.server.deleteBackup("oldest");

        assertThat(report.backup().id().value()).isEqualTo("20240101T000000");
        assertThat(folder).doesNotExist();
        assertThat(ids(fixture)).containsExactly("20240102T000000", "20240103T000000");
        assertThat(names(report.removedWal())).containsExactly("000000010000000000000001",
                "000000010000000000000002", "000000010000000000000002.00000028.backup", "000000010000000000000003",
                "000000010000000000000004", "000000010000000000000004.00000028.backup");
        assertThat(removedWal).doesNotExist();
        assertThat(archived(fixture)).containsExactly("000000010000000000000005", "000000010000000000000006",
                "000000010000000000000007", "000000010000000000000008", "000000010000000000000009",
                "00000002.history");
        assertThat(fixture.walPath("000000010000000000000005")).isRegularFile();
        assertThat(report.ended()).isAfterOrEqualTo(report.started());
    }

    @Test
    void deletingABackupWithAnOlderOneKeepsEveryWal() throws IOException {
        CatalogFixture fixture = threeBackups();
        List<String> before = archived(fixture);

        DeletionReport report = fixture.server.deleteBackup("20240102T000000");

        assertThat(report.removedWal()).isEmpty();
        assertThat(archived(fixture)).isEqualTo(before);
        assertThat(ids(fixture)).containsExactly("20240101T000000", "20240103T000000");
    }

    @Test
    void deletingTheOnlyBackupKeepsTheWalFromItsStartWithConcurrentBackup() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240102T000000", BackupStatus.DONE, "000000010000000000000003", "000000010000000000000003");
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
                "000000010000000000000004");

        DeletionReport report = fixture.server.deleteBackup("latest");

        assertThat(names(report.removedWal())).containsExactly("000000010000000000000001",
                "000000010000000000000002");
        assertThat(archived(fixture)).containsExactly("000000010000000000000003", "000000010000000000000004");
        assertThat(fixture.catalog.oldestFirst()).isEmpty();
    }

    @Test
    void deletingTheOnlyBackupRemovesEveryWalButHistoryWithExclusiveBackup() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home, "backup_options = exclusive_backup");
        fixture.backup("20240102T000000", BackupStatus.DONE, "000000010000000000000003", "000000010000000000000003");
        fixture.archive("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "00000002.history");

        fixture.server.deleteBackup("20240102T000000");

        assertThat(archived(fixture)).containsExactly("00000002.history");
    }

    @Test
    void walOfATimelineAnotherBackupIsOnStays() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000002");
        fixture.backup("20240102T000000", BackupStatus.DONE, "00000002000000000000000A", "00000002000000000000000A");
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000004", "000000010000000000000004");
        fixture.archive("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000020000000000000009", "00000002000000000000000A");

        DeletionReport report = fixture.server.deleteBackup("20240101T000000");

        assertThat(names(report.removedWal())).containsExactly("000000020000000000000009");
        assertThat(archived(fixture)).containsExactly("000000010000000000000002", "000000010000000000000003",
                "000000010000000000000004", "00000002000000000000000A");
    }

    @Test
    void minimumRedundancyRefusesToDeleteADoneBackup() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home, "minimum_redundancy = 2");
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000002");
        fixture.backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000003", null);
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000004", "000000010000000000000004");
        fixture.archive("000000010000000000000001", "000000010000000000000002");

        assertThatThrownBy(() -> fixture.server.deleteBackup("oldest"))
                .isInstanceOf(BarmanException.class)
                .hasMessage("Skipping delete of backup 20240101T000000 for server main due to minimum redundancy "
                        + "requirements (minimum redundancy = 2, current redundancy = 2)");
        assertThat(ids(fixture)).hasSize(3);
        assertThat(archived(fixture)).hasSize(2);

        fixture.server.deleteBackup("20240102T000000");
        assertThat(ids(fixture)).containsExactly("20240101T000000", "20240103T000000");
        assertThat(archived(fixture)).hasSize(2);
    }

    @Test
    void aRunningBackupMakesTheDeletionFailWithTheLockMessage() throws IOException {
        CatalogFixture fixture = threeBackups();
        Path lockDirectory = fixture.server.config().lockDirectory();
        try (FileLock backupRunning = Locks.server(lockDirectory, "main", Locks.Kind.BACKUP)) {
            assertThatThrownBy(() -> fixture.server.deleteBackup("oldest"))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessage("backup of server main is already running (pid " + ProcessHandle.current().pid()
                            + ", lock file " + Locks.path(lockDirectory, "main", Locks.Kind.BACKUP) + ")");
        }
        assertThat(ids(fixture)).hasSize(3);
        assertThat(archived(fixture)).hasSize(12);
        fixture.server.deleteBackup("oldest");
        assertThat(ids(fixture)).hasSize(2);
    }

    @Test
    void anUnknownBackupIsAnErrorAndChangesNothing() throws IOException {
        CatalogFixture fixture = threeBackups();
        assertThatThrownBy(() -> fixture.server.deleteBackup("20240109T000000"))
                .hasMessageContaining("server main has no backup 20240109T000000");
        assertThatThrownBy(() -> fixture.server.deleteBackup("../../main"))
                .hasMessageContaining("is not a backup id");
        assertThat(ids(fixture)).hasSize(3);
        assertThat(archived(fixture)).hasSize(12);
        try (var files = Files.list(fixture.catalog.directory())) {
            assertThat(files).hasSize(3);
        }
    }
}
