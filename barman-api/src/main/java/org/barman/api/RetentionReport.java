package org.barman.api;

import java.util.Map;
import java.util.Optional;

/**
 * The verdict of a retention policy over a catalogue.
 *
 * @param statuses the status of every backup it was given
 * @param firstWalToKeep the oldest WAL segment a kept backup needs, empty when no backup is kept
 */
public record RetentionReport(Map<BackupId, RetentionStatus> statuses, Optional<WalSegmentName> firstWalToKeep) {

    /** Copies the map. */
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
