package org.barman.api;

import java.util.Map;
import java.util.Optional;

/**
 * The verdict of a retention policy over a catalogue.
 *
 * @param statuses the status of every backup it was given
 * @param firstWalToKeep the oldest WAL segment a kept backup needs: the files before it (history files aside) are
 *     needed by no kept backup; empty when no WAL file may be removed (no backup is kept, or the first WAL of a
 *     kept backup is not known)
 */
public record RetentionReport(Map<BackupId, RetentionStatus> statuses, Optional<WalSegmentName> firstWalToKeep) {

    /**
     * Copies the map.
     *
     * @param statuses the status of every backup it was given
     * @param firstWalToKeep the oldest WAL segment a kept backup needs: the files before it (history files aside) are
     *     needed by no kept backup; empty when no WAL file may be removed (no backup is kept, or the first WAL of a
     *     kept backup is not known)
     */
    public RetentionReport {
        statuses = Map.copyOf(statuses);
        firstWalToKeep = firstWalToKeep == null ? Optional.empty() : firstWalToKeep;
    }

    /**
     * @param id a backup id
     * @return its status, NONE when the policy did not see it
     */
    public RetentionStatus statusOf(BackupId id) {
        return statuses.getOrDefault(id, RetentionStatus.NONE);
    }
}
