package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupWalsTest {

    private static final long MIB = CatalogFixture.SEGMENT;

    @TempDir
    Path home;

    private static List<String> names(List<WalFileInfo> files) {
        return files.stream().map(file -> file.name().fileName()).toList();
    }

    private static List<String> names(BackupInfo backup) {
        return BackupWals.required(backup).stream().map(WalSegmentName::fileName).toList();
    }

    @Test
    void requiredSegmentsRunFromBeginToEndAcrossALog() {
        BackupInfo backup = BackupInfo.builder(BackupId.parse("20240101T000000")).status(BackupStatus.DONE)
                .beginWal(WalSegmentName.parse("0000000100000000000000FE"))
                .endWal(WalSegmentName.parse("000000010000000100000001")).version(150000).build();
        assertThat(names(backup)).containsExactly("0000000100000000000000FE", "0000000100000000000000FF",
                "000000010000000100000000", "000000010000000100000001");

        BackupInfo old = backup.toBuilder().version(90200).build();
        assertThat(names(old)).containsExactly("0000000100000000000000FE", "000000010000000100000000",
                "000000010000000100000001");

        assertThat(names(backup.toBuilder().endWal(null).build())).containsExactly("0000000100000000000000FE");
        assertThat(names(backup.toBuilder().beginWal(null).build())).isEmpty();
    }

    @Test
    void walUntilTheNextBackupStopsAtItsEndWalAndStaysOnTheTimeline() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        BackupInfo first = fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002",
                "000000010000000000000003");
        BackupInfo second = fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000006",
                "000000010000000000000007");
        fixture.archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003",
                "000000010000000000000003.00000028.backup", "000000010000000000000004", "000000010000000000000005",
                "000000010000000000000006", "000000010000000000000007", "000000010000000000000008",
                "00000002.history", "000000020000000000000008", "000000010000000000000009.partial");
        List<WalFileInfo> archive = fixture.server.walArchive().list();

        assertThat(names(BackupWals.untilNextBackup(first, Optional.of(second), archive, false))).containsExactly(
                "000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "000000010000000000000006", "000000010000000000000007");
        assertThat(names(BackupWals.untilNextBackup(second, Optional.empty(), archive, true))).containsExactly(
                "00000002.history", "000000010000000000000006", "000000010000000000000007",
                "000000010000000000000008");

        BackupWalSummary summary = BackupWals.summarize(first, Optional.of(second), archive);
        assertThat(summary.requiredCount()).isEqualTo(2);
        assertThat(summary.requiredSize()).isEqualTo(2 * MIB);
        assertThat(summary.untilNextCount()).isEqualTo(4);
        assertThat(summary.untilNextSize()).isEqualTo(4 * MIB);
        assertThat(summary.first().map(f -> f.name().fileName())).contains("000000010000000000000002");
        assertThat(summary.last().map(f -> f.name().fileName())).contains("000000010000000000000007");
        assertThat(summary.requiredCompressionRatio()).isZero();
    }

    @Test
    void listBackupSizesAreTheBackupWithItsRequiredWalAndTheWalUntilTheNextOne() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000004", null);
        fixture.backup("20240103T000000", BackupStatus.WAITING_FOR_WALS, "000000010000000000000006",
                "000000010000000000000006");
        fixture.backup("20240104T000000", BackupStatus.STARTED, "000000010000000000000008", null);
        fixture.archive("000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000005", "000000010000000000000006", "000000010000000000000007",
                "000000010000000000000008");

        List<BackupSummary> list = fixture.server.listBackups();

        assertThat(list).extracting(summary -> summary.info().id().value()).containsExactly("20240104T000000",
                "20240103T000000", "20240102T000000", "20240101T000000");
        assertThat(list).extracting(BackupSummary::size).containsExactly(0L, 100 + MIB, 0L, 100 + 2 * MIB);
        assertThat(list).extracting(BackupSummary::walSize).containsExactly(0L, 2 * MIB, 0L, 3 * MIB);
        assertThat(list).extracting(BackupSummary::retentionStatus).containsOnly(RetentionStatus.NONE);
    }

    @Test
    void showBackupDetailsNameTheNeighbours() throws IOException {
        CatalogFixture fixture = CatalogFixture.create(home);
        fixture.backup("20240101T000000", BackupStatus.DONE, "000000010000000000000002", "000000010000000000000003");
        fixture.backup("20240102T000000", BackupStatus.FAILED, "000000010000000000000004", null);
        fixture.backup("20240103T000000", BackupStatus.DONE, "000000010000000000000006", "000000010000000000000006");
        fixture.archive("000000010000000000000002", "000000010000000000000003", "000000010000000000000006");

        BackupDetails oldest = fixture.server.showBackup("oldest");
        assertThat(oldest.previous()).isEmpty();
        assertThat(oldest.next().map(BackupId::value)).contains("20240103T000000");
        assertThat(oldest.wal().requiredCount()).isEqualTo(2);
        assertThat(oldest.wal().untilNextCount()).isEqualTo(1);

        BackupDetails latest = fixture.server.showBackup("latest");
        assertThat(latest.previous().map(BackupId::value)).contains("20240101T000000");
        assertThat(latest.next()).isEmpty();

        BackupDetails failed = fixture.server.showBackup("20240102T000000");
        assertThat(failed.info().error()).isEqualTo("failure copying files (rsync exited with 23)");
        assertThat(failed.wal()).isEqualTo(BackupWalSummary.EMPTY);
        assertThat(failed.otherFields()).containsEntry("copy_stats", "None");
    }
}
