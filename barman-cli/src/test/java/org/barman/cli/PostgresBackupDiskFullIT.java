package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.core.Barman;
import org.barman.core.catalog.Catalog;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SmallFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The file system of the backups fills up while PostgreSQL 15 sends a {@code backup_method = postgres} backup, as a
 * DBA sees it: {@code barman backup} exits non-zero with one line naming the file it could not write and that the
 * disk is full, the backup is FAILED with that reason, its partial copy is gone, and PostgreSQL is out of backup
 * mode, so that once there is room the next backup is DONE. The file system is a {@link SmallFileSystem} (a tmpfs of
 * a few megabytes, smaller than the cluster).
 */
class PostgresBackupDiskFullIT {

    private static final long MIB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofMinutes(2);

    static PostgresMethodCluster cluster;
    static PostgresCluster pg;
    static SmallFileSystem disk;

    @BeforeAll
    static void clusterWhoseBackupsGoToASmallFileSystem() throws IOException {
        cluster = PostgresMethodCluster.start("barman-postgres-disk-full-it", 15);
        pg = cluster.pg();
        PostgresMethodCluster.fillTablespace(pg, 50000);
        disk = SmallFileSystem.mount(cluster.root(), 8 * MIB);
        Files.writeString(cluster.config(), Files.readString(cluster.config()).replace("[barman]\n", "[barman]\n"
                + "log_file = " + cluster.root().resolve("barman.log") + "\n") + "basebackups_directory = "
                + disk.root() + "\n");
    }

    @AfterAll
    static void unmountAndStopCluster() {
        try {
            if (disk != null) {
                disk.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void aDiskThatFillsMidStreamFailsTheBackupInOneLineRemovesThePartialCopyAndTheNextBackupIsDone()
            throws Exception {
        CliRun full = cluster.barman("backup", "--immediate-checkpoint", "main");

        assertThat(full.exitCode()).as(full.out()).isNotZero();
        Matcher line = Pattern.compile("ERROR: backup (\\d{8}T\\d{6}) of server main failed: cannot write ("
                + Pattern.quote(disk.root().toString()) + "/\\d{8}T\\d{6}/\\S+): No space left on device\n")
                .matcher(full.err());
        assertThat(line.matches()).as("one error line, on standard error: %s", full.err()).isTrue();
        BackupId id = BackupId.parse(line.group(1));
        assertThat(line.group(2)).startsWith(disk.root().resolve(id.toString()).toString());
        Catalog catalog = Barman.load(cluster.config(), Plugins.load()).server("main").catalog();
        BackupInfo failed = catalog.get(id);
        assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(failed.error()).isEqualTo("cannot write " + line.group(2) + ": No space left on device");
        assertThat(Files.readString(cluster.root().resolve("barman.log"))).as("the log file")
                .contains("Backup " + id + " of server main failed: " + failed.error());
        assertThat(regularFiles(catalog.backupDirectory(id))).as("what the failed backup left")
                .containsExactly(catalog.infoFile(id));
        assertThat(cluster.barman("check", "main").out()).contains("\tfailed backups: FAILED (there are 1 failed backups, "
                + "the latest one too (" + id + ": " + failed.error() + "))\n");
        PostgresMethodCluster.await(WAIT, () -> "0".equals(pg.queryValue("SELECT count(*) FROM pg_stat_activity "
                + "WHERE backend_type = 'walsender'")), "the WAL sender of the failed backup ends");
        assertThat(pg.queryValue("SELECT count(*) FROM pg_stat_progress_basebackup")).as("backups in progress")
                .isEqualTo("0");

        disk.resize(512 * MIB);
        CliRun next = cluster.barman("backup", "--wait", "--immediate-checkpoint", "main");

        assertThat(next.exitCode()).as(next.err()).isZero();
        Matcher done = Pattern.compile("Backup (\\d{8}T\\d{6}) of server main: DONE").matcher(next.out());
        assertThat(done.find()).as(next.out()).isTrue();
        BackupId second = BackupId.parse(done.group(1));
        assertThat(catalog.dataDirectory(second).resolve("backup_manifest")).isRegularFile();
        assertThat(catalog.oldestFirst()).extracting(BackupInfo::id, BackupInfo::status)
                .containsExactly(tuple(id, BackupStatus.FAILED),
                        tuple(second, BackupStatus.DONE));
    }

    private static List<Path> regularFiles(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }
}
