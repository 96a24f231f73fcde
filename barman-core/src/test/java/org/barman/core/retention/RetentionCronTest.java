package org.barman.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.catalog.BackupDeleter;
import org.barman.core.catalog.BackupSummary;
import org.barman.core.check.CheckContext;
import org.barman.core.check.CheckResult;
import org.barman.core.check.RetentionChecks;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.core.support.LockHolderProcess;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code barman cron} enforcing retention on a real catalogue and WAL archive in a temporary barman_home. */
class RetentionCronTest {

    private static final long SEGMENT = WalSegmentName.DEFAULT_SEGMENT_SIZE;

    @TempDir
    Path home;

    /** Records what cron reports. */
    private static final class Recorder implements CronListener {
        final List<String> events = new ArrayList<>();
        final List<EnforcementReport> reports = new ArrayList<>();

        @Override
        public void removingObsoleteBackup(Server server, BackupInfo backup) {
            events.add("removing " + backup.id());
        }

        @Override
        public void obsoleteBackupInUse(Server server, BackupInfo backup, String reason) {
            events.add("kept " + backup.id() + ": " + reason);
        }

        @Override
        public void retentionEnforced(Server server, EnforcementReport report) {
            reports.add(report);
            events.add("enforced " + report.policy());
        }

        @Override
        public void retentionSkipped(Server server, String reason) {
            events.add("skipped retention: " + reason);
        }

        @Override
        public void skipped(Server server, String reason) {
            events.add("skipped: " + reason);
        }

        @Override
        public void failed(Server server, String error) {
            events.add("failed: " + error);
        }
    }

    private static BackupInfo backup(Server server, String id, BackupStatus status, int beginSegment,
            int endSegment) throws IOException {
        BackupId backupId = BackupId.parse(id);
        WalSegmentName begin = WalSegmentName.of(1, 0, beginSegment);
        BackupInfo.Builder builder = BackupInfo.builder(backupId).serverName("main").status(status)
                .mode("local-concurrent").beginTime(backupId.time().atOffset(ZoneOffset.UTC)).beginWal(begin)
                .beginXlog(begin.startLsn(SEGMENT).plus(40)).beginOffset(40).timeline(1).version(150004);
        if (status == BackupStatus.DONE || status == BackupStatus.WAITING_FOR_WALS) {
            WalSegmentName end = WalSegmentName.of(1, 0, endSegment);
            builder.endWal(end).endXlog(end.startLsn(SEGMENT).plus(8)).endOffset(8)
                    .endTime(backupId.time().plusHours(1).atOffset(ZoneOffset.UTC)).size(100);
        }
        if (status == BackupStatus.FAILED) {
            builder.error("failure copying files");
        }
        BackupInfo info = builder.build();
        server.catalog().create(info);
        Path data = server.catalog().dataDirectory(backupId);
        Files.createDirectories(data);
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        return info;
    }

