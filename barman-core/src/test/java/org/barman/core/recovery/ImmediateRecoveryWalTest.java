package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.Lsn;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;

/**
 * The WAL of a recovery to {@code immediate}: the backup's own segments, and the next one when the backup ends
 * exactly at a segment boundary, as backups from a standby often do (PostgreSQL sees such a backup consistent only
 * once it reads the segment after it).
 */
class ImmediateRecoveryWalTest {

    private static final RecoveryTarget IMMEDIATE = new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false);
    private static final List<WalFileInfo> ARCHIVE = List.of(wal("000000010000000000000002"),
            wal("000000010000000000000003"), wal("000000010000000000000004"), wal("000000010000000000000005"));

    private static WalFileInfo wal(String name) {
        return new WalFileInfo(WalSegmentName.parse(name), 16 * 1024 * 1024, 0, null);
    }

    private static BackupInfo endingAt(String end) {
        return BackupInfo.builder(BackupId.parse("20240101T000000")).status(BackupStatus.DONE).timeline(1)
                .version(150000).beginWal(WalSegmentName.parse("000000010000000000000002"))
                .endWal(WalSegmentName.parse("000000010000000000000003")).endXlog(Lsn.parse(end))
                .build();
    }

    private static List<String> select(BackupInfo backup, List<WalFileInfo> archive) {
        Set<WalSegmentName> held = Set.copyOf(archive.stream().map(WalFileInfo::name).toList());
        return RecoveryWal.select("main", backup, archive, held::contains, new TimelineHistory(1, List.of()),
                IMMEDIATE).stream().map(entry -> entry.name().fileName()).toList();
    }

    @Test
    void aBackupEndingInsideASegmentNeedsNoSegmentAfterIt() {
        assertThat(select(endingAt("0/3000100"), ARCHIVE)).containsExactly("000000010000000000000002",
                "000000010000000000000003");
    }

    @Test
    void aBackupEndingAtASegmentBoundaryTakesTheNextSegmentWhenTheArchiveHoldsIt() {
        assertThat(select(endingAt("0/4000000"), ARCHIVE)).containsExactly("000000010000000000000002",
                "000000010000000000000003", "000000010000000000000004");
        assertThat(select(endingAt("0/4000000"), ARCHIVE.subList(0, 2)))
                .as("the next segment not archived yet: the backup's own segments, as before")
                .containsExactly("000000010000000000000002", "000000010000000000000003");
    }
}
