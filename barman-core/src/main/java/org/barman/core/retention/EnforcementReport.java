package org.barman.core.retention;

import java.util.List;
import java.util.Optional;

import org.barman.api.RetentionReport;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.catalog.DeletionReport;

/**
 * What one enforcement of a retention policy did ({@code barman cron}).
 *
 * @param policy the policy enforced, as {@code show-server} prints it
 * @param evaluation the policy's verdict over the catalogue before anything was deleted
 * @param deletedBackups the obsolete backups deleted, oldest first
 * @param backupsInUse the obsolete backups kept this time because something used them, oldest first
 * @param firstWalKept the oldest WAL segment a remaining backup needs; empty when no WAL file could be removed
 * @param removedWal the WAL files removed because no remaining backup needs them
 * @param failure what went wrong, when a deletion failed (the following obsolete backups were left for the next
 *     run; the WAL clean-up still ran, for the backups that remained)
 */
public record EnforcementReport(String policy, RetentionReport evaluation, List<DeletionReport> deletedBackups,
        List<BackupInUse> backupsInUse, Optional<WalSegmentName> firstWalKept, List<WalFileInfo> removedWal, Optional<String> failure) {

    /**
     * Copies the lists.
     *
     * @param policy the policy enforced, as {@code show-server} prints it
     * @param evaluation the policy's verdict over the catalogue before anything was deleted
     * @param deletedBackups the obsolete backups deleted, oldest first
     * @param backupsInUse the obsolete backups kept this time because something used them, oldest first
     * @param firstWalKept the oldest WAL segment a remaining backup needs; empty when no WAL file could be removed
     * @param removedWal the WAL files removed because no remaining backup needs them
     * @param failure what went wrong, when a deletion failed (the following obsolete backups were left for the next
     *     run; the WAL clean-up still ran, for the backups that remained)
     */
    public EnforcementReport {
        deletedBackups = List.copyOf(deletedBackups);
        backupsInUse = List.copyOf(backupsInUse);
        removedWal = List.copyOf(removedWal);
    }

    /** @return whether everything the policy asked for was done */
    public boolean succeeded() {
        return failure.isEmpty();
    }
}
