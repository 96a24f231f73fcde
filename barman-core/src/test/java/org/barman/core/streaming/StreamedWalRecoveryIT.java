package org.barman.core.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.api.support.OwnerOnly;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.plugin.Plugins;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.core.wal.ArchiveReport;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WAL that Debian's real {@code pg_receivewal} (PostgreSQL 15) streams into a Barman server's streaming folder,
 * from a real PostgreSQL 15 that archives nothing ({@code archiver = off}): archiving takes the complete segments
 * as they are, and a recovery to the latest point, after the primary is killed, replays the segment that was still
 * {@code .partial}, so that the rows committed last are there.
 */
class StreamedWalRecoveryIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    static Path root;
    static PostgresCluster pg;
    static Barman barman;
    static Server server;
    static Process receiver;
    /** Held as receive-wal holds it while pg_receivewal streams, so that cron sees a receiver running. */
    static FileLock receiving;

    @BeforeAll
    static void streamWithPgReceivewal() throws Exception {
        root = Files.createTempDirectory("barman-streamed-it");
        pg = PostgresCluster.builder().setting("checkpoint_timeout", "30min").start();
        Path config = root.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo() + "\ncompression = gzip\n"
                + "archiver = off\nstreaming_archiver = on\nslot_name = barman\n");
        barman = Barman.load(config, Plugins.load());
        server = barman.server("main");
        assertThat(server.streaming().createSlot(false)).isEqualTo(ReplicationSlots.Creation.CREATED);
        receiving = Locks.server(server.config().lockDirectory(), "main", Locks.Kind.RECEIVE_WAL);
        Path streaming = server.streaming().directory();
        OwnerOnly.createFolders(streaming);
        receiver = new ProcessBuilder("/usr/lib/postgresql/15/bin/pg_receivewal", "-D", streaming.toString(), "-d",
                pg.conninfo() + " application_name=barman_receive_wal", "-S", "barman", "--synchronous", "-n")
                .redirectErrorStream(true).redirectOutput(root.resolve("pg_receivewal.log").toFile()).start();
        pg.execute("CREATE TABLE rows(id int, payload text)");
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.destroyForcibly();
        }
        if (receiving != null) {
            receiving.close();
        }
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(root);
    }

    @Test
    void archivingTakesTheStreamedSegmentsAndRecoveryToTheLatestPointReplaysThePartialOne() throws Exception {
        BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(1)), CopyListener.NONE);
        pg.execute("INSERT INTO rows SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        String switched = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
        pg.execute("INSERT INTO rows SELECT g, 'after the switch' FROM generate_series(1001, 1010) g");
        awaitArchived(WalSegmentName.parse(switched));
        assertThat(server.catalog().resolve(backup.id().value()).status()).as("completed by the streamed WAL")
                .isEqualTo(BackupStatus.DONE);
        assertStreamedSegmentsAreArchivedAsPostgresWroteThem(switched);

        pg.execute("INSERT INTO rows SELECT g, 'streamed, never archived' FROM generate_series(1011, 1042) g");
        String committed = pg.queryValue("SELECT pg_current_wal_lsn()");
        awaitFlushed(committed);
        Path partial = server.walArchive().streamingPartial().orElseThrow();
        String partialSegment = pg.queryValue("SELECT pg_walfile_name('" + committed + "')");
        assertThat(partial.getFileName().toString()).isEqualTo(partialSegment + ".partial");
        pg.crash();
        receiver.waitFor(30, TimeUnit.SECONDS);
        assertThat(server.archiveWal().archived()).as("nothing complete is left to archive").isEmpty();
        assertThat(server.walArchive().find(WalSegmentName.parse(partialSegment))).isEmpty();

        Path destination = root.resolve("recovered");
        RecoveryReport report = server.recover(backup.id().value(), destination.toString(),
                RecoveryOptions.of(RecoveryTarget.NONE), CopyListener.NONE);
        assertThat(destination.resolve("barman_wal").resolve(partialSegment)).as("the partial, under its name")
                .hasSameBinaryContentAs(partial);
        assertThat(report.walFiles()).isGreaterThanOrEqualTo(3);
        RecoveryReport getWal = server.recover(backup.id().value(), root.resolve("get-wal").toString(),
                RecoveryOptions.of(RecoveryTarget.NONE).withGetWal(true), CopyListener.NONE);
        assertThat(getWal.settings().get("restore_command")).as("the .partial is the last segment it gets")
                .endsWith(" -q get-wal --partial main %f > %p");
        RecoveryReport standby = server.recover(backup.id().value(), root.resolve("standby").toString(),
                new RecoveryOptions(RecoveryTarget.NONE, Optional.empty(), Optional.empty(), true, Map.of(),
                        Optional.empty(), Optional.of(true), Optional.empty(), Optional.empty(), Optional.empty()),
                CopyListener.NONE);
        assertThat(standby.settings().get("restore_command")).as("a standby asks for a segment again until complete")
                .endsWith(" -q get-wal main %f > %p");

        PostgresCluster.grantToClusterUser(destination);
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM rows")).isEqualTo("1042");
            assertThat(copy.queryValue("SELECT count(*) FROM rows WHERE payload = 'streamed, never archived'"))
                    .isEqualTo("32");
        }
    }

    /** Every segment archived from the streaming folder is the one PostgreSQL wrote, byte for byte. */
    private static void assertStreamedSegmentsAreArchivedAsPostgresWroteThem(String switched) throws IOException {
        List<WalFileInfo> archived = server.walArchive().list();
        assertThat(archived).extracting(entry -> entry.name().fileName()).contains(switched);
        assertThat(archived).allMatch(entry -> "gzip".equals(entry.compression()));
        for (WalFileInfo entry : archived) {
            Path pgWal = pg.dataDirectory().resolve("pg_wal").resolve(entry.name().fileName());
            if (Files.exists(pgWal)) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                server.getWal(entry.name().fileName(), out, null);
                assertThat(out.toByteArray()).as("%s as pg_wal holds it", entry.name()).isEqualTo(
                        Files.readAllBytes(pgWal));
            }
        }
        Path streaming = server.streaming().directory();
        assertThat(Files.getPosixFilePermissions(streaming)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> left = Files.list(streaming)) {
            assertThat(left.map(path -> path.getFileName().toString()).toList())
                    .as("what archiving leaves: the segment being received").singleElement().asString()
                    .endsWith(".partial");
        }
    }

    private static void awaitArchived(WalSegmentName wal) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.walArchive().find(wal).isEmpty()) {
            assertThat(System.nanoTime()).as("%s archived from the streaming folder", wal).isLessThan(deadline);
            ArchiveReport report = server.archiveWal();
            assertThat(report.succeeded()).as(report.failure()).isTrue();
            barman.cron(new org.barman.core.CronListener() {
            });
            Thread.sleep(200);
        }
    }

    private static void awaitFlushed(String lsn) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!"t".equals(pg.queryValue("SELECT coalesce(bool_or(flush_lsn >= '" + lsn + "'), false) FROM "
                + "pg_stat_replication WHERE application_name = 'barman_receive_wal'"))) {
            assertThat(System.nanoTime()).as("pg_receivewal flushed %s", lsn).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
