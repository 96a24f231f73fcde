package org.barman.core.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;

/**
 * Which WAL files of the archive belong to a backup, counted as Barman counts them
 * ({@code get_required_wal_segments}, {@code get_wal_until_next_backup}).
 *
 * <p>A backup needs the segments from its {@code begin_wal} to its {@code end_wal} to be consistent. The WAL "until
 * the next backup" runs from its {@code begin_wal} up to the {@code end_wal} of the next available backup
 * (to the end of the archive when there is none), on the backup's timeline only: Barman stops at the next
 * backup's <em>end</em> WAL, so the few segments a next backup needs are counted with both.
 */
public final class BackupWals {

    private BackupWals() {
    }

    /**
     * @param backup a backup with a {@code begin_wal}
     * @return the segments from {@code begin_wal} to {@code end_wal}, whether archived or not; only
     *     {@code begin_wal} when the end is not known yet; none when the start is not known
     */
    public static List<WalSegmentName> required(BackupInfo backup) {
        WalSegmentName begin = backup.beginWal();
        if (begin == null) {
            return List.of();
        }
        WalSegmentName end = backup.endWal();
        List<WalSegmentName> names = new ArrayList<>();
        names.add(begin);
        if (end == null || end.compareTo(begin) <= 0) {
            return names;
        }
        long segmentSize = backup.xlogSegmentSize();
        boolean skipsLastOfLog = backup.version() > 0 && backup.version() < 90300
                && segmentSize == WalSegmentName.DEFAULT_SEGMENT_SIZE;
        WalSegmentName current = begin;
        while (current.compareTo(end) < 0) {
            current = current.next(segmentSize);
            if (skipsLastOfLog && current.segment() == 0xFF) {
                current = current.next(segmentSize);
            }
            names.add(current);
        }
        return names;
    }

    /**
     * @param backup a backup
     * @param next the next available backup, if any
     * @param archive the archive's files, in WAL order ({@code WalArchive.list()})
     * @param includeHistory whether to add every timeline history file of the archive
     * @return the backup's WAL segments from its {@code begin_wal} up to the next backup's {@code end_wal} (or the
     *     end of the archive), on its timeline, in WAL order; history files first when asked
     */
    public static List<WalFileInfo> untilNextBackup(BackupInfo backup, Optional<BackupInfo> next,
            List<WalFileInfo> archive, boolean includeHistory) {
        List<WalFileInfo> files = new ArrayList<>();
        if (includeHistory) {
            archive.stream().filter(entry -> entry.name().kind() == WalSegmentName.Kind.HISTORY).forEach(files::add);
        }
        WalSegmentName begin = backup.beginWal();
        if (begin == null) {
            return files;
        }
        WalSegmentName nextEnd = next.map(BackupInfo::endWal).orElse(null);
        for (WalFileInfo entry : archive) {
            WalSegmentName name = entry.name();
            if (name.kind() != WalSegmentName.Kind.SEGMENT || name.compareTo(begin) < 0
                    || name.timeline() > begin.timeline()) {
                continue;
            }
            if (nextEnd != null && name.compareTo(nextEnd) > 0) {
                break;
            }
            files.add(entry);
        }
        return files;
    }

    /**
     * @param backup a backup
     * @param next the next available backup, if any
     * @param archive the archive's files, in WAL order
     * @return the counts and sizes {@code list-backup} and {@code show-backup} print
     */
    public static BackupWalSummary summarize(BackupInfo backup, Optional<BackupInfo> next,
            List<WalFileInfo> archive) {
        int requiredCount = 0;
        long requiredSize = 0;
        int untilNextCount = 0;
        long untilNextSize = 0;
        WalFileInfo first = null;
        WalFileInfo last = null;
        WalSegmentName end = backup.endWal();
        for (WalFileInfo entry : untilNextBackup(backup, next, archive, false)) {
            if (entry.name().equals(backup.beginWal())) {
                first = entry;
            }
            if (end != null && entry.name().compareTo(end) <= 0) {
                requiredCount++;
                requiredSize += entry.size();
            } else {
                untilNextCount++;
                untilNextSize += entry.size();
            }
            last = entry;
        }
        return new BackupWalSummary(requiredCount, requiredSize, untilNextCount, untilNextSize,
                Optional.ofNullable(first), Optional.ofNullable(last), backup.xlogSegmentSize());
    }
}
