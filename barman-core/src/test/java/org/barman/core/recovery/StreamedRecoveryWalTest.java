package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;

/** The WAL a recovery takes from the streaming folder: what receive-wal received and the archive lacks. */
class StreamedRecoveryWalTest {

    private static final BackupInfo BACKUP = BackupInfo.builder(BackupId.parse("20240101T000000"))
            .status(BackupStatus.DONE).timeline(1).version(150000)
            .beginWal(WalSegmentName.parse("000000010000000000000002"))
            .endWal(WalSegmentName.parse("000000010000000000000003")).endXlog(Lsn.parse("0/3000100")).build();

    private static WalFileInfo wal(String name) {
        return new WalFileInfo(WalSegmentName.parse(name), 16 * 1024 * 1024, 0, null);
    }

    private static List<String> select(List<WalFileInfo> archive, List<WalFileInfo> streamed,
            RecoveryTarget target) {
        Set<WalSegmentName> held = Set.copyOf(archive.stream().map(WalFileInfo::name).toList());
        return RecoveryWal.select("main", BACKUP, archive, held::contains, new TimelineHistory(1, List.of()),
                target, streamed).stream().map(entry -> entry.name().fileName()).toList();
    }

    @Test
    void theStreamedSegmentsAfterTheArchiveAreTheLastOnesOfARecoveryToTheLatestPoint() {
        List<WalFileInfo> archive = List.of(wal("000000010000000000000002"), wal("000000010000000000000003"));
        List<WalFileInfo> streamed = List.of(wal("000000010000000000000004"), wal("000000010000000000000005"));

        assertThat(select(archive, streamed, RecoveryTarget.NONE)).containsExactly("000000010000000000000002",
                "000000010000000000000003", "000000010000000000000004", "000000010000000000000005");
        assertThat(select(archive, streamed, new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false)))
                .as("a target that ends with the backup needs none of them")
                .containsExactly("000000010000000000000002", "000000010000000000000003");
    }

    @Test
    void theArchivesCopyWinsAndAStreamedSegmentFillsWhatTheArchiveLacks() {
        WalFileInfo archived = wal("000000010000000000000003");
        List<WalFileInfo> archive = List.of(wal("000000010000000000000002"), archived);
        WalFileInfo streamedThree = new WalFileInfo(archived.name(), 1, 0, null);
        List<WalFileInfo> streamed = List.of(streamedThree, wal("000000010000000000000004"));

        Set<WalSegmentName> held = Set.of(WalSegmentName.parse("000000010000000000000002"), archived.name());
        List<WalFileInfo> selected = RecoveryWal.select("main", BACKUP, archive, held::contains,
                new TimelineHistory(1, List.of()), RecoveryTarget.NONE, streamed);
        assertThat(selected).contains(archived).doesNotContain(streamedThree);
        assertThat(selected).extracting(entry -> entry.name().fileName()).endsWith("000000010000000000000004");

        assertThat(select(List.of(wal("000000010000000000000002")), List.of(wal("000000010000000000000003")),
                RecoveryTarget.NONE)).as("the backup's closing segment, streamed and not archived yet")
                .containsExactly("000000010000000000000002", "000000010000000000000003");
    }

    @Test
    void aGapBeforeAStreamedSegmentIsStillAMissingFile() {
        List<WalFileInfo> archive = List.of(wal("000000010000000000000002"), wal("000000010000000000000003"));
        assertThatThrownBy(() -> select(archive, List.of(wal("000000010000000000000005")), RecoveryTarget.NONE))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("WAL file 000000010000000000000004 is missing from the archive of server main");
    }
}
