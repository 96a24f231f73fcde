package org.barman.core.catalog;

import org.barman.api.BackupInfo;
import org.barman.api.RetentionStatus;

/**
 * One line of {@code barman list-backup}.
 *
 * @param info the backup
 * @param size the backup's size plus the size of the WAL it needs to be consistent (Barman's "Size"); 0 for a
 *     backup whose copy is not done
 * @param walSize the size of the WAL archived after it, up to the next backup (Barman's "WAL Size")
 * @param retentionStatus what the retention policy says of it; {@link RetentionStatus#NONE} when no policy is
 *     enforced (the retention work fills it in: {@code Server.listBackups})
 */
public record BackupSummary(BackupInfo info, long size, long walSize, RetentionStatus retentionStatus) {

    /**
     * Requires the backup and a status.
     *
     * @param info the backup
     * @param size the backup's size plus the size of the WAL it needs to be consistent (Barman's "Size"); 0 for a
     *     backup whose copy is not done
     * @param walSize the size of the WAL archived after it, up to the next backup (Barman's "WAL Size")
     * @param retentionStatus what the retention policy says of it; {@link RetentionStatus#NONE} when no policy is
     *     enforced (the retention work fills it in: {@code Server.listBackups})
     */
    public BackupSummary {
        if (info == null || retentionStatus == null) {
            throw new IllegalArgumentException("a backup summary needs the backup and a retention status");
        }
    }
}