    private static void archive(Server server, String... names) throws IOException {
        Path wals = server.config().walsDirectory();
        for (String name : names) {
            WalSegmentName wal = WalSegmentName.parse(name);
            Path folder = wals.resolve(wal.directoryName());
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(name), name);
        }
        server.rebuildXlogDb();
    }

    private static String segment(int number) {
        return WalSegmentName.of(1, 0, number).fileName();
    }

    private static List<String> archivedNames(Server server) {
        return server.walArchive().list().stream().map(entry -> entry.name().fileName()).toList();
    }

    private static List<String> filesOnDisk(Server server) throws IOException {
        try (Stream<Path> files = Files.walk(server.config().walsDirectory())) {
            return files.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(WalSegmentName::isValid).sorted().toList();
        }
    }

    private static List<String> ids(Server server) {
        return server.catalog().oldestFirst().stream().map(backup -> backup.id().value()).toList();
    }

    /** Five backups (one FAILED) and WAL 1 to 10 with a history file and a backup label. */
    private Server fiveBackups(String... options) throws IOException {
        Server server = TestBarman.withServer(home, options).server("main");
        backup(server, "20240101T000000", BackupStatus.DONE, 2, 3);
        backup(server, "20240102T000000", BackupStatus.FAILED, 4, 0);
        backup(server, "20240103T000000", BackupStatus.DONE, 5, 5);
        backup(server, "20240104T000000", BackupStatus.DONE, 7, 8);
        backup(server, "20240105T000000", BackupStatus.DONE, 9, 9);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            names.add(segment(i));
        }
        names.add("000000010000000000000002.00000028.backup");
        names.add("00000002.history");
        archive(server, names.toArray(String[]::new));
        return server;
    }

    @Test
    void cronDeletesTheObsoleteBackupsOldestFirstThenTheWalNoRemainingBackupNeeds() throws IOException {
        Server server = fiveBackups("retention_policy = REDUNDANCY 2");
        Map<String, RetentionStatus> shown = new HashMap<>();
        for (BackupSummary summary : server.listBackups()) {
            shown.put(summary.info().id().value(), summary.retentionStatus());
        }
        assertThat(shown).isEqualTo(Map.of("20240101T000000", RetentionStatus.OBSOLETE,
                "20240102T000000", RetentionStatus.NONE, "20240103T000000", RetentionStatus.OBSOLETE,
                "20240104T000000", RetentionStatus.VALID, "20240105T000000", RetentionStatus.VALID));
        assertThat(server.showBackup("oldest").retentionStatus()).isEqualTo(RetentionStatus.OBSOLETE);
        assertThat(server.showBackup("latest").retentionStatus()).isEqualTo(RetentionStatus.VALID);

        Recorder recorder = new Recorder();
        assertThat(server.barman().cron(recorder)).isTrue();

        assertThat(recorder.events).containsExactly("removing 20240101T000000", "removing 20240103T000000",
                "enforced REDUNDANCY 2");
        EnforcementReport report = recorder.reports.get(0);
        assertThat(report.succeeded()).isTrue();
        assertThat(report.deletedBackups()).extracting(deletion -> deletion.backup().id().value())
                .containsExactly("20240101T000000", "20240103T000000");
        assertThat(report.firstWalKept()).contains(WalSegmentName.of(1, 0, 7));
        assertThat(report.removedWal()).extracting(WalFileInfo::name).extracting(WalSegmentName::fileName)
                .containsExactlyInAnyOrder(segment(1), segment(2), segment(3), segment(4), segment(5), segment(6),
                        "000000010000000000000002.00000028.backup");
        assertThat(ids(server)).containsExactly("20240102T000000", "20240104T000000", "20240105T000000");
        assertThat(archivedNames(server)).containsExactly(segment(7), segment(8), segment(9),
                segment(10), "00000002.history");
        assertThat(filesOnDisk(server)).containsExactlyInAnyOrderElementsOf(archivedNames(server));
        assertThat(server.catalog().directory()).isDirectoryNotContaining("glob:**/.barman-deleting*");

        Recorder again = new Recorder();
        assertThat(server.barman().cron(again)).isTrue();
        assertThat(again.events).containsExactly("enforced REDUNDANCY 2");
        assertThat(again.reports.get(0).removedWal()).isEmpty();
    }

    @Test
    void anObsoleteBackupBeingRecoveredIsKeptWithItsWalAndTheNextCronDeletesIt() throws IOException {
        Server server = fiveBackups("retention_policy = REDUNDANCY 1");
        Path lockFile = Locks.backupPath(server.config().lockDirectory(), "main", BackupId.parse("20240101T000000"));
        try (LockHolderProcess recovery = LockHolderProcess.start(lockFile, FileLock.Mode.SHARED)) {
            Recorder recorder = new Recorder();
            assertThat(server.barman().cron(recorder)).isTrue();

            assertThat(recorder.events).containsExactly("removing 20240103T000000", "removing 20240104T000000",
                    "kept 20240101T000000: backup 20240101T000000 of server main is in use by recover, list-files, "
                            + "a backup reusing it or cron (pid " + recovery.pid() + ", lock file " + lockFile
                            + ")", "enforced REDUNDANCY 1");
            EnforcementReport report = recorder.reports.get(0);
            assertThat(report.succeeded()).isTrue();
            assertThat(report.backupsInUse()).extracting(kept -> kept.backup().id().value())
                    .containsExactly("20240101T000000");
            assertThat(ids(server)).containsExactly("20240101T000000", "20240102T000000", "20240105T000000");
            assertThat(report.firstWalKept()).as("the backup being recovered keeps its WAL")
                    .contains(WalSegmentName.of(1, 0, 2));
            assertThat(archivedNames(server)).contains(segment(2), segment(3), segment(9));
        }

        Recorder next = new Recorder();
        assertThat(server.barman().cron(next)).isTrue();

        assertThat(next.events).containsExactly("removing 20240101T000000", "enforced REDUNDANCY 1");
        assertThat(ids(server)).containsExactly("20240102T000000", "20240105T000000");
        assertThat(archivedNames(server)).containsExactly(segment(9), segment(10), "00000002.history");
    }

    @Test
    void whileABackupRunsCronSkipsRetentionAndTheNextCronEnforcesIt() throws IOException {
        Server server = fiveBackups("retention_policy = REDUNDANCY 1");
        List<String> before = archivedNames(server);
        try (FileLock running = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.BACKUP)) {
            Recorder recorder = new Recorder();
            assertThat(server.barman().cron(recorder)).isTrue();
            assertThat(recorder.events).singleElement().asString()
                    .startsWith("skipped retention: backup of server main is already running (pid "
                            + ProcessHandle.current().pid());
            assertThat(ids(server)).hasSize(5);
            assertThat(archivedNames(server)).isEqualTo(before);

            assertThatThrownBy(() -> server.deleteBackup("oldest")).isInstanceOf(LockBusyException.class)
                    .hasMessageStartingWith("backup of server main is already running (pid ");
            assertThat(ids(server)).hasSize(5);
        }
        Recorder next = new Recorder();
        assertThat(server.barman().cron(next)).isTrue();
        assertThat(next.events).containsExactly("removing 20240101T000000", "removing 20240103T000000",
                "removing 20240104T000000", "enforced REDUNDANCY 1");
        assertThat(ids(server)).containsExactly("20240102T000000", "20240105T000000");
        assertThat(archivedNames(server)).containsExactly(segment(9), segment(10), "00000002.history");
    }

    @Test
    void aRecoveryWindowFollowsTheClockWithoutWaitingForDays() throws IOException {
        Barman barman = TestBarman.withServer(home, "retention_policy = RECOVERY WINDOW OF 7 DAYS");
        Server server = barman.server("main");
        backup(server, "20240101T000000", BackupStatus.DONE, 2, 2);
        backup(server, "20240108T000000", BackupStatus.DONE, 4, 4);
        backup(server, "20240115T000000", BackupStatus.DONE, 6, 6);
        archive(server, segment(1), segment(2), segment(3), segment(4), segment(5), segment(6), segment(7));

        barman.withClock(Clock.fixed(Instant.parse("2024-01-08T12:00:00Z"), ZoneOffset.UTC));
        assertThat(server.barman().cron(new Recorder())).isTrue();
        assertThat(ids(server)).hasSize(3);
        assertThat(archivedNames(server)).first().isEqualTo(segment(2));

        barman.withClock(Clock.fixed(Instant.parse("2024-01-16T00:00:00Z"), ZoneOffset.UTC));
        assertThat(server.retentionReport().statusOf(BackupId.parse("20240101T000000")))
                .isEqualTo(RetentionStatus.OBSOLETE);
        assertThat(server.barman().cron(new Recorder())).isTrue();
        assertThat(ids(server)).containsExactly("20240108T000000", "20240115T000000");
        assertThat(archivedNames(server)).first().isEqualTo(segment(4));

        barman.withClock(Clock.fixed(Instant.parse("2024-01-23T00:00:00Z"), ZoneOffset.UTC));
        assertThat(server.barman().cron(new Recorder())).isTrue();
        assertThat(ids(server)).containsExactly("20240115T000000");
        assertThat(archivedNames(server)).containsExactly(segment(6), segment(7));
    }

    @Test
    void minimumRedundancyKeepsBackupsTheWindowNoLongerNeedsAndShowsThemPotentiallyObsolete()
            throws IOException {
        Barman barman = TestBarman.withServer(home, "retention_policy = RECOVERY WINDOW OF 7 DAYS",
                "minimum_redundancy = 2");
        Server server = barman.server("main");
        backup(server, "20240101T000000", BackupStatus.DONE, 2, 2);
        backup(server, "20240108T000000", BackupStatus.DONE, 4, 4);
        backup(server, "20240115T000000", BackupStatus.DONE, 6, 6);
        archive(server, segment(2), segment(3), segment(4), segment(5), segment(6));
        barman.withClock(Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC));

        assertThat(server.listBackups()).extracting(BackupSummary::retentionStatus).containsExactly(
                RetentionStatus.VALID, RetentionStatus.POTENTIALLY_OBSOLETE, RetentionStatus.OBSOLETE);
        assertThat(server.barman().cron(new Recorder())).isTrue();
        assertThat(ids(server)).containsExactly("20240108T000000", "20240115T000000");
        assertThat(archivedNames(server)).containsExactly(segment(4), segment(5), segment(6));
    }

    @Test
    void withoutAPolicyCronDeletesNothing() throws IOException {
        Server server = fiveBackups();
        List<String> before = archivedNames(server);
        Recorder recorder = new Recorder();
        assertThat(server.barman().cron(recorder)).isTrue();
        assertThat(recorder.events).isEmpty();
        assertThat(ids(server)).hasSize(5);
        assertThat(archivedNames(server)).isEqualTo(before);
        assertThat(server.listBackups()).extracting(BackupSummary::retentionStatus)
                .containsOnly(RetentionStatus.NONE);
    }

    @Test
    void backupsWaitingForWalOrStartedKeepTheirWalAndAreNeverDeleted() throws IOException {
        Server server = TestBarman.withServer(home, "retention_policy = REDUNDANCY 1").server("main");
        backup(server, "20240101T000000", BackupStatus.DONE, 2, 2);
        backup(server, "20240102T000000", BackupStatus.WAITING_FOR_WALS, 4, 5);
        backup(server, "20240103T000000", BackupStatus.DONE, 6, 6);
        backup(server, "20240104T000000", BackupStatus.STARTED, 8, 0);
        archive(server, segment(1), segment(2), segment(3), segment(4), segment(6), segment(7), segment(8));

        assertThat(server.barman().cron(new Recorder())).isTrue();

        assertThat(ids(server)).containsExactly("20240102T000000", "20240103T000000", "20240104T000000");
        assertThat(archivedNames(server)).containsExactly(segment(4), segment(6), segment(7), segment(8));
    }

    @Test
    void aPolicyPluginCallingEveryBackupObsoleteCannotGoBelowMinimumRedundancyNorDeleteOthers()
            throws IOException {
        Server server = fiveBackups("minimum_redundancy = 2");
        RetentionPolicy everythingObsolete = new RetentionPolicy() {
            @Override
            public String describe() {
                return "EVERYTHING OBSOLETE";
            }

            @Override
            public RetentionReport evaluate(List<BackupInfo> backups, Instant now, int minimumRedundancy) {
                Map<BackupId, RetentionStatus> statuses = new HashMap<>();
                backups.forEach(backup -> statuses.put(backup.id(), RetentionStatus.OBSOLETE));
                return new RetentionReport(statuses, Optional.empty());
            }
        };
        EnforcementReport report = new RetentionEnforcer(server.config(), everythingObsolete, server.catalog(),
                server.walArchive(), Clock.systemUTC()).enforce(backup -> { });

        assertThat(report.deletedBackups()).extracting(deletion -> deletion.backup().id().value())
                .containsExactly("20240101T000000", "20240103T000000");
        assertThat(report.failure()).hasValueSatisfying(failure -> assertThat(failure).contains(
                "cannot delete obsolete backup 20240104T000000",
                "due to minimum redundancy requirements (minimum redundancy = 2, current redundancy = 2)"));
        assertThat(ids(server)).containsExactly("20240102T000000", "20240104T000000", "20240105T000000");
        assertThat(archivedNames(server)).first().isEqualTo(segment(7));
    }

    @Test
    void aDoneBackupWithoutEndTimeCountsAsInsideTheWindowAndNeverCoversIt() throws IOException {
        Server server = fiveBackups("retention_policy = RECOVERY WINDOW OF 1 WEEKS");
        BackupInfo newest = server.catalog().get(BackupId.parse("20240105T000000"));
        server.catalog().save(newest.toBuilder().endTime(null).build());
        server.barman().withClock(Clock.fixed(Instant.parse("2024-03-01T00:00:00Z"), ZoneOffset.UTC));

        assertThat(server.barman().cron(new Recorder())).isTrue();

        assertThat(ids(server)).containsExactly("20240102T000000", "20240104T000000", "20240105T000000");
        assertThat(archivedNames(server)).first().isEqualTo(segment(7));
    }

    @Test
    void removingAnObsoleteBackupNeedsTheServersBackupLockAndADoneBackup() throws IOException {
        Server server = fiveBackups();
        BackupDeleter deleter = new BackupDeleter(server.config(), server.catalog(), server.walArchive());
        try (FileLock cron = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.CRON)) {
            assertThatThrownBy(() -> deleter.removeObsolete(BackupId.parse("20240101T000000"), cron))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".main-backup.lock");
        }
        try (FileLock lock = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.BACKUP)) {
            assertThatThrownBy(() -> deleter.removeObsolete(BackupId.parse("20240102T000000"), lock))
                    .isInstanceOf(BarmanException.class)
                    .hasMessage("backup 20240102T000000 of server main is FAILED: retention only deletes DONE "
                            + "backups");
            assertThat(deleter.removeObsolete(BackupId.parse("20240101T000000"), lock).removedWal()).isEmpty();
        }
        assertThat(ids(server)).doesNotContain("20240101T000000").hasSize(4);
    }

    @Test
    void checkReportsAPolicyThatCannotBeEnforcedAsWritten() throws IOException {
        assertThat(retentionCheck(TestBarman.withServer(home.resolve("none")).server("main")))
                .isEqualTo(CheckResult.ok("retention policy settings", ""));
        assertThat(retentionCheck(fiveBackups("retention_policy = REDUNDANCY 2", "minimum_redundancy = 2")))
                .isEqualTo(CheckResult.ok("retention policy settings", ""));
        assertThat(retentionCheck(TestBarman.withServer(home.resolve("below"), "retention_policy = REDUNDANCY 1",
                "minimum_redundancy = 3").server("main")).display()).isEqualTo("retention policy settings: FAILED "
                        + "(REDUNDANCY 1 is below minimum_redundancy = 3, so 3 backups are kept: set "
                        + "retention_policy = REDUNDANCY 3 or lower minimum_redundancy)");

        Server broken = TestBarman.withServer(home.resolve("broken"), "retention_policy = RECOVERY WINDOW OF 1 WEEKS")
                .server("main");
        BackupInfo done = backup(broken, "20240101T000000", BackupStatus.DONE, 2, 2);
        broken.catalog().save(done.toBuilder().endTime(null).build());
        assertThat(retentionCheck(broken).display()).startsWith("retention policy settings: FAILED (backup "
                + "20240101T000000 is DONE but its backup.info has no end_time:");
        broken.catalog().save(done.toBuilder().beginWal(null).build());
        assertThat(retentionCheck(broken).display()).startsWith("retention policy settings: FAILED (backup "
                + "20240101T000000 is DONE but its backup.info has no begin_wal:");
    }

    @Test
    void checkListsTheRetentionItemAfterDirectoriesAsBarmanDoes() throws IOException {
        Server server = TestBarman.withServer(home, "conninfo = host=127.0.0.1 port=1 connect_timeout=2",
                "retention_policy = REDUNDANCY 2").server("main");
        List<String> names = server.check().results().stream().map(CheckResult::name).toList();
        assertThat(names).containsSubsequence("directories", "retention policy settings");
        assertThat(names.indexOf("retention policy settings")).isEqualTo(names.indexOf("directories") + 1);
    }

    @Test
    void showServerPrintsThePolicyAsUnderstood() throws IOException {
        Map<String, String> options = TestBarman.withServer(home, "retention_policy = recovery window of 2 week")
                .server("main").effectiveOptions();
        assertThat(options).containsEntry("retention_policy", "RECOVERY WINDOW OF 2 WEEKS")
                .containsEntry("wal_retention_policy", "MAIN").containsEntry("retention_policy_mode", "auto");
    }

    private static CheckResult retentionCheck(Server server) {
        return RetentionChecks.policySettings().check(new CheckContext(server, Optional.empty())).get(0);
    }
}
