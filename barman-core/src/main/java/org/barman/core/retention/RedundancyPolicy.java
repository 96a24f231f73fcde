package org.barman.core.retention;

import java.time.Instant;
import java.util.List;

import org.barman.api.BackupInfo;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;

/**
 * {@code REDUNDANCY n}: the n newest DONE backups are kept, the older DONE ones are obsolete. A redundancy below
 * {@code minimum_redundancy} is raised to it.
 *
 * @param redundancy how many DONE backups to keep, above 0
 */
public record RedundancyPolicy(int redundancy) implements RetentionPolicy {

    /**
     * Requires a positive redundancy.
     *
     * @param redundancy how many DONE backups to keep, above 0
     */
    public RedundancyPolicy {
        if (redundancy <= 0) {
            throw new IllegalArgumentException("the redundancy must be greater than 0");
        }
    }

    @Override
    public String describe() {
        return "REDUNDANCY " + redundancy;
    }

    @Override
    public RetentionReport evaluate(List<BackupInfo> backups, Instant now, int minimumRedundancy) {
        int keep = Math.max(redundancy, minimumRedundancy);
        RetentionEvaluation evaluation = new RetentionEvaluation(backups);
        List<BackupInfo> done = evaluation.doneNewestFirst();
        for (int i = 0; i < done.size(); i++) {
            evaluation.mark(done.get(i), i < keep ? RetentionStatus.VALID : RetentionStatus.OBSOLETE);
        }
        return evaluation.report();
    }
}
