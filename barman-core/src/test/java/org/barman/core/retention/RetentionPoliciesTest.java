package org.barman.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalSegmentName;
import org.barman.core.config.AgeLimit;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;

/** The two built-in policies: their syntax, and Barman's verdicts on small catalogues. */
class RetentionPoliciesTest {

    private static final Plugins PLUGINS = Plugins.load();

    private static BackupInfo backup(String id, BackupStatus status, int beginSegment, String endTime) {
        BackupInfo.Builder builder = BackupInfo.builder(BackupId.parse(id)).status(status)
                .beginTime(BackupId.parse(id).time().atOffset(ZoneOffset.UTC))
                .beginWal(WalSegmentName.of(1, 0, beginSegment)).timeline(1);
        if (endTime != null) {
            builder.endTime(LocalDateTime.parse(endTime).atOffset(ZoneOffset.UTC))
                    .endWal(WalSegmentName.of(1, 0, beginSegment));
        }
        return builder.build();
    }

    private static Map<String, RetentionStatus> statuses(RetentionReport report, List<BackupInfo> backups) {
        Map<String, RetentionStatus> statuses = new java.util.TreeMap<>();
        backups.forEach(backup -> statuses.put(backup.id().value(), report.statusOf(backup.id())));
        return statuses;
    }

    @Test
    void theSyntaxIsTheGuidesWithKeywordsInAnyCase() {
        assertThat(PLUGINS.retentionPolicy("REDUNDANCY 2").describe()).isEqualTo("REDUNDANCY 2");
        assertThat(PLUGINS.retentionPolicy("  redundancy\t3 ").describe()).isEqualTo("REDUNDANCY 3");
        assertThat(PLUGINS.retentionPolicy("Recovery Window Of 2 weeks").describe())
                .isEqualTo("RECOVERY WINDOW OF 2 WEEKS");
        assertThat(PLUGINS.retentionPolicy("RECOVERY WINDOW OF 1 day").describe())
                .isEqualTo("RECOVERY WINDOW OF 1 DAYS");
        assertThat(PLUGINS.retentionPolicy("recovery window of 6 MONTHS"))
                .isInstanceOfSatisfying(RecoveryWindowPolicy.class, policy -> assertThat(policy.window())
                        .isEqualTo(new AgeLimit(6, AgeLimit.Unit.MONTHS)));
    }

