package org.barman.api;

import java.time.Instant;
import java.util.List;

/**
 * Which backups (and so which WAL files) are still needed ({@code retention_policy}).
 *
 * <p>Only DONE backups count. A policy never marks a backup that is not DONE as OBSOLETE, and never leaves fewer
 * than {@code minimumRedundancy} DONE backups VALID or POTENTIALLY_OBSOLETE.
 */
public interface RetentionPolicy {

    /** @return the policy as {@code barman.conf} spells it, normalised, such as {@code REDUNDANCY 2} */
    String describe();

    /**
     * @param backups the server's catalogue, in any order
     * @param now the current time
     * @param minimumRedundancy the server's {@code minimum_redundancy}
     * @return the status of every backup and the first WAL segment to keep
     */
    RetentionReport evaluate(List<BackupInfo> backups, Instant now, int minimumRedundancy);
}
