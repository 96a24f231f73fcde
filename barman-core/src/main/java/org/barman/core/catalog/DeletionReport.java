package org.barman.core.catalog;

import java.time.Instant;
import java.util.List;

import org.barman.api.BackupInfo;
import org.barman.api.WalFileInfo;

/**
 * What {@code barman delete} did.
 *
 * @param backup the deleted backup
 * @param removedWal the WAL files removed with it because no remaining backup needs them
 * @param started when the deletion started
 * @param ended when it ended
 */
public record DeletionReport(BackupInfo backup, List<WalFileInfo> removedWal, Instant started, Instant ended) {

    /**
     * Copies the list.
     *
     * @param backup the deleted backup
     * @param removedWal the WAL files removed with it because no remaining backup needs them
     * @param started when the deletion started
     * @param ended when it ended
     */
    public DeletionReport {
        removedWal = List.copyOf(removedWal);
    }
}
