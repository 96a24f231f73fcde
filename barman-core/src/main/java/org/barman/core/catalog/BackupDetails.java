package org.barman.core.catalog;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.RetentionStatus;

/**
 * Everything {@code barman show-backup} prints about one backup.
 *
 * @param info the backup
 * @param otherFields the fields of its {@code backup.info} that {@link BackupInfo} does not model, raw
 * @param wal its WAL, as Barman counts it ({@link BackupWalSummary#EMPTY} when its copy is not done)
 * @param previous the previous available backup
 * @param next the next available backup
 * @param retentionStatus what the retention policy says of it, {@link RetentionStatus#NONE} when none is enforced
 */
public record BackupDetails(BackupInfo info, SortedMap<String, String> otherFields, BackupWalSummary wal,
        Optional<BackupId> previous, Optional<BackupId> next, RetentionStatus retentionStatus) {

    /**
     * Copies the map.
     *
     * @param info the backup
     * @param otherFields the fields of its {@code backup.info} that {@link BackupInfo} does not model, raw
     * @param wal its WAL, as Barman counts it ({@link BackupWalSummary#EMPTY} when its copy is not done)
     * @param previous the previous available backup
     * @param next the next available backup
     * @param retentionStatus what the retention policy says of it, {@link RetentionStatus#NONE} when none is enforced
     */
    public BackupDetails {
        otherFields = Collections.unmodifiableSortedMap(new TreeMap<>(otherFields));
    }
}
