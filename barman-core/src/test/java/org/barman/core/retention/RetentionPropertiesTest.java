package org.barman.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;

/** Properties of the policies' verdicts over random catalogues (see {@link RetentionScenario}). */
class RetentionPropertiesTest {

    private static RetentionReport evaluate(RetentionScenario scenario) {
        return scenario.policy().evaluate(scenario.backups(), scenario.now(), scenario.minimumRedundancy());
    }

    @Test
    void whatTheVerdictKeepsFulfilsEveryPromise() {
        RetentionScenario.forAll(3000, scenario -> {
            RetentionReport report = evaluate(scenario);
            for (BackupInfo backup : scenario.backups()) {
                RetentionStatus status = report.statusOf(backup.id());
                if (!backup.isDone()) {
                    assertThat(status).as("%s backup %s", backup.status(), backup.id())
                            .isEqualTo(RetentionStatus.NONE);
                } else {
                    assertThat(status).as("DONE backup %s", backup.id()).isNotEqualTo(RetentionStatus.NONE);
                }
                if (scenario.policy() instanceof RedundancyPolicy) {
                    assertThat(status).isNotEqualTo(RetentionStatus.POTENTIALLY_OBSOLETE);
                }
            }
            List<BackupInfo> remaining = scenario.backups().stream()
                    .filter(backup -> report.statusOf(backup.id()) != RetentionStatus.OBSOLETE).toList();
            Set<WalSegmentName> wal = scenario.archived().stream()
                    .filter(name -> report.firstWalToKeep().isEmpty() || !name.hasPosition()
                            || name.segmentName().compareTo(report.firstWalToKeep().get()) >= 0)
                    .collect(Collectors.toSet());
            RetentionInvariants.check(scenario, remaining, wal);
        });
    }

    @Test
    void theVerdictDoesNotDependOnTheOrderOfTheCatalogue() {
        RetentionScenario.forAll(500, scenario -> {
            List<BackupInfo> shuffled = new ArrayList<>(scenario.backups());
            Collections.shuffle(shuffled, new Random(shuffled.size()));
            assertThat(scenario.policy().evaluate(shuffled, scenario.now(), scenario.minimumRedundancy()))
                    .isEqualTo(evaluate(scenario));
        });
    }

    @Test
    void timePassingNeverBringsAnObsoleteBackupBack() {
        RetentionScenario.forAll(1000, scenario -> {
            RetentionReport now = evaluate(scenario);
            RetentionReport later = scenario.policy().evaluate(scenario.backups(),
                    scenario.now().plusSeconds(7 * 86_400L), scenario.minimumRedundancy());
            for (BackupInfo backup : scenario.done()) {
                if (now.statusOf(backup.id()) == RetentionStatus.OBSOLETE) {
                    assertThat(later.statusOf(backup.id())).as("%s a week later", backup.id())
                            .isEqualTo(RetentionStatus.OBSOLETE);
                }
            }
        });
    }

    @Test
    void potentiallyObsoleteMeansObsoleteButForMinimumRedundancy() {
        RetentionScenario.forAll(1000, scenario -> {
            RetentionReport report = evaluate(scenario);
            RetentionReport withoutMinimum = scenario.policy().evaluate(scenario.backups(), scenario.now(), 0);
            for (BackupInfo backup : scenario.done()) {
                BackupId id = backup.id();
                switch (report.statusOf(id)) {
                    case POTENTIALLY_OBSOLETE -> assertThat(withoutMinimum.statusOf(id)).as("%s", id)
                            .isEqualTo(RetentionStatus.OBSOLETE);
                    case OBSOLETE -> assertThat(withoutMinimum.statusOf(id)).as("%s", id)
                            .isEqualTo(RetentionStatus.OBSOLETE);
                    default -> {
                    }
                }
                if (withoutMinimum.statusOf(id) == RetentionStatus.VALID
                        && scenario.policy() instanceof RecoveryWindowPolicy) {
                    assertThat(report.statusOf(id)).as("%s", id).isEqualTo(RetentionStatus.VALID);
                }
            }
        });
    }
}
