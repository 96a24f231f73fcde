package org.barman.core.backup;

import java.time.Duration;
import java.util.Optional;

import org.barman.api.ReuseMode;

/**
 * What the command line may override for one backup; an empty value means the server's configuration.
 *
 * @param immediateCheckpoint {@code --immediate-checkpoint} / {@code --no-immediate-checkpoint}
 * @param reuse {@code --reuse-backup}
 * @param retryTimes {@code --retry-times} ({@code --no-retry} is 0)
 * @param retrySleep {@code --retry-sleep}
 * @param waitForWals how long to wait for the WAL that makes the backup consistent ({@code --wait}); zero to
 *     return at once, leaving the backup WAITING_FOR_WALS for {@code cron} when the WAL has not arrived
 */
public record BackupOptions(Optional<Boolean> immediateCheckpoint, Optional<ReuseMode> reuse,
        Optional<Integer> retryTimes, Optional<Duration> retrySleep, Duration waitForWals) {

    /** The server's configuration, without waiting. */
    public static final BackupOptions DEFAULTS = new BackupOptions(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ZERO);

    /**
     * Empty optionals for nulls; no negative values.
     *
     * @param immediateCheckpoint {@code --immediate-checkpoint} / {@code --no-immediate-checkpoint}
     * @param reuse {@code --reuse-backup}
     * @param retryTimes {@code --retry-times} ({@code --no-retry} is 0)
     * @param retrySleep {@code --retry-sleep}
     * @param waitForWals how long to wait for the WAL that makes the backup consistent ({@code --wait}); zero to
     *     return at once, leaving the backup WAITING_FOR_WALS for {@code cron} when the WAL has not arrived
     */
    public BackupOptions {
        immediateCheckpoint = immediateCheckpoint == null ? Optional.empty() : immediateCheckpoint;
        reuse = reuse == null ? Optional.empty() : reuse;
        retryTimes = retryTimes == null ? Optional.empty() : retryTimes;
        retrySleep = retrySleep == null ? Optional.empty() : retrySleep;
        waitForWals = waitForWals == null ? Duration.ZERO : waitForWals;
        if (retryTimes.isPresent() && retryTimes.get() < 0) {
            throw new IllegalArgumentException("--retry-times must be 0 or more");
        }
        if (retrySleep.isPresent() && retrySleep.get().isNegative()) {
            throw new IllegalArgumentException("--retry-sleep must be 0 or more");
        }
    }
}
