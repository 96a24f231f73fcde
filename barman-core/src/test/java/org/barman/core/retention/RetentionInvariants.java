package org.barman.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.WalSegmentName;

/**
 * What must hold after retention, whatever the scenario: the promises of issue 8, checked against what is left
 * (whether left by the evaluation alone or by {@code barman cron} on disk).
 */
final class RetentionInvariants {

    private RetentionInvariants() {
    }

    /**
     * @param scenario the history before retention
     * @param remaining the backups left, in any order
     * @param remainingWal the WAL files left
     */
    static void check(RetentionScenario scenario, List<BackupInfo> remaining, Set<WalSegmentName> remainingWal) {
        Set<BackupId> before = ids(scenario.backups());
        Set<BackupId> after = ids(remaining);
        assertThat(before).as("backups left are backups that were there").containsAll(after);
        for (BackupInfo backup : scenario.backups()) {
            if (!backup.isDone()) {
                assertThat(after).as("a %s backup is never deleted by retention", backup.status())
                        .contains(backup.id());
            }
        }
        List<BackupId> doneBefore = scenario.done().stream().map(BackupInfo::id).sorted(Comparator.reverseOrder())
                .toList();
        List<BackupId> doneAfter = doneBefore.stream().filter(after::contains).toList();
        assertThat(doneAfter.size()).as("DONE backups left, minimum_redundancy %d", scenario.minimumRedundancy())
                .isGreaterThanOrEqualTo(Math.min(scenario.minimumRedundancy(), doneBefore.size()));
        assertThat(doneAfter).as("DONE backups left, newest first").isEqualTo(expectedDone(scenario, doneBefore));

        if (scenario.policy() instanceof RecoveryWindowPolicy window) {
            Instant windowStart = window.pointOfRecoverability(scenario.now());
            List<BackupInfo> kept = scenario.backups().stream().filter(backup -> after.contains(backup.id()))
                    .toList();
            for (Instant time : scenario.instantsOfWindow(windowStart)) {
                if (scenario.covered(time, scenario.backups(), scenario.archived())) {
                    assertThat(scenario.covered(time, kept, remainingWal))
                            .as("%s, in the window starting %s, was recoverable and still is", time, windowStart)
                            .isTrue();
                }
            }
        }

        assertThat(scenario.archived()).as("WAL files left were archived").containsAll(remainingWal);
        Set<WalSegmentName> removed = new HashSet<>(scenario.archived());
        removed.removeAll(remainingWal);
        assertThat(removed).as("history files are never removed").allSatisfy(name -> assertThat(name.kind())
                .isNotEqualTo(WalSegmentName.Kind.HISTORY));
        List<BackupInfo> needingWal = remaining.stream().filter(backup -> backup.status() != BackupStatus.FAILED)
                .toList();
        for (BackupInfo backup : needingWal) {
            if (backup.beginWal() != null) {
                assertThat(removed).as("removed WAL is before begin_wal %s of %s backup %s", backup.beginWal(),
                        backup.status(), backup.id())
                        .allSatisfy(name -> assertThat(name.segmentName()).isLessThan(backup.beginWal()));
            }
        }
        Optional<WalSegmentName> limit = limit(needingWal);
        if (limit.isEmpty()) {
            assertThat(removed).as("no limit known: no WAL file removed").isEmpty();
        } else {
            assertThat(remainingWal).as("WAL older than every remaining backup (%s) is gone", limit.get())
                    .allSatisfy(name -> assertThat(!name.hasPosition()
                            || name.segmentName().compareTo(limit.get()) >= 0).isTrue());
        }
    }

    /** Barman's rules, stated directly: the DONE backups a policy keeps, newest first. */
    private static List<BackupId> expectedDone(RetentionScenario scenario, List<BackupId> doneNewestFirst) {
        int keep;
        if (scenario.policy() instanceof RedundancyPolicy redundancy) {
            keep = Math.max(redundancy.redundancy(), scenario.minimumRedundancy());
        } else {
            Instant windowStart = ((RecoveryWindowPolicy) scenario.policy()).pointOfRecoverability(scenario.now());
            List<BackupInfo> done = new ArrayList<>(scenario.done());
            done.sort(Comparator.comparing(BackupInfo::id).reversed());
            int coveringIndex = done.size() - 1;
            for (int i = 0; i < done.size(); i++) {
                if (done.get(i).endTime().toInstant().isBefore(windowStart)) {
                    coveringIndex = i;
                    break;
                }
            }
            keep = Math.max(coveringIndex + 1, scenario.minimumRedundancy());
        }
        return doneNewestFirst.subList(0, Math.min(keep, doneNewestFirst.size()));
    }

    private static Optional<WalSegmentName> limit(List<BackupInfo> needingWal) {
        WalSegmentName limit = null;
        for (BackupInfo backup : needingWal) {
            if (backup.beginWal() == null) {
                if (backup.isDone()) {
                    return Optional.empty();
                }
                continue;
            }
            if (limit == null || backup.beginWal().compareTo(limit) < 0) {
                limit = backup.beginWal();
            }
        }
        return Optional.ofNullable(limit);
    }

    private static Set<BackupId> ids(List<BackupInfo> backups) {
        Set<BackupId> ids = new HashSet<>();
        backups.forEach(backup -> ids.add(backup.id()));
        return ids;
    }
}