    @Test
    void aBadValueSaysWhatIsExpected() {
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("REDUNDANCY 0"))
                .hasMessage("the value must be greater than 0, not 0");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("REDUNDANCY -1"))
                .hasMessage("'-1' is not an integer greater than 0");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("REDUNDANCY +2"))
                .hasMessage("'+2' is not an integer greater than 0");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("REDUNDANCY 99999999999"))
                .hasMessage("'99999999999' is not an integer greater than 0");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("RECOVERY WINDOW OF 0 DAYS"))
                .hasMessage("the value must be greater than 0, not 0");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("RECOVERY WINDOW OF 2 YEARS"))
                .hasMessage("'YEARS' is not DAYS, WEEKS or MONTHS");
        assertThatThrownBy(() -> PLUGINS.retentionPolicy("KEEP 3 FOREVER")).hasMessage("not a retention policy");
        assertThat(PLUGINS.retentionPolicySyntax())
                .isEqualTo("REDUNDANCY value | RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS");
    }

    @Test
    void theGuidesExampleSevenDaysOnFridayAtNineThirtyReachesBackToThePreviousFriday() {
        ZoneId zone = ZoneId.of("Europe/Rome");
        RecoveryWindowPolicy policy = new RecoveryWindowPolicy(new AgeLimit(7, AgeLimit.Unit.DAYS), zone);
        Instant friday = ZonedDateTime.of(2024, 4, 5, 9, 30, 0, 0, zone).toInstant();
        assertThat(policy.pointOfRecoverability(friday))
                .isEqualTo(ZonedDateTime.of(2024, 3, 29, 9, 30, 0, 0, zone).toInstant());
    }

    @Test
    void daysAreCalendarDaysAndAMonthIs31DaysAsInBarman() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        Instant afterDst = ZonedDateTime.of(2024, 3, 31, 12, 0, 0, 0, paris).toInstant();
        assertThat(new RecoveryWindowPolicy(new AgeLimit(7, AgeLimit.Unit.DAYS), paris)
                .pointOfRecoverability(afterDst))
                .isEqualTo(ZonedDateTime.of(2024, 3, 24, 12, 0, 0, 0, paris).toInstant());
        assertThat(new RecoveryWindowPolicy(new AgeLimit(2, AgeLimit.Unit.WEEKS), ZoneOffset.UTC)
                .pointOfRecoverability(Instant.parse("2024-03-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2024-02-16T00:00:00Z"));
        assertThat(new RecoveryWindowPolicy(new AgeLimit(1, AgeLimit.Unit.MONTHS), ZoneOffset.UTC)
                .pointOfRecoverability(Instant.parse("2024-03-01T00:00:00Z")))
                .as("31 days, never shorter than a calendar month")
                .isEqualTo(Instant.parse("2024-01-30T00:00:00Z"));
    }

    @Test
    void redundancyKeepsTheNewestDoneBackupsRaisedToMinimumRedundancy() {
        List<BackupInfo> backups = List.of(
                backup("20240101T000000", BackupStatus.DONE, 2, "2024-01-01T01:00:00"),
                backup("20240102T000000", BackupStatus.DONE, 4, "2024-01-02T01:00:00"),
                backup("20240103T000000", BackupStatus.FAILED, 6, null),
                backup("20240104T000000", BackupStatus.DONE, 8, "2024-01-04T01:00:00"),
                backup("20240105T000000", BackupStatus.WAITING_FOR_WALS, 10, "2024-01-05T01:00:00"),
                backup("20240106T000000", BackupStatus.DONE, 12, "2024-01-06T01:00:00"),
                backup("20240107T000000", BackupStatus.STARTED, 14, null));
        RetentionPolicy policy = PLUGINS.retentionPolicy("REDUNDANCY 2");
        Instant now = Instant.parse("2024-01-08T00:00:00Z");

        RetentionReport report = policy.evaluate(backups, now, 0);
        assertThat(statuses(report, backups)).isEqualTo(Map.of(
                "20240101T000000", RetentionStatus.OBSOLETE, "20240102T000000", RetentionStatus.OBSOLETE,
                "20240103T000000", RetentionStatus.NONE, "20240104T000000", RetentionStatus.VALID,
                "20240105T000000", RetentionStatus.NONE, "20240106T000000", RetentionStatus.VALID,
                "20240107T000000", RetentionStatus.NONE));
        assertThat(report.firstWalToKeep()).contains(WalSegmentName.of(1, 0, 8));

        RetentionReport raised = policy.evaluate(backups, now, 3);
        assertThat(raised.statusOf(BackupId.parse("20240102T000000"))).isEqualTo(RetentionStatus.VALID);
        assertThat(raised.statusOf(BackupId.parse("20240101T000000"))).isEqualTo(RetentionStatus.OBSOLETE);
        assertThat(raised.firstWalToKeep()).contains(WalSegmentName.of(1, 0, 4));
    }

    @Test
    void aRecoveryWindowKeepsTheNewestBackupEndedBeforeItAndMarksWhatMinimumRedundancyKeeps() {
        List<BackupInfo> backups = List.of(
                backup("20240101T000000", BackupStatus.DONE, 2, "2024-01-01T01:00:00"),
                backup("20240108T000000", BackupStatus.DONE, 4, "2024-01-08T01:00:00"),
                backup("20240115T000000", BackupStatus.DONE, 6, "2024-01-15T01:00:00"),
                backup("20240116T000000", BackupStatus.FAILED, 7, null),
                backup("20240122T000000", BackupStatus.DONE, 8, "2024-01-22T01:00:00"));
        RetentionPolicy policy = new RecoveryWindowPolicy(new AgeLimit(7, AgeLimit.Unit.DAYS), ZoneOffset.UTC);
        Instant now = Instant.parse("2024-01-23T00:00:00Z");

        RetentionReport report = policy.evaluate(backups, now, 0);
        assertThat(statuses(report, backups)).isEqualTo(Map.of(
                "20240101T000000", RetentionStatus.OBSOLETE, "20240108T000000", RetentionStatus.OBSOLETE,
                "20240115T000000", RetentionStatus.VALID, "20240116T000000", RetentionStatus.NONE,
                "20240122T000000", RetentionStatus.VALID));
        assertThat(report.firstWalToKeep()).contains(WalSegmentName.of(1, 0, 6));

        RetentionReport protectedByMinimum = policy.evaluate(backups, now, 3);
        assertThat(protectedByMinimum.statusOf(BackupId.parse("20240108T000000")))
                .isEqualTo(RetentionStatus.POTENTIALLY_OBSOLETE);
        assertThat(protectedByMinimum.statusOf(BackupId.parse("20240101T000000")))
                .isEqualTo(RetentionStatus.OBSOLETE);
        assertThat(protectedByMinimum.firstWalToKeep()).contains(WalSegmentName.of(1, 0, 4));

        RetentionReport weekLater = policy.evaluate(backups, now.plusSeconds(7 * 86_400L), 0);
        assertThat(weekLater.statusOf(BackupId.parse("20240115T000000"))).isEqualTo(RetentionStatus.OBSOLETE);
        assertThat(weekLater.statusOf(BackupId.parse("20240122T000000"))).isEqualTo(RetentionStatus.VALID);
    }

    @Test
    void aWindowNotCoveredYetKeepsEveryBackup() {
        List<BackupInfo> backups = List.of(backup("20240120T000000", BackupStatus.DONE, 2, "2024-01-20T01:00:00"),
                backup("20240122T000000", BackupStatus.DONE, 4, "2024-01-22T01:00:00"));
        RetentionReport report = new RecoveryWindowPolicy(new AgeLimit(1, AgeLimit.Unit.MONTHS), ZoneOffset.UTC)
                .evaluate(backups, Instant.parse("2024-01-23T00:00:00Z"), 0);
        assertThat(report.statuses()).containsOnlyKeys(backups.get(0).id(), backups.get(1).id())
                .containsValues(RetentionStatus.VALID);
    }

    @Test
    void aKeptDoneBackupWithoutBeginWalMeansNoWalFileMayGo() {
        BackupInfo noBegin = backup("20240101T000000", BackupStatus.DONE, 2, "2024-01-01T01:00:00").toBuilder()
                .beginWal(null).build();
        List<BackupInfo> backups = List.of(noBegin,
                backup("20240102T000000", BackupStatus.DONE, 4, "2024-01-02T01:00:00"));
        assertThat(new RedundancyPolicy(2).evaluate(backups, Instant.now(), 0).firstWalToKeep()).isEmpty();
        assertThat(new RedundancyPolicy(1).evaluate(backups, Instant.now(), 0).firstWalToKeep())
                .contains(WalSegmentName.of(1, 0, 4));
        assertThat(new RedundancyPolicy(1).evaluate(List.of(), Instant.now(), 0))
                .isEqualTo(new RetentionReport(Map.of(), Optional.empty()));
    }
}
