package org.barman.core.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.barman.api.BarmanException;

/**
 * What {@code barman recover} is asked to do beyond copying the backup.
 *
 * @param target where the recovery stops
 * @param targetTimeline {@code --target-tli}: a timeline number, {@code latest} or {@code current}; empty for
 *     PostgreSQL's default (latest)
 * @param targetAction {@code --target-action}: pause, promote or shutdown; empty for PostgreSQL's default
 * @param standbyMode {@code --standby-mode}: the copy starts as a standby ({@code standby.signal})
 * @param tablespaces {@code --tablespace NAME:DIRECTORY}: where a tablespace goes instead of its original place
 * @param remoteSshCommand {@code --remote-ssh-command}: recover onto another host through this command
 * @param getWal {@code --get-wal}/{@code --no-get-wal}: override {@code recovery_options = get-wal}
 * @param retryTimes {@code --retry-times}/{@code --no-retry}
 * @param retrySleep {@code --retry-sleep}
 * @param recoveryStagingPath {@code --recovery-staging-path}: where a remote recovery of a compressed backup
 *     unpacks it on this host (overrides {@code recovery_staging_path})
 */
public record RecoveryOptions(RecoveryTarget target, Optional<String> targetTimeline, Optional<String> targetAction,
        boolean standbyMode, Map<String, String> tablespaces, Optional<String> remoteSshCommand,
        Optional<Boolean> getWal, Optional<Integer> retryTimes, Optional<Duration> retrySleep,
        Optional<Path> recoveryStagingPath) {

    private static final Set<String> ACTIONS = Set.of("pause", "promote", "shutdown");

    /**
     * Validates the action and the timeline's form, copies the map.
     *
     * @param target where the recovery stops
     * @param targetTimeline {@code --target-tli}: a timeline number, {@code latest} or {@code current}; empty for
     *     PostgreSQL's default (latest)
     * @param targetAction {@code --target-action}: pause, promote or shutdown; empty for PostgreSQL's default
     * @param standbyMode {@code --standby-mode}: the copy starts as a standby ({@code standby.signal})
     * @param tablespaces {@code --tablespace NAME:DIRECTORY}: where a tablespace goes instead of its original place
     * @param remoteSshCommand {@code --remote-ssh-command}: recover onto another host through this command
     * @param getWal {@code --get-wal}/{@code --no-get-wal}: override {@code recovery_options = get-wal}
     * @param retryTimes {@code --retry-times}/{@code --no-retry}
     * @param retrySleep {@code --retry-sleep}
     * @param recoveryStagingPath {@code --recovery-staging-path}
     */
    public RecoveryOptions {
        target = target == null ? RecoveryTarget.NONE : target;
        targetTimeline = targetTimeline == null ? Optional.empty() : targetTimeline.map(String::strip);
        targetAction = targetAction == null ? Optional.empty() : targetAction.map(String::strip);
        tablespaces = tablespaces == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(tablespaces));
        remoteSshCommand = remoteSshCommand == null ? Optional.empty()
                : remoteSshCommand.filter(command -> !command.isBlank());
        getWal = getWal == null ? Optional.empty() : getWal;
        retryTimes = retryTimes == null ? Optional.empty() : retryTimes;
        retrySleep = retrySleep == null ? Optional.empty() : retrySleep;
        recoveryStagingPath = recoveryStagingPath == null ? Optional.empty() : recoveryStagingPath;
        if (recoveryStagingPath.isPresent() && !recoveryStagingPath.get().isAbsolute()) {
            throw new BarmanException("--recovery-staging-path " + recoveryStagingPath.get() + ": the directory must "
                    + "be an absolute path");
        }
        if (targetAction.isPresent() && !ACTIONS.contains(targetAction.get())) {
            throw new BarmanException("target action '" + targetAction.get() + "' is not pause, promote or shutdown");
        }
        if (targetTimeline.isPresent() && !targetTimeline.get().matches("\\d+|latest|current")) {
            throw new BarmanException("target timeline '" + targetTimeline.get() + "' is not a timeline: expected a "
                    + "number, latest or current");
        }
        if (targetAction.isPresent() && target.kind() == RecoveryTarget.Kind.NONE) {
            throw new BarmanException("--target-action needs a recovery target (--target-time, --target-xid, "
                    + "--target-name, --target-lsn or --target-immediate)");
        }
        for (Map.Entry<String, String> relocation : tablespaces.entrySet()) {
            if (!relocation.getValue().startsWith("/")) {
                throw new BarmanException("--tablespace " + relocation.getKey() + ":" + relocation.getValue()
                        + ": the directory must be an absolute path");
            }
        }
    }

    /**
     * @param target where the recovery stops
     * @return options with nothing else set
     */
    public static RecoveryOptions of(RecoveryTarget target) {
        return new RecoveryOptions(target, Optional.empty(), Optional.empty(), false, Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * @param command the remote ssh command
     * @return a copy recovering through it
     */
    public RecoveryOptions withRemoteSshCommand(String command) {
        return new RecoveryOptions(target, targetTimeline, targetAction, standbyMode, tablespaces,
                Optional.of(command), getWal, retryTimes, retrySleep, recoveryStagingPath);
    }

    /**
     * @param action pause, promote or shutdown
     * @return a copy with that action
     */
    public RecoveryOptions withTargetAction(String action) {
        return new RecoveryOptions(target, targetTimeline, Optional.of(action), standbyMode, tablespaces,
                remoteSshCommand, getWal, retryTimes, retrySleep, recoveryStagingPath);
    }

    /**
     * @param relocations tablespace name to directory
     * @return a copy relocating them
     */
    public RecoveryOptions withTablespaces(Map<String, String> relocations) {
        return new RecoveryOptions(target, targetTimeline, targetAction, standbyMode, relocations, remoteSshCommand,
                getWal, retryTimes, retrySleep, recoveryStagingPath);
    }

    /**
     * @param value whether to use get-wal
     * @return a copy with that choice
     */
    public RecoveryOptions withGetWal(boolean value) {
        return new RecoveryOptions(target, targetTimeline, targetAction, standbyMode, tablespaces, remoteSshCommand,
                Optional.of(value), retryTimes, retrySleep, recoveryStagingPath);
    }

    /**
     * @param folder where a remote recovery of a compressed backup unpacks it on this host
     * @return these options with it
     */
    public RecoveryOptions withRecoveryStagingPath(Path folder) {
        return new RecoveryOptions(target, targetTimeline, targetAction, standbyMode, tablespaces, remoteSshCommand,
                getWal, retryTimes, retrySleep, Optional.of(folder));
    }

    /**
     * @param timeline a timeline number, latest or current
     * @return a copy with that target timeline
     */
    public RecoveryOptions withTargetTimeline(String timeline) {
        return new RecoveryOptions(target, Optional.of(timeline), targetAction, standbyMode, tablespaces,
                remoteSshCommand, getWal, retryTimes, retrySleep, recoveryStagingPath);
    }
}
