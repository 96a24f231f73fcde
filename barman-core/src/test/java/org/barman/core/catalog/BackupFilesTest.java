package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.Tablespace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupFilesTest {

    @TempDir
    Path home;

    private CatalogFixture fixture;
    private Path backup;

    @BeforeEach
    void twoBackupsAndTheirWal() throws IOException {
        fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000004",
                new Tablespace("tbs1", 16387, "/srv/tbs1"));
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000006", "000000010000000000000006");
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
                "000000010000000000000004.00000028.backup", "000000010000000000000005", "000000010000000000000006",
                "000000010000000000000007", "00000002.history");
        backup = fixture.catalog.backupDirectory(org.barman.api.BackupId.parse("20240101T000000"));
    }

    private List<Path> data() {
        return List.of(backup.resolve("backup.info"),
                backup.resolve("16387/PG_15_202209061/16384/16385"),
                backup.resolve("data/PG_VERSION"),
                backup.resolve("data/base/1/1259"));
    }

    private List<Path> list(String reference, String target) {
        return fixture.server.listFiles(reference, ListFilesTarget.parse(target));
    }

    @Test
    void dataListsEveryFileOfTheBackupFolderIncludingBackupInfo() {
        assertThat(list("20240101T000000", "data")).containsExactlyElementsOf(data());
        assertThat(list("20240101T000000", "data")).allMatch(Path::isAbsolute);
    }

    @Test
    void standaloneAddsTheRequiredWalWhetherArchivedOrNot() {
        List<Path> expected = new ArrayList<>(data());
        expected.add(fixture.walPath("000000010000000000000002"));
        expected.add(fixture.walPath("000000010000000000000003"));
        expected.add(fixture.walPath("000000010000000000000004"));
        assertThat(list("oldest", "standalone")).containsExactlyElementsOf(expected);
        assertThat(fixture.walPath("000000010000000000000004")).doesNotExist();
    }

    @Test
    void walListsHistoryFilesAndTheSegmentsUpToTheNextBackupsEnd() {
        List<Path> wal = List.of(fixture.walPath("00000002.history"), fixture.walPath("000000010000000000000002"),
                fixture.walPath("000000010000000000000003"), fixture.walPath("000000010000000000000005"),
                fixture.walPath("000000010000000000000006"));
        assertThat(list("20240101T000000", "wal")).containsExactlyElementsOf(wal);
        assertThat(wal).allMatch(Files::isRegularFile);

        List<Path> full = new ArrayList<>(data());
        full.addAll(wal);
        assertThat(list("20240101T000000", "FULL")).containsExactlyElementsOf(full);
    }

    @Test
    void theLatestBackupsWalRunsToTheEndOfTheArchive() {
        assertThat(list("latest", "wal")).containsExactly(fixture.walPath("00000002.history"),
                fixture.walPath("000000010000000000000006"), fixture.walPath("000000010000000000000007"));
    }

    @Test
    void anUnknownTargetNamesTheAcceptedOnes() {
        assertThatThrownBy(() -> ListFilesTarget.parse("everything"))
                .isInstanceOf(BarmanException.class)
                .hasMessage("'everything' is not a list-files target: expected one of [data, standalone, wal, full]");
    }
}
