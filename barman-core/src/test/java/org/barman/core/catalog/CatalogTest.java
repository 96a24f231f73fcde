package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {

    @TempDir
    Path home;

    private CatalogFixture fourBackups() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000004", null);
        fixture.backup("20240103T000000", BackupStatus.WAITING_FOR_WALS, "000000010000000000000006",
                "000000010000000000000006");
        fixture.backup("20240104T000000", BackupStatus.STARTED, "000000010000000000000008", null);
        return fixture;
    }

    private static List<String> ids(List<BackupInfo> backups) {
        return backups.stream().map(backup -> backup.id().value()).toList();
    }

    @Test
    void listsOnlyFoldersNamedByAnIdHoldingABackupInfo() throws IOException {
        CatalogFixture fixture = fourBackups();
        Path base = fixture.catalog.directory();
        Files.createDirectories(base.resolve("notabackup"));
        Files.writeString(base.resolve("notabackup/backup.info"), "status=DONE\n");
        Files.createDirectories(base.resolve("20240105T000000/data"));
        Files.writeString(base.resolve("20240106T000000"), "a file, not a folder");
        Files.createDirectories(base.resolve(Catalog.DELETING_PREFIX + "20231231T000000"));
        Files.writeString(base.resolve(Catalog.DELETING_PREFIX + "20231231T000000/backup.info"), "status=DONE\n");

        assertThat(ids(fixture.catalog.oldestFirst())).containsExactly("20240101T000000", "20240102T000000",
                "20240103T000000", "20240104T000000");
        assertThat(ids(fixture.catalog.newestFirst())).containsExactly("20240104T000000", "20240103T000000",
                "20240102T000000", "20240101T000000");
        assertThat(fixture.catalog.find(BackupId.parse("20240105T000000"))).isEmpty();
    }

    @Test
    void aMissingBasebackupsFolderIsAnEmptyCatalogue() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        assertThat(fixture.catalog.oldestFirst()).isEmpty();
        assertThat(fixture.catalog.latest()).isEmpty();
    }

    @Test
    void aliasesLookAtBackupsWhoseCopyIsDoneAsBarmanDoes() throws IOException {
        CatalogFixture fixture = fourBackups();
        assertThat(fixture.catalog.resolve("latest").id().value()).isEqualTo("20240103T000000");
        assertThat(fixture.catalog.resolve("last").id().value()).isEqualTo("20240103T000000");
        assertThat(fixture.catalog.resolve("oldest").id().value()).isEqualTo("20240101T000000");
        assertThat(fixture.catalog.resolve("first").id().value()).isEqualTo("20240101T000000");
        assertThat(fixture.catalog.resolve("20240102T000000").status()).isEqualTo(BackupStatus.FAILED);
        assertThat(fixture.catalog.resolve("20240104T000000").status()).isEqualTo(BackupStatus.STARTED);
    }

    @Test
    void anAliasWithNoAvailableBackupIsAClearError() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000004", null);
        assertThatThrownBy(() -> fixture.catalog.resolve("latest"))
                .isInstanceOf(BarmanException.class)
                .hasMessage("server main has no available backup for 'latest' (a DONE or WAITING_FOR_WALS one); "
                        + "barman list-backup main lists its backups");
    }

    @Test
    void anUnknownIdIsAClearError() throws IOException {
        CatalogFixture fixture = fourBackups();
        assertThatThrownBy(() -> fixture.catalog.resolve("20240109T000000"))
                .isInstanceOf(BarmanException.class)
                .hasMessage("server main has no backup 20240109T000000 (barman list-backup main lists its backups)");
    }

    @Test
    void aReferenceIsNeverUsedAsAPath() throws IOException {
        CatalogFixture fixture = fourBackups();
        Path outside = fixture.catalog.directory().getParent().resolve("x");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("backup.info"), "status=DONE\n");
        for (String reference : List.of("../x", "..", "/etc", fixture.catalog.directory().toString(),
                "20240101T000000/../..", "20240101T000000/", "20240101T000000/../20240103T000000", "./20240101T000000",
                "20241301T000000", "latest/..", "")) {
            assertThatThrownBy(() -> fixture.catalog.resolve(reference))
                    .as(reference)
                    .isInstanceOf(BarmanException.class)
                    .message().satisfiesAnyOf(
                            message -> assertThat(message).contains("is not a backup id"),
                            message -> assertThat(message).startsWith("a backup id is required"));
        }
    }

    @Test
    void previousAndNextSkipBackupsWhoseCopyIsNotDone() throws IOException {
        CatalogFixture fixture = fourBackups();
        Catalog catalog = fixture.catalog;
        assertThat(catalog.previous(BackupId.parse("20240103T000000")).map(b -> b.id().value()))
                .contains("20240101T000000");
        assertThat(catalog.previous(BackupId.parse("20240102T000000")).map(b -> b.id().value()))
                .contains("20240101T000000");
        assertThat(catalog.previous(BackupId.parse("20240101T000000"))).isEmpty();
        assertThat(catalog.next(BackupId.parse("20240101T000000")).map(b -> b.id().value()))
                .contains("20240103T000000");
        assertThat(catalog.next(BackupId.parse("20240103T000000"))).isEmpty();
        assertThat(catalog.next(BackupId.parse("20240101T000000"), java.util.Set.of(BackupStatus.DONE))).isEmpty();
    }

    @Test
    void savingKeepsTheFieldsOfTheFileThatAreNotModelled() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        BackupId id = BackupId.parse("20240410T165613");
        Files.createDirectories(fixture.catalog.backupDirectory(id));
        try (InputStream in = getClass().getResourceAsStream("/catalog/barman3-rsync-backup.info")) {
            Files.write(fixture.catalog.infoFile(id), in.readAllBytes());
        }
        BackupInfo info = fixture.catalog.get(id);

        fixture.catalog.save(info.toBuilder().status(BackupStatus.FAILED).error("disk full").build());

        String saved = Files.readString(fixture.catalog.infoFile(id), StandardCharsets.UTF_8);
        assertThat(saved).contains("\nstatus=FAILED\n").contains("\nerror=disk full\n")
                .contains("\ndata_checksums=off\n").contains("\ncopy_stats={'copy_time': 0.716405,");
        try (Stream<Path> files = Files.list(fixture.catalog.backupDirectory(id))) {
            assertThat(files).containsExactly(fixture.catalog.infoFile(id));
        }
    }

    @Test
    void creatingANewBackupCreatesItsFolder() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        BackupInfo info = BackupInfo.builder(BackupId.parse("20240301T101010")).serverName("main")
                .status(BackupStatus.STARTED).build();
        fixture.catalog.create(info);
        assertThat(fixture.catalog.get(info.id())).isEqualTo(info);
        assertThat(fixture.catalog.infoFile(info.id()).getParent().getParent())
                .isEqualTo(fixture.server.config().basebackupsDirectory().toAbsolutePath().normalize());
    }

    @Test
    void aMalformedBackupInfoStopsTheListingWithItsName() throws IOException {
        CatalogFixture fixture = fourBackups();
        Path broken = fixture.catalog.infoFile(BackupId.parse("20240103T000000"));
        Files.writeString(broken, "status=DONE\nsize=big\n");
        assertThatThrownBy(() -> fixture.catalog.oldestFirst())
                .isInstanceOf(BarmanException.class)
                .hasMessage(broken + ", line 2: size: 'big' is not an integer");
    }

    @Test
    void removingTakesTheBackupOutAtOnceAndNeverFollowsLinks() throws IOException {
        CatalogFixture fixture = fourBackups();
        BackupId id = BackupId.parse("20240101T000000");
        Path precious = Files.createDirectories(home.resolve("precious"));
        Files.writeString(precious.resolve("keep.txt"), "keep");
        Files.createSymbolicLink(fixture.catalog.dataDirectory(id).resolve("pg_tblspc_link"), precious);

        fixture.catalog.remove(id);

        assertThat(fixture.catalog.backupDirectory(id)).doesNotExist();
        assertThat(ids(fixture.catalog.oldestFirst())).doesNotContain("20240101T000000");
        assertThat(precious.resolve("keep.txt")).hasContent("keep");
        try (Stream<Path> files = Files.list(fixture.catalog.directory())) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(
                    "20240102T000000", "20240103T000000", "20240104T000000");
        }
        assertThatThrownBy(() -> fixture.catalog.remove(id)).hasMessageContaining("has no backup 20240101T000000");
    }

    @Test
    void leftoversOfAnInterruptedRemovalAreCleanedUp() throws IOException {
        CatalogFixture fixture = fourBackups();
        Path leftover = fixture.catalog.directory().resolve(Catalog.DELETING_PREFIX + "20231201T000000");
        Files.createDirectories(leftover.resolve("data/base"));
        Files.writeString(leftover.resolve("data/base/1"), "x");

        assertThat(fixture.catalog.removeLeftovers()).containsExactly(leftover);
        assertThat(leftover).doesNotExist();
        assertThat(fixture.catalog.oldestFirst()).hasSize(4);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theBackupFoldersAndBackupInfoAreTheOwnersOnlyWhateverTheUmask() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");

        Path base = fixture.catalog.directory();
        assertThat(mode(base)).isEqualTo("rwx------");
        assertThat(mode(base.resolve("20240101T000000"))).isEqualTo("rwx------");
        assertThat(mode(base.resolve("20240101T000000/backup.info"))).isEqualTo("rw-------");
    }
}
