package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.ReuseMode;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.backup.BackupFixture;
import org.barman.core.backup.BackupOptions;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backup being recovered is in use: {@code barman delete} is refused and retention skips it until the recovery
 * ends, so the recovery copies every file of the backup (before the per-backup lock, both renamed the backup
 * folder away under the running copy, which then ended early and reported success).
 */
class RecoveryDuringDeletionIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    static BackupFixture fixture;
    static Barman barman;
    static Server server;
    static BackupInfo older;

    @BeforeAll
    static void twoBackups() throws Exception {
        fixture = new BackupFixture();
        PostgresCluster pg = fixture.pg;
        pg.execute("CREATE TABLE rows_written(id int, payload text) TABLESPACE tbs1");
        pg.execute("INSERT INTO rows_written SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        barman = fixture.barman();
        server = barman.server("main");
        older = server.takeBackup(WAIT, CopyListener.NONE);
        assertThat(older.status()).isEqualTo(BackupStatus.DONE);
    }

    @AfterAll
    static void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aBackupBeingRecoveredIsNeitherDeletedNorRetiredAndTheRecoveryGetsEveryFile() throws Exception {
        fixture.pg.execute("INSERT INTO rows_written SELECT g, 'newer' FROM generate_series(1, 100) g");
        BackupInfo newer = server.takeBackup(WAIT, CopyListener.NONE);
        assertThat(newer.status()).isEqualTo(BackupStatus.DONE);
        fixture.addOptions("retention_policy = REDUNDANCY 1");
        Barman withRetention = fixture.barman();
        Server retained = withRetention.server("main");

        Path destination = fixture.root.resolve("recovered-during-delete");
        Path tablespace = fixture.root.resolve("tbs-recovered-during-delete");
        PausedCopy paused = new PausedCopy();
        CompletableFuture<RecoveryReport> recovery = CompletableFuture.supplyAsync(() -> server.recover(
                older.id().value(), destination.toString(), RecoveryOptions.of(RecoveryTarget.NONE)
                        .withTablespaces(Map.of("tbs1", tablespace.toString())), paused));
        try {
            assertThat(paused.reached.await(2, TimeUnit.MINUTES)).as("the recovery copies its first file").isTrue();

            assertThatThrownBy(() -> server.deleteBackup(older.id().value()))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessageContaining("backup " + older.id() + " of server main is in use")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            List<String> skipped = new ArrayList<>();
            boolean ok = withRetention.cron(new CronListener() {
                @Override
                public void obsoleteBackupInUse(Server s, BackupInfo backup, String reason) {
                    skipped.add(backup.id() + ": " + reason);
                }
            });
            assertThat(ok).isTrue();
            assertThat(skipped).singleElement().asString().startsWith(older.id() + ": backup " + older.id()
                    + " of server main is in use");
            assertThat(retained.catalog().find(older.id())).as("the backup being recovered").isPresent();
            assertThat(server.catalog().dataDirectory(older.id())).isDirectory();
        } finally {
            paused.resume.countDown();
        }
        RecoveryReport report = recovery.get(5, TimeUnit.MINUTES);

        assertThat(report.backup()).isEqualTo(older.id());
        Path backupFolder = server.catalog().backupDirectory(older.id());
        assertThat(relativeFiles(destination)).as("every file of the backup's data folder is recovered")
                .containsAllEntriesOf(withoutRewritten(relativeFiles(backupFolder.resolve("data"))));
        assertThat(relativeFiles(tablespace)).as("every file of its tablespace is recovered")
                .containsAllEntriesOf(relativeFiles(backupFolder.resolve(Long.toString(
                        older.tablespaces().get(0).oid()))));

        retained.deleteBackup(older.id().value());
        assertThat(backupFolder).doesNotExist();
        assertThat(retained.catalog().find(older.id())).isEmpty();
        assertThat(Locks.backupPath(server.config().lockDirectory(), "main", older.id())).doesNotExist();
    }

    @Test
    void aBackupReusingAnEarlierOneKeepsThatOneFromBeingDeletedWhileItCopies() throws Exception {
        BackupInfo base = server.catalog().latest().orElseThrow();
        List<Throwable> removal = new ArrayList<>();
        CopyListener probe = new CopyListener() {
            @Override
            public void fileDone(String relativePath) {
                synchronized (removal) {
                    if (!removal.isEmpty()) {
                        return;
                    }
                    try (FileLock lock = Locks.backupRemoval(server.config().lockDirectory(), "main", base.id())) {
                        removal.add(new AssertionError("backup " + base.id() + " could be deleted during the copy"));
                    } catch (LockBusyException busy) {
                        removal.add(busy);
                    }
                }
            }
        };
        BackupInfo reusing = server.takeBackup(new BackupOptions(Optional.of(true), Optional.of(ReuseMode.LINK),
                Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), probe);

        assertThat(reusing.status()).isEqualTo(BackupStatus.DONE);
        assertThat(removal).singleElement().isInstanceOf(LockBusyException.class).asString()
                .contains("backup " + base.id() + " of server main is in use");
        try (FileLock lock = Locks.backupRemoval(server.config().lockDirectory(), "main", base.id())) {
            assertThat(lock.path()).hasFileName(".main-" + base.id() + ".lock");
        }
    }

    /** Hears the recovery's copy, and holds it after its first file until told to go on. */
    private static final class PausedCopy implements CopyListener {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);

        @Override
        public void fileDone(String relativePath) {
            if (reached.getCount() == 0) {
                return;
            }
            reached.countDown();
            try {
                if (!resume.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never resumed the copy");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Regular files under a folder by relative path, with their sizes. */
    private static Map<String, Long> relativeFiles(Path root) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.put(root.relativize(path).toString(), Files.size(path));
                }
            }
        }
        return files;
    }

    /** The files that recovery writes anew (the settings), whose size changes. */
    private static Map<String, Long> withoutRewritten(Map<String, Long> files) {
        Map<String, Long> kept = new TreeMap<>(files);
        List.of("postgresql.auto.conf", "postgresql.conf", "tablespace_map").forEach(kept::remove);
        return kept;
    }
}
