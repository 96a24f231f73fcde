package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.backup.BackupFixture;
import org.barman.core.backup.BackupOptions;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time recovery of a real PostgreSQL 15 with a tablespace: for every kind of target, the recovered
 * cluster holds exactly the rows written before it.
 */
class RecoveryIT {

    static BackupFixture fixture;
    static Barman barman;
    static Server server;
    static BackupInfo backup;
    static String xid2;
    static String lsn1;
    static String commitTime2;

    @BeforeAll
    static void backupThenBatchesOfRows() throws Exception {
        fixture = new BackupFixture();
        PostgresCluster pg = fixture.pg;
        pg.execute("CREATE TABLE batches(batch int, at timestamptz DEFAULT clock_timestamp()) TABLESPACE tbs1");
        barman = fixture.barman();
        server = barman.server("main");
        backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        String[] xids = new String[4];
        String last = null;
        for (int batch = 1; batch <= 3; batch++) {
            try (var connection = pg.connect()) {
                connection.setAutoCommit(false);
                try (var statement = connection.createStatement()) {
                    statement.execute("INSERT INTO batches(batch) SELECT " + batch + " FROM generate_series(1, 10)");
                    try (var rows = statement.executeQuery("SELECT txid_current()")) {
                        rows.next();
                        xids[batch] = rows.getString(1);
                    }
                }
                connection.commit();
            }
            pg.execute("SELECT pg_create_restore_point('after-batch-" + batch + "')");
            if (batch == 1) {
                lsn1 = pg.queryValue("SELECT pg_current_wal_lsn()");
            }
            last = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        }
        xid2 = xids[2];
        commitTime2 = pg.queryValue("SELECT to_char(pg_xact_commit_timestamp('" + xid2 + "'::xid) AT TIME ZONE "
                + "'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00'");
        Path incoming = server.config().incomingWalsDirectory();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (server.walArchive().find(WalSegmentName.parse(last)).isEmpty()) {
            assertThat(System.nanoTime()).as("WAL " + last + " reaches " + incoming).isLessThan(deadline);
            barman.cron(new CronListener() {
            });
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static int rowsAfterRecovery(String name, RecoveryOptions options) throws Exception {
        Path destination = fixture.root.resolve("recovered-" + name);
        RecoveryReport report = server.recover(backup.id().value(), destination.toString(), options,
                CopyListener.NONE);
        assertThat(report.settings()).containsEntry("restore_command", "cp barman_wal/%f %p");
        assertThat(destination.resolve("recovery.signal")).exists();
        assertThat(Files.readString(destination.resolve("postgresql.auto.conf"))).contains("archive_mode = off");
        PostgresCluster.grantToClusterUser(destination);
        for (String location : report.tablespaces().values()) {
            PostgresCluster.grantToClusterUser(Path.of(location));
        }
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            try {
                copy.awaitRecoveryEnd(Duration.ofMinutes(2));
                return Integer.parseInt(copy.queryValue("SELECT count(*) FROM batches"));
            } catch (RuntimeException e) {
                throw new AssertionError("recovery " + name + " failed; server log:\n" + copy.serverLogTail(40), e);
            }
        }
    }

    private static RecoveryOptions promote(RecoveryTarget.Kind kind, String value, boolean exclusive) {
        return RecoveryOptions.of(new RecoveryTarget(kind, value, exclusive)).withTargetAction("promote")
                .withTablespaces(Map.of("tbs1", fixture.root.resolve("tbs-" + kind + exclusive).toString()));
    }

    @Test
    void toARestorePoint() throws Exception {
        assertThat(rowsAfterRecovery("name", promote(RecoveryTarget.Kind.NAME, "after-batch-1", false)))
                .isEqualTo(10);
    }

    @Test
    void toATransactionIncludedOrExcluded() throws Exception {
        assertThat(rowsAfterRecovery("xid", promote(RecoveryTarget.Kind.XID, xid2, false))).isEqualTo(20);
        assertThat(rowsAfterRecovery("xid-exclusive", promote(RecoveryTarget.Kind.XID, xid2, true))).isEqualTo(10);
    }

    @Test
    void toATimeIncludedOrExcluded() throws Exception {
        assertThat(rowsAfterRecovery("time", promote(RecoveryTarget.Kind.TIME, commitTime2, false))).isEqualTo(20);
        assertThat(rowsAfterRecovery("time-exclusive", promote(RecoveryTarget.Kind.TIME, commitTime2, true)))
                .isEqualTo(10);
    }

    @Test
    void toAnLsn() throws Exception {
        assertThat(rowsAfterRecovery("lsn", promote(RecoveryTarget.Kind.LSN, lsn1, false))).isEqualTo(10);
    }

    @Test
    void toTheEndOfTheBackupOrOfTheWal() throws Exception {
        assertThat(rowsAfterRecovery("immediate", promote(RecoveryTarget.Kind.IMMEDIATE, "", false))).isZero();
        assertThat(rowsAfterRecovery("all", RecoveryOptions.of(RecoveryTarget.NONE).withTablespaces(
                Map.of("tbs1", fixture.root.resolve("tbs-all").toString())))).isEqualTo(30);
    }

    @Test
    void aRelocatedTablespaceHoldsTheDataAndTheLinkPointsThere() throws Exception {
        Path location = fixture.root.resolve("elsewhere/tbs1");
        RecoveryOptions options = RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "after-batch-2",
                false)).withTargetAction("promote").withTablespaces(Map.of("tbs1", location.toString()));
        Path destination = fixture.root.resolve("recovered-relocated");
        RecoveryReport report = server.recover("latest", destination.toString(), options, CopyListener.NONE);
        assertThat(report.tablespaces()).containsEntry("tbs1", location.toString());
        long oid = backup.tablespaces().get(0).oid();
        assertThat(Files.readSymbolicLink(destination.resolve("pg_tblspc/" + oid))).isEqualTo(location);
        assertThat(destination.resolve("tablespace_map")).hasContent(oid + " " + location + "\n");
        PostgresCluster.grantToClusterUser(destination);
        PostgresCluster.grantToClusterUser(location);
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM batches")).isEqualTo("20");
            assertThat(copy.queryValue("SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = "
                    + "'tbs1'")).isEqualTo(location.toString());
        }
    }

    @Test
    void pauseAtTheTargetLeavesAReadableStandby() throws Exception {
        Path destination = fixture.root.resolve("recovered-paused");
        RecoveryOptions options = RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "after-batch-2",
                false)).withTargetAction("pause").withTablespaces(Map.of("tbs1",
                        fixture.root.resolve("tbs-paused").toString()));
        RecoveryReport report = server.recover("latest", destination.toString(), options, CopyListener.NONE);
        PostgresCluster.grantToClusterUser(destination);
        PostgresCluster.grantToClusterUser(Path.of(report.tablespaces().get("tbs1")));
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!"paused".equals(copy.queryValue("SELECT pg_get_wal_replay_pause_state()"))) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(copy.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(copy.queryValue("SELECT count(*) FROM batches")).isEqualTo("20");
        }
    }

    @Test
    void standbyModeAndTimelineSettingsAreWrittenForTheVersion() throws Exception {
        Path destination = fixture.root.resolve("recovered-standby");
        RecoveryOptions options = new RecoveryOptions(RecoveryTarget.NONE, Optional.of("current"), Optional.empty(),
                true, Map.of("tbs1", fixture.root.resolve("tbs-standby").toString()), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        RecoveryReport report = server.recover("latest", destination.toString(), options, CopyListener.NONE);
        assertThat(report.signalFile()).isEqualTo("standby.signal");
        assertThat(destination.resolve("standby.signal")).exists();
        assertThat(destination.resolve("recovery.signal")).doesNotExist();
        assertThat(report.settings()).containsEntry("recovery_target_timeline", "current");
        String autoConf = Files.readString(destination.resolve("postgresql.auto.conf"));
        assertThat(autoConf).contains("recovery_target_timeline = 'current'").contains("archive_mode = off")
                .contains("restore_command = 'cp barman_wal/%f %p'");
        assertThat(report.warnings()).anyMatch(warning -> warning.startsWith("archiving is disabled in the copy"));
        assertThat(destination.resolve("barman_wal").resolve(backup.beginWal().fileName())).exists();
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.NONE, "", true))
                .hasMessageContaining("--exclusive needs a target");
    }

    @Test
    void validationFailuresWriteNothing() throws Exception {
        Path destination = fixture.root.resolve("never");
        RecoveryOptions plain = RecoveryOptions.of(RecoveryTarget.NONE).withTablespaces(Map.of("tbs1",
                fixture.root.resolve("never-tbs").toString()));
        assertThatThrownBy(() -> server.recover("latest", destination.toString(), RecoveryOptions.of(
                new RecoveryTarget(RecoveryTarget.Kind.TIME, "2000-01-01 00:00:00+00", false)), CopyListener.NONE))
                .hasMessageContaining("is before the end of backup " + backup.id());
        assertThatThrownBy(() -> server.recover("latest", destination.toString(),
                plain.withTargetTimeline("7"), CopyListener.NONE))
                .hasMessageContaining("timeline 7 is unknown to the archive of server main");
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.XID, "12ab", false))
                .hasMessageContaining("target xid '12ab' is not a transaction id");
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.NAME, "x".repeat(64), false))
                .hasMessageContaining("is not a restore point name");
        assertThatThrownBy(() -> new RecoveryTarget(RecoveryTarget.Kind.TIME, "yesterday", false))
                .hasMessageContaining("target time 'yesterday' is not a time Barman can read");
        assertThatThrownBy(() -> server.recover("20000101T000000", destination.toString(), plain,
                CopyListener.NONE)).hasMessageContaining("20000101T000000");
        assertThatThrownBy(() -> server.recover("latest", destination.toString(), plain.withTablespaces(
                Map.of("nope", "/tmp/x")), CopyListener.NONE)).hasMessageContaining("has no tablespace named nope");
        assertThat(destination).doesNotExist();

        Path busy = fixture.root.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("somefile"), "x");
        assertThatThrownBy(() -> server.recover("latest", busy.toString(), plain, CopyListener.NONE))
                .hasMessageContaining("destination " + busy + " on this host is not empty");
        assertThat(Files.list(busy).toList()).hasSize(1);
    }

    @Test
    void aMissingWalFileIsNamedBeforeAnythingIsCopied() throws Exception {
        List<org.barman.api.WalFileInfo> archived = server.walArchive().list().stream()
                .filter(entry -> entry.name().kind() == WalSegmentName.Kind.SEGMENT
                        && entry.name().compareTo(backup.endWal()) > 0).toList();
        WalSegmentName victim = archived.get(0).name();
        Path file = server.walArchive().pathOf(victim);
        Path aside = file.resolveSibling("aside");
        Files.move(file, aside);
        try {
            server.walArchive().rebuildIndex();
            Path destination = fixture.root.resolve("never-missing");
            assertThatThrownBy(() -> server.recover("latest", destination.toString(),
                    RecoveryOptions.of(RecoveryTarget.NONE), CopyListener.NONE))
                    .hasMessageContaining("WAL file " + victim + " is missing from the archive of server main")
                    .hasMessageContaining("nothing was copied");
            assertThat(destination).doesNotExist();
        } finally {
            Files.move(aside, file);
            server.walArchive().rebuildIndex();
        }
    }

    @Test
    void aWalFileGoneFromTheArchiveButStillIndexedIsNamedBeforeAnythingIsCopied() throws Exception {
        WalSegmentName after = server.walArchive().list().stream().map(org.barman.api.WalFileInfo::name)
                .filter(name -> name.kind() == WalSegmentName.Kind.SEGMENT && name.compareTo(backup.endWal()) > 0)
                .findFirst().orElseThrow();
        Map<String, RecoveryOptions> needingIt = Map.of(
                "copied", RecoveryOptions.of(RecoveryTarget.NONE),
                "get-wal", RecoveryOptions.of(RecoveryTarget.NONE).withGetWal(true),
                "name", RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "after-batch-3", false)),
                "time-get-wal", RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.TIME, commitTime2, false))
                        .withGetWal(true));
        assertNamedBeforeCopying(after, needingIt, "replays it (later WAL files exist)");
        assertNamedBeforeCopying(backup.beginWal(), Map.of(
                "immediate-get-wal", RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false))
                        .withGetWal(true)), "it makes backup " + backup.id() + " consistent");
    }

    @Test
    void aHistoryFileGoneFromTheArchiveButStillIndexedIsNamedBeforeAnythingIsCopied() throws Exception {
        WalSegmentName history = WalSegmentName.history(9);
        Path incoming = server.config().incomingWalsDirectory();
        Files.writeString(incoming.resolve(history.fileName()), "1\t" + backup.endXlog() + "\tfor this test\n");
        assertThat(server.archiveWal().archived()).extracting(org.barman.api.WalFileInfo::name).contains(history);
        Files.delete(server.walArchive().pathOf(history));
        try {
            Path destination = fixture.root.resolve("never-history");
            assertThatThrownBy(() -> server.recover("latest", destination.toString(), RecoveryOptions.of(
                    RecoveryTarget.NONE).withGetWal(true), CopyListener.NONE))
                    .hasMessageContaining("history file 00000009.history is missing from the archive of server main")
                    .hasMessageContaining("nothing was copied");
            assertThat(destination).doesNotExist();
        } finally {
            server.walArchive().removeIf(history::equals);
        }
    }

    /** Removes one archived file, leaving its line in xlog.db, and recovers with each of the options. */
    private static void assertNamedBeforeCopying(WalSegmentName victim, Map<String, RecoveryOptions> recoveries,
            String why) throws Exception {
        Path file = server.walArchive().pathOf(victim);
        Path aside = fixture.root.resolve("aside-" + victim.fileName());
        Files.move(file, aside);
        try {
            assertThat(server.walArchive().find(victim)).as("still indexed").isPresent();
            recoveries.forEach((name, options) -> {
                Path destination = fixture.root.resolve("never-" + name);
                RecoveryOptions relocated = options.withTablespaces(Map.of("tbs1",
                        fixture.root.resolve("never-tbs-" + name).toString()));
                assertThatThrownBy(() -> server.recover("latest", destination.toString(), relocated,
                        CopyListener.NONE)).as(name)
                        .hasMessageContaining("WAL file " + victim + " is missing from the archive of server main")
                        .hasMessageContaining(why)
                        .hasMessageContaining("nothing was copied");
                assertThat(destination).as(name).doesNotExist();
                assertThat(fixture.root.resolve("never-tbs-" + name)).as(name).doesNotExist();
            });
        } finally {
            Files.move(aside, file);
        }
    }
}
