package org.barman.core.retention;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Optional<WalSegmentName> firstWal = newestFirst.stream()
                .filter(this::needsWal)
                .map(BackupInfo::beginWal)
                .filter(wal -> wal != null)
                .min(Comparator.naturalOrder());
        return new RetentionReport(statuses, firstWal);
    }

    private boolean needsWal(BackupInfo backup) {
        if (backup.status() == BackupStatus.FAILED) {
            return false;
        }
        RetentionStatus status = statuses.get(backup.id());
        return !backup.isDone() || status == RetentionStatus.VALID
                || status == RetentionStatus.POTENTIALLY_OBSOLETE;
    }
}
