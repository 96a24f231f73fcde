package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.ReuseMode;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/** Base backups of a real PostgreSQL 15 with a tablespace, through the local transport. */
class BackupIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void aBackupRecordsItselfCopiesEverythingAndRecovers() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE in_tbs(id int, payload text) TABLESPACE tbs1");
            pg.execute("INSERT INTO in_tbs SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
            pg.execute("CREATE TABLE in_default(id int)");
            pg.execute("INSERT INTO in_default SELECT generate_series(1, 1234)");
            pg.execute("CHECKPOINT");
            String relation = pg.queryValue("SELECT pg_relation_filepath('in_tbs')");
            Barman barman = fixture.barman();
            Server server = barman.server("main");

            BackupInfo backup = server.takeBackup(WAIT, CopyListener.NONE);

            assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
            BackupInfo recorded = server.catalog().get(backup.id());
            assertThat(recorded.status()).isEqualTo(BackupStatus.DONE);
            assertThat(recorded.mode()).isEqualTo("local-concurrent");
            assertThat(recorded.version()).isEqualTo(Integer.parseInt(pg.queryValue("SHOW server_version_num")));
            assertThat(recorded.systemid()).isEqualTo(pg.queryValue("SELECT system_identifier FROM pg_control_system()"));
            assertThat(recorded.pgdata()).isEqualTo(pg.dataDirectory().toString());
            assertThat(recorded.timeline()).isEqualTo(1);
            assertThat(recorded.beginXlog()).isNotNull();
            assertThat(recorded.endXlog()).isGreaterThan(recorded.beginXlog());
            assertThat(recorded.beginWal().fileName()).isEqualTo(
                    pg.queryValue("SELECT pg_walfile_name('" + recorded.beginXlog() + "')"));
            assertThat(recorded.endWal()).isGreaterThanOrEqualTo(recorded.beginWal());
            assertThat(recorded.beginTime()).isBefore(recorded.endTime());
            assertThat(recorded.tablespaces()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("tbs1");
                assertThat(t.location()).isEqualTo(fixture.tablespaceLocation.toString());
            });
            assertThat(recorded.size()).isGreaterThan(10_000_000);
            assertThat(recorded.deduplicatedSize()).isEqualTo(recorded.size());
            assertThat(recorded.backupLabel()).startsWith("START WAL LOCATION: " + recorded.beginXlog());

            Path base = server.catalog().backupDirectory(backup.id());
            Path data = base.resolve("data");
            Tablespace tbs = recorded.tablespaces().get(0);
            assertThat(data.resolve("backup_label")).content().startsWith("START WAL LOCATION:");
            assertThat(data.resolve("tablespace_map")).hasContent(tbs.oid() + " " + tbs.location() + "\n");
            assertThat(data.resolve("postmaster.pid")).doesNotExist();
            assertThat(data.resolve("pg_wal")).isEmptyDirectory();
            assertThat(data.resolve("PG_VERSION")).hasContent("15\n");
            Path link = data.resolve("pg_tblspc").resolve(Long.toString(tbs.oid()));
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(Files.readSymbolicLink(link)).isEqualTo(fixture.tablespaceLocation);
            Path copiedRelation = base.resolve(Long.toString(tbs.oid()))
                    .resolve(relation.substring(relation.indexOf("PG_15")));
            Path sourceRelation = pg.dataDirectory().resolve(relation);
            assertThat(sha256(copiedRelation)).isEqualTo(sha256(sourceRelation));
            assertThat(sha256(data.resolve("PG_VERSION"))).isEqualTo(sha256(pg.dataDirectory().resolve("PG_VERSION")));

            pg.execute("INSERT INTO in_default SELECT generate_series(1, 10)");
            try (PostgresCluster copy = BackupFixture.start(fixture.restoreForStart(barman, recorded, "one"))) {
                assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("50000");
                assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("1234");
            }
        }
    }

    @Test
    void aSecondBackupWithReuseLinkHardLinksTheUnchangedFiles() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE big(id int, payload text) TABLESPACE tbs1");
            pg.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 100000) g");
            pg.execute("VACUUM FREEZE big");
            pg.execute("CHECKPOINT");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            BackupInfo first = server.takeBackup(WAIT, CopyListener.NONE);
            String relation = pg.queryValue("SELECT pg_relation_filepath('big')");

            BackupOptions link = new BackupOptions(Optional.of(true), Optional.of(ReuseMode.LINK), Optional.empty(),
                    Optional.empty(), Duration.ofMinutes(1));
            BackupInfo second = server.takeBackup(link, CopyListener.NONE);

            assertThat(second.status()).isEqualTo(BackupStatus.DONE);
            Tablespace tbs = second.tablespaces().get(0);
            String inTablespace = relation.substring(relation.indexOf("PG_15"));
            Path before = server.catalog().tablespaceDirectory(first.id(), tbs).resolve(inTablespace);
            Path after = server.catalog().tablespaceDirectory(second.id(), tbs).resolve(inTablespace);
            Object inodeBefore = Files.readAttributes(before, BasicFileAttributes.class).fileKey();
            Object inodeAfter = Files.readAttributes(after, BasicFileAttributes.class).fileKey();
            assertThat(inodeAfter).isEqualTo(inodeBefore);
            assertThat(server.catalog().dataDirectory(second.id()).resolve("PG_VERSION"))
                    .satisfies(path -> assertThat(Files.readAttributes(path, BasicFileAttributes.class).fileKey())
                            .isEqualTo(Files.readAttributes(server.catalog().dataDirectory(first.id())
                                    .resolve("PG_VERSION"), BasicFileAttributes.class).fileKey()));
            assertThat(second.deduplicatedSize()).as("deduplicated size of %s", second)
                    .isLessThan(second.size() / 2);
            assertThat(server.catalog().get(second.id()).deduplicatedSize()).isEqualTo(second.deduplicatedSize());
            try (PostgresCluster copy = BackupFixture.start(fixture.restoreForStart(barman, second, "linked"))) {
                assertThat(copy.queryValue("SELECT count(*) FROM big")).isEqualTo("100000");
            }
        }
    }

    @Test
    void aBackupWhilePostgresStopsEndsFailedAndReleasesTheLock() throws Exception {
        try (BackupFixture fixture = new BackupFixture("bandwidth_limit = 4000")) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE t(id int, payload text)");
            pg.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 300000) g");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            CountDownLatch copying = new CountDownLatch(1);
            CopyListener listener = new CopyListener() {
                @Override
                public void transferred(long bytes) {
                    copying.countDown();
                }
            };
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    server.takeBackup(WAIT, listener);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            copying.await();
            assertThatThrownBy(() -> server.takeBackup(WAIT, CopyListener.NONE))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessageContaining("backup of server main is already running (pid "
                            + ProcessHandle.current().pid());
            pg.crash();
            Throwable failure = outcome.get();
            assertThat(failure).isNotNull().hasMessageContaining("failed");
            List<BackupInfo> backups = server.catalog().newestFirst();
            assertThat(backups).singleElement().satisfies(info -> {
                assertThat(info.status()).isEqualTo(BackupStatus.FAILED);
                assertThat(info.error()).isNotBlank();
            });
            try (FileLock lock = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.BACKUP)) {
                assertThat(lock.path()).exists();
            }
        }
    }

    @Test
    void aFullDiskEndsFailedAfterTheRetriesAndHarmsNothingElse() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            BackupInfo good = server.takeBackup(WAIT, CopyListener.NONE);
            Path full = fixture.root.resolve("full");
            fixture.addOptions("basebackups_directory = " + full, "basebackup_retry_times = 2",
                    "basebackup_retry_sleep = 0");
            Files.createDirectories(full);
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", full.toString())
                    .inheritIO().start();
            assertThat(mount.waitFor()).as("mounting a tmpfs needs root").isZero();
            try {
                Server small = fixture.barman().server("main");
                AtomicLong attempts = new AtomicLong();
                CopyListener counting = new CopyListener() {
                    @Override
                    public void planned(long files, long bytes) {
                        if (bytes > 1_000_000) {
                            attempts.incrementAndGet();
                        }
                    }
                };
                assertThatThrownBy(() -> small.takeBackup(WAIT, counting)).hasMessageContaining("failed")
                        .hasMessageContaining("No space left on device");
                assertThat(attempts.get()).as("copy attempts").isEqualTo(3);
                BackupInfo failed = small.catalog().newestFirst().get(0);
                assertThat(failed.status()).isEqualTo(BackupStatus.FAILED);
                assertThat(failed.error()).contains("No space left on device");
            } finally {
                new ProcessBuilder("umount", full.toString()).inheritIO().start().waitFor();
            }
            assertThat(server.catalog().get(good.id()).status()).isEqualTo(BackupStatus.DONE);
        }
    }

    @Test
    void backupHooksRunWithBarmansEnvironmentAndAbortStopPreventsTheBackup() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            Path log = fixture.root.resolve("hooks.log");
            fixture.addOptions("pre_backup_script = echo \"pre $BARMAN_PHASE $BARMAN_BACKUP_ID $BARMAN_STATUS "
                    + "[$BARMAN_PREVIOUS_ID]\" >> " + log,
                    "post_backup_script = echo \"post $BARMAN_STATUS $BARMAN_BACKUP_DIR [$BARMAN_ERROR]\" >> " + log);
            Server server = fixture.barman().server("main");
            BackupInfo backup = server.takeBackup(WAIT, CopyListener.NONE);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).containsExactly("pre pre " + backup.id() + " STARTED []",
                    "post DONE " + server.catalog().backupDirectory(backup.id()) + " []");

            fixture.addOptions("pre_backup_retry_script = exit 63");
            Server stopping = fixture.barman().server("main");
            assertThatThrownBy(() -> stopping.takeBackup(WAIT, CopyListener.NONE))
                    .hasMessageContaining("pre_backup_retry_script returned ABORT_STOP");
            BackupInfo aborted = stopping.catalog().newestFirst().get(0);
            assertThat(aborted.status()).isEqualTo(BackupStatus.FAILED);
            assertThat(aborted.beginXlog()).as("PostgreSQL was never asked to start").isNull();
        }
    }

    @Test
    void withoutArchivingTheBackupWaitsForWalsAndCronCompletesIt() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            Path incoming = server.config().incomingWalsDirectory();
            fixture.pg.setSetting("archive_command", "/bin/false");
            BackupOptions noWait = new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                    Optional.empty(), Duration.ZERO);
            BackupInfo backup = server.takeBackup(noWait, CopyListener.NONE);
            assertThat(backup.status()).isEqualTo(BackupStatus.WAITING_FOR_WALS);
            assertThat(server.catalog().latest()).isPresent();

            fixture.pg.setSetting("archive_command", "rsync -a %p " + incoming + "/%f");
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (server.catalog().get(backup.id()).status() != BackupStatus.DONE) {
                assertThat(System.nanoTime()).as("cron completes the backup").isLessThan(deadline);
                barman.cron(new org.barman.core.CronListener() {
                });
                Thread.sleep(300);
            }
        }
    }

    @Test
    void endSegmentIsTheOneHoldingTheLastByte() {
        long size = 16L * 1024 * 1024;
        assertThat(BackupExecutor.endSegment(org.barman.api.Lsn.parse("0/3000000"), 1, size).fileName())
                .isEqualTo("000000010000000000000002");
        assertThat(BackupExecutor.endSegment(org.barman.api.Lsn.parse("0/3000100"), 1, size).fileName())
                .isEqualTo("000000010000000000000003");
    }

}
