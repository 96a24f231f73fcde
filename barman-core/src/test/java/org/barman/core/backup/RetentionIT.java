package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.catalog.BackupSummary;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/** Retention on a real PostgreSQL 15: {@code REDUNDANCY 2} and {@code barman cron} after five backups. */
class RetentionIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));
    private static final int ROWS_PER_STEP = 1000;

    @Test
    void cronKeepsTheTwoNewestBackupsRemovesTheWalBeforeThemAndTheOlderOneStillRecovers() throws Exception {
        try (BackupFixture fixture = new BackupFixture("retention_policy = REDUNDANCY 2")) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE steps(step int, id int, payload text) TABLESPACE tbs1");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            List<BackupInfo> backups = new ArrayList<>();
            for (int step = 1; step <= 5; step++) {
                pg.execute("INSERT INTO steps SELECT " + step + ", g, md5(g::text) FROM generate_series(1, "
                        + ROWS_PER_STEP + ") g");
                pg.execute("SELECT pg_switch_wal()");
                BackupInfo backup = server.takeBackup(WAIT, CopyListener.NONE);
                assertThat(backup.status()).as("backup %d", step).isEqualTo(BackupStatus.DONE);
                backups.add(backup);
            }
            pg.execute("INSERT INTO steps SELECT 6, g, 'after the last backup' FROM generate_series(1, 10) g");
            pg.execute("SELECT pg_switch_wal()");
            assertThat(server.listBackups()).extracting(BackupSummary::retentionStatus).containsExactly(
                    RetentionStatus.VALID, RetentionStatus.VALID, RetentionStatus.OBSOLETE,
                    RetentionStatus.OBSOLETE, RetentionStatus.OBSOLETE);
            BackupInfo olderKept = backups.get(3);
            List<WalFileInfo> before = server.walArchive().list();
            assertThat(before).as("WAL archived before the older kept backup")
                    .anyMatch(file -> file.name().hasPosition()
                            && file.name().segmentName().compareTo(olderKept.beginWal()) < 0);

            List<String> removing = new ArrayList<>();
            boolean ok = barman.cron(new CronListener() {
                @Override
                public void removingObsoleteBackup(Server s, BackupInfo backup) {
                    removing.add(backup.id().value());
                }
            });

            assertThat(ok).isTrue();
            assertThat(removing).containsExactly(backups.get(0).id().value(), backups.get(1).id().value(),
                    backups.get(2).id().value());
            assertThat(server.catalog().oldestFirst()).extracting(BackupInfo::id)
                    .containsExactly(backups.get(3).id(), backups.get(4).id());
            for (BackupInfo deleted : backups.subList(0, 3)) {
                assertThat(server.catalog().backupDirectory(deleted.id())).doesNotExist();
            }
            List<WalFileInfo> after = server.walArchive().list();
            assertThat(after).as("no WAL file before %s is left", olderKept.beginWal())
                    .allMatch(file -> !file.name().hasPosition()
                            || file.name().segmentName().compareTo(olderKept.beginWal()) >= 0);
            assertThat(after).as("every WAL file from %s on is kept", olderKept.beginWal()).containsAll(
                    before.stream().filter(file -> !file.name().hasPosition()
                            || file.name().segmentName().compareTo(olderKept.beginWal()) >= 0).toList());
            for (WalFileInfo file : before) {
                assertThat(server.walArchive().pathOf(file.name()).toFile().exists())
                        .as("%s on disk", file.name()).isEqualTo(after.contains(file));
            }
            assertThat(after).extracting(WalFileInfo::name).contains(olderKept.beginWal(), olderKept.endWal());

            try (PostgresCluster copy = BackupFixture.start(fixture.restoreForStart(barman, olderKept, "kept"))) {
                assertThat(copy.queryValue("SELECT count(*) FROM steps")).isEqualTo(
                        Integer.toString(4 * ROWS_PER_STEP));
                assertThat(copy.queryValue("SELECT max(step) FROM steps")).isEqualTo("4");
            }
        }
    }
}
