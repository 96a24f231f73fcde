package org.barman.core.retention;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalSegmentName;

/**
 * The bookkeeping both built-in policies share: statuses by backup, newest first, and the first WAL segment a
 * kept backup needs.
 *
 * <p>Only DONE backups can be OBSOLETE. A backup that is not DONE and not FAILED (running, or waiting for its
 * WAL) still needs its WAL, so it holds back the WAL clean-up too.
 */
final class RetentionEvaluation {

    private final Map<BackupId, RetentionStatus> statuses = new HashMap<>();
    private final List<BackupInfo> newestFirst;

    RetentionEvaluation(List<BackupInfo> backups) {
        newestFirst = backups.stream().sorted(Comparator.comparing(BackupInfo::id).reversed()).toList();
        for (BackupInfo backup : newestFirst) {
            statuses.put(backup.id(), RetentionStatus.NONE);
        }
    }

    /** @return DONE backups, newest first */
    List<BackupInfo> doneNewestFirst() {
        return newestFirst.stream().filter(BackupInfo::isDone).toList();
    }

    void mark(BackupInfo backup, RetentionStatus status) {
        statuses.put(backup.id(), status);
    }

    RetentionReport report() {
        return new RetentionReport(statuses, firstWalNeeded(newestFirst, this::needsWal));
    }

    private boolean needsWal(BackupInfo backup) {
        if (!backup.isDone()) {
            return backup.status() != BackupStatus.FAILED;
        }
        RetentionStatus status = statuses.get(backup.id());
        return status == RetentionStatus.VALID || status == RetentionStatus.POTENTIALLY_OBSOLETE;
    }

    /**
     * The WAL clean-up limit: files before the returned segment are needed by none of the backups that need WAL.
     *
     * <p>A DONE backup that needs WAL but has no {@code begin_wal} makes the limit unknown: nothing may be
     * removed. A backup not DONE without {@code begin_wal} has not told PostgreSQL it started, so it needs no WAL
     * archived so far.
     *
     * @param backups backups in any order
     * @param needsWal which of them need their WAL
     * @return the oldest {@code begin_wal} of those backups; empty when no WAL file may be removed (none needs
     *     WAL, or the limit is unknown)
     */
    static Optional<WalSegmentName> firstWalNeeded(List<BackupInfo> backups, Predicate<BackupInfo> needsWal) {
        WalSegmentName first = null;
        for (BackupInfo backup : backups) {
            if (!needsWal.test(backup)) {
                continue;
            }
            if (backup.beginWal() == null) {
                if (backup.isDone()) {
                    return Optional.empty();
                }
                continue;
            }
            if (first == null || backup.beginWal().compareTo(first) < 0) {
                first = backup.beginWal();
            }
        }
        return Optional.ofNullable(first);
    }
}
