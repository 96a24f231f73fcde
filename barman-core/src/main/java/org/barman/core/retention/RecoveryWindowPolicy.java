package org.barman.core.retention;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import org.barman.api.BackupInfo;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.core.config.AgeLimit;

/**
 * {@code RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS}: keep every backup needed to recover to any moment of the last
 * n days, weeks or months: the newest DONE backup that ended before the window starts, and everything after it.
 * Older DONE backups are obsolete, unless {@code minimum_redundancy} needs them (then potentially obsolete).
 *
 * <p>As in Barman, days and weeks are counted on the calendar of {@code zone} and a month is 31 days, so the
 * window is never shorter than the calendar months it names.
 *
 * @param window the length of the window
 * @param zone the time zone days are counted in
 */
public record RecoveryWindowPolicy(AgeLimit window, ZoneId zone) implements RetentionPolicy {

    @Override
    public String describe() {
        return "RECOVERY WINDOW OF " + window;
    }

    /**
     * @param now the current time
     * @return the start of the window: every moment after it must stay recoverable
     */
    public Instant pointOfRecoverability(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        return switch (window.unit()) {
            case DAYS -> local.minusDays(window.value()).toInstant();
            case WEEKS -> local.minusWeeks(window.value()).toInstant();
            case MONTHS -> local.minusDays(31L * window.value()).toInstant();
        };
    }

    @Override
    public RetentionReport evaluate(List<BackupInfo> backups, Instant now, int minimumRedundancy) {
        Instant windowStart = pointOfRecoverability(now);
        RetentionEvaluation evaluation = new RetentionEvaluation(backups);
        boolean windowCovered = false;
        int kept = 0;
        for (BackupInfo backup : evaluation.doneNewestFirst()) {
            if (!windowCovered) {
                evaluation.mark(backup, RetentionStatus.VALID);
                kept++;
            } else if (kept < minimumRedundancy) {
                evaluation.mark(backup, RetentionStatus.POTENTIALLY_OBSOLETE);
                kept++;
            } else {
                evaluation.mark(backup, RetentionStatus.OBSOLETE);
            }
            if (backup.endTime() != null && backup.endTime().toInstant().isBefore(windowStart)) {
                windowCovered = true;
            }
        }
        return evaluation.report();
    }
}
