package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code backup_options = exclusive_backup} on a real PostgreSQL 14 (the last major that has it): PostgreSQL writes
 * {@code backup_label} into PGDATA and the copy keeps it; a copy that fails ends exclusive backup mode, so that the
 * next backup can start.
 */
class ExclusiveBackupIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    private static BackupFixture fixture;

    @BeforeAll
    static void cluster() throws Exception {
        fixture = new BackupFixture(14, "backup_options = exclusive_backup");
        fixture.pg.execute("CREATE TABLE t(id int) TABLESPACE tbs1");
        fixture.pg.execute("INSERT INTO t SELECT generate_series(1, 4242)");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void anExclusiveBackupKeepsTheLabelPostgresWroteAndRecovers() throws Exception {
        Barman barman = fixture.barman();
        Server server = barman.server("main");

        BackupInfo backup = server.takeBackup(WAIT, CopyListener.NONE);

        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        BackupInfo recorded = server.catalog().get(backup.id());
        assertThat(recorded.mode()).isEqualTo("local-exclusive");
        assertThat(recorded.backupLabel()).startsWith("START WAL LOCATION: " + recorded.beginXlog())
                .contains("BACKUP METHOD: pg_start_backup");
        Path data = server.catalog().dataDirectory(backup.id());
        assertThat(data.resolve("backup_label")).hasContent(recorded.backupLabel());
        assertThat(fixture.pg.queryValue("SELECT pg_is_in_backup()")).isEqualTo("f");
        try (PostgresCluster copy = BackupFixture.start(fixture.restoreForStart(barman, recorded, "exclusive"), 14)) {
            assertThat(copy.queryValue("SELECT count(*) FROM t")).isEqualTo("4242");
        }
    }

    @Test
    void aFailedCopyEndsExclusiveBackupModeAndIsRecordedFailedAfterItsRetries() throws Exception {
        Path config = fixture.root.resolve("broken.conf");
        Files.writeString(config, Files.readString(fixture.config())
                + "transport = broken\nbasebackup_retry_times = 1\nbasebackup_retry_sleep = 0\n");
        URL jar = ExclusiveBackupIT.class.getResource("/broken-transport/");
        Barman barman = Barman.load(config, Plugins.load(new URLClassLoader(new URL[] {jar},
                ExclusiveBackupIT.class.getClassLoader())));
        Server server = barman.server("main");
        int pullsBefore = BrokenTransportProvider.PULLS.get();

        assertThatThrownBy(() -> server.takeBackup(WAIT, CopyListener.NONE)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("connection to the PostgreSQL host lost while copying "
                        + fixture.pg.dataDirectory());

        assertThat(BrokenTransportProvider.PULLS.get() - pullsBefore).isEqualTo(2);
        assertThat(fixture.pg.queryValue("SELECT pg_is_in_backup()")).isEqualTo("f");
        BackupInfo failed = server.catalog().oldestFirst().stream().reduce((first, second) -> second).orElseThrow();
        assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(failed.mode()).isEqualTo("broken-exclusive");
        assertThat(failed.error()).contains("connection to the PostgreSQL host lost");
    }
}
