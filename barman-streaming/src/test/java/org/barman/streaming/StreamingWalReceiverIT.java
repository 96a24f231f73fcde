package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.barman.streaming.StreamedWal.SEGMENT_SIZE;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.barman.api.BarmanException;

import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The receiver against a real PostgreSQL 15: what it writes, and how it resumes. */
class StreamingWalReceiverIT {

    static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static PostgresExtension postgres = PostgresExtension.builder()
            .setting("wal_keep_size", "2GB")
            .build();

    @TempDir
    Path work;

    @Test
    void receivedSegmentsAreByteForByteThoseOfPgWal() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Lsn end;
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            receiver.listener.await(() -> receiver.listener.streamingTimeline() == 1, "streaming", WAIT);
            StreamedWal.writeWal(pg, 40);
            end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
            assertThat(receiver.listener.completed()).hasSizeGreaterThanOrEqualTo(2);
        }
        List<WalSegmentName> segments = StreamedWal.segments(folder);
        assertThat(segments).hasSizeGreaterThanOrEqualTo(2).last().isEqualTo(end.segment(1, SEGMENT_SIZE).previous(SEGMENT_SIZE));
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
        assertThat(StreamedWal.partials(folder)).extracting(WalSegmentName::segmentName)
                .containsExactly(end.segment(1, SEGMENT_SIZE));
        StreamedWal.assertOwnerOnly(folder);
    }

    @Test
    void resumesAfterAStopWithoutGapOrDuplicate() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Lsn stoppedAt;
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            StreamedWal.writeWal(pg, 20);
            Lsn written = StreamedWal.currentPosition(pg);
            receiver.listener.awaitFlushed(written, WAIT);
            receiver.stop();
            stoppedAt = receiver.listener.flushed();
        }
        WalSegmentName open = stoppedAt.segment(1, SEGMENT_SIZE);
        assertThat(StreamedWal.partials(folder)).extracting(WalSegmentName::segmentName).containsExactly(open);
        StreamedWal.assertPartialIsTheServersUpTo(folder, pg, 1, stoppedAt);
        StreamedWal.writeWal(pg, 20);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
            assertThat(receiver.listener.events().get(0)).isEqualTo("streaming 1 " + open.startLsn(SEGMENT_SIZE));
            assertThat(receiver.listener.completed()).first().isEqualTo(open);
            assertThat(receiver.listener.completed()).doesNotHaveDuplicates();
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
        assertThat(StreamedWal.segments(folder)).contains(open);
    }

    @Test
    void reconnectsAfterTheServerRestartsMidStream() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            StreamedWal.writeWal(pg, 10);
            receiver.listener.awaitFlushed(StreamedWal.currentPosition(pg), WAIT);
            Lsn before = receiver.listener.flushed();
            pg.restart();
            StreamedWal.writeWal(pg, 20);
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
            assertThat(receiver.listener.disconnects())
                    .contains("the server ended the replication stream (is it shutting down?)");
            assertThat(receiver.listener.events()).noneMatch(e -> e.startsWith("flushed went back"));
            assertThat(receiver.listener.events()).filteredOn(e -> e.startsWith("streaming")).hasSizeGreaterThan(1);
            assertThat(receiver.listener.completed()).contains(before.segment(1, SEGMENT_SIZE)).doesNotHaveDuplicates();
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
    }

    @Test
    void streamingWithASlotMovesTheSlotToTheFlushedPosition() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        pg.execute("select pg_create_physical_replication_slot('barman_moves')");
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, "barman_moves")) {
            StreamedWal.writeWal(pg, 10);
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.listener.await(() -> receiver.listener.flushed().equals(slotRestart(pg, "barman_moves")),
                    "the slot's restart_lsn is the flushed position", WAIT);
            assertThat(pg.queryValue("select active from pg_replication_slots where slot_name = 'barman_moves'"))
                    .isEqualTo("t");
            receiver.stop();
        } finally {
            pg.execute("select pg_drop_replication_slot('barman_moves')");
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
    }

    @Test
    void catchingUpFromFarBehindReportsEachCompletedSegmentAsFlushed() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        pg.execute("select pg_create_physical_replication_slot('barman_behind', true)");
        try {
            StreamedWal.writeWal(pg, 100);
            try (RunningReceiver receiver = RunningReceiver.start(pg, folder, "barman_behind")) {
                Lsn end = StreamedWal.switchWal(pg);
                receiver.listener.awaitFlushed(end, WAIT);
                receiver.stop();
                List<WalSegmentName> completed = receiver.listener.completed();
                assertThat(completed).as("the backlog is several segments").hasSizeGreaterThan(4);
                List<Lsn> segmentEnds = completed.stream().map(s -> s.next(SEGMENT_SIZE).startLsn(SEGMENT_SIZE))
                        .toList();
                assertThat(receiver.listener.flushReports()).as("the server hears of each segment on disk at once, "
                        + "so that its slot and a waiting synchronous commit move on").containsAll(segmentEnds);
            }
        } finally {
            pg.execute("select pg_drop_replication_slot('barman_behind')");
        }
    }

    @Test
    void anEmptyFolderStartsWhereTheSlotStands() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Lsn reserved = Lsn.parse(pg.queryValue("select lsn from pg_create_physical_replication_slot("
                + "'barman_reserved', true)"));
        try {
            StreamedWal.writeWal(pg, 40);
            assertThat(StreamedWal.currentPosition(pg).segmentNumber(SEGMENT_SIZE))
                    .isGreaterThan(reserved.segmentNumber(SEGMENT_SIZE));
            try (RunningReceiver receiver = RunningReceiver.start(pg, folder, "barman_reserved")) {
                Lsn end = StreamedWal.switchWal(pg);
                receiver.listener.awaitFlushed(end, WAIT);
                receiver.stop();
                assertThat(receiver.listener.events().get(0))
                        .isEqualTo("streaming 1 " + reserved.segment(1, SEGMENT_SIZE).startLsn(SEGMENT_SIZE));
            }
        } finally {
            pg.execute("select pg_drop_replication_slot('barman_reserved')");
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
        assertThat(StreamedWal.segments(folder)).first().isEqualTo(reserved.segment(1, SEGMENT_SIZE));
    }

    @Test
    void aMissingSlotIsAClearErrorThatSaysHowToCreateIt() {
        PostgresCluster pg = postgres.cluster();
        Path empty = work.resolve("empty");
        try (RunningReceiver receiver = RunningReceiver.start(pg, empty, "barman_missing")) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class).hasMessage(
                    "replication slot 'barman_missing' does not exist on server 'main': create it with "
                    + "'barman receive-wal --create-slot main', or set create_slot = auto");
        }
        Path resumed = work.resolve("resumed");
        try (RunningReceiver receiver = RunningReceiver.start(pg, resumed, null)) {
            receiver.listener.await(() -> receiver.listener.streamingTimeline() == 1, "streaming", WAIT);
            receiver.stop();
        }
        try (RunningReceiver receiver = RunningReceiver.start(pg, resumed, "barman_missing")) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("'barman receive-wal --create-slot main', or set create_slot = auto");
        }
    }

    @Test
    void aReplicationConnectionThatPgHbaConfRejectsStopsTheReceiverWithOneLineAndNoRetry() throws IOException {
        PostgresCluster pg = postgres.cluster();
        Path hba = pg.dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        pg.execute("CREATE ROLE refused_replication LOGIN REPLICATION");
        try {
            Files.writeString(hba, "host replication refused_replication 127.0.0.1/32 reject\n" + original);
            pg.execute("SELECT pg_reload_conf()");
            String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=refused_replication";
            try (RunningReceiver receiver = RunningReceiver.start(RunningReceiver.connector(() -> url),
                    work.resolve("refused"), null, false)) {
                assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class)
                        .hasMessageContaining("pg_hba.conf rejects replication connection for host \"127.0.0.1\", "
                                + "user \"refused_replication\"")
                        .hasMessageEndingWith(": check streaming_conninfo, and that pg_hba.conf has a replication "
                                + "line for its user (receive-wal does not retry a refused login)")
                        .hasMessageNotContaining("\n");
                assertThat(receiver.listener.disconnects()).as("no retry").isEmpty();
            }
        } finally {
            Files.writeString(hba, original);
            pg.execute("SELECT pg_reload_conf()");
            pg.execute("DROP ROLE refused_replication");
        }
    }

    @Test
    void aSynchronousCommitReturnsOnceTheReceiverHasFlushedIt() throws Exception {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        pg.execute("create table if not exists sync_commits(i int)");
        pg.setSetting("synchronous_standby_names", RunningReceiver.APPLICATION_NAME);
        try {
            CompletableFuture<Void> commit = CompletableFuture.runAsync(
                    () -> pg.execute("insert into sync_commits values (1)"));
            awaitValue(pg, "select count(*) from pg_stat_activity where wait_event = 'SyncRep'", "1");
            try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
                commit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(pg.queryValue("select sync_state from pg_stat_replication where application_name = '"
                        + RunningReceiver.APPLICATION_NAME + "'")).isEqualTo("sync");
                for (int i = 2; i < 50; i++) {
                    pg.execute("insert into sync_commits values (" + i + ")");
                }
                Lsn committed = StreamedWal.currentPosition(pg);
                assertThat(receiver.listener.flushed()).isGreaterThanOrEqualTo(committed);
                receiver.listener.await(() -> receiver.listener.flushed().equals(Lsn.parse(pg.queryValue(
                        "select flush_lsn from pg_stat_replication where application_name = '"
                        + RunningReceiver.APPLICATION_NAME + "'"))), "pg_stat_replication shows the flushed position",
                        WAIT);
                receiver.stop();
                StreamedWal.assertPartialIsTheServersUpTo(folder, pg, 1, receiver.listener.flushed());
            }
        } finally {
            pg.setSetting("synchronous_standby_names", "");
        }
    }

    @Test
    void aPartialThatDiffersFromTheServersWalIsRefused() throws IOException {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Lsn flushed;
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            StreamedWal.writeWal(pg, 2);
            receiver.listener.awaitFlushed(StreamedWal.currentPosition(pg), WAIT);
            receiver.stop();
            flushed = receiver.listener.flushed();
        }
        Path partial = folder.resolve(StreamedWal.partials(folder).get(0).fileName());
        int offset = (int) flushed.segmentOffset(SEGMENT_SIZE) / 2;
        byte[] content = Files.readAllBytes(partial);
        while (content[offset] == 0) {
            offset++;
        }
        content[offset] = (byte) (content[offset] == 1 ? 2 : 1);
        Files.write(partial, content);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class)
                    .hasMessageStartingWith(partial.getFileName() + " in " + folder + " does not hold the WAL the "
                            + "server sends: they differ at " + flushed.segment(1, SEGMENT_SIZE).startLsn(SEGMENT_SIZE)
                            .plus(offset) + " (offset " + offset + ")");
        }
    }

    @Test
    void aFolderWhoseTimelineTheServerNeverHadIsRefused() throws IOException {
        PostgresCluster pg = postgres.cluster();
        Path folder = Files.createDirectories(work.resolve("streaming"));
        Files.write(folder.resolve("000000050000000000000003"), new byte[16]);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class).hasMessage(
                    "the streaming folder " + folder + " of server 'main' ends with 000000050000000000000003, of "
                    + "timeline 5, which is not in the history of the server (timelines [1]): the server is not the "
                    + "one whose WAL the folder holds. Check streaming_conninfo; if the server was rebuilt on "
                    + "purpose, archive and move the folder's files away, then start receive-wal again");
        }
    }

    @Test
    void aFolderOfAnotherSystemsWalIsRefused() throws IOException {
        PostgresCluster pg = postgres.cluster();
        Path folder = Files.createDirectories(work.resolve("streaming"));
        StreamedWal.switchWal(pg);
        WalSegmentName someSegment = Lsn.parse(pg.queryValue("select pg_current_wal_lsn()"))
                .segment(1, SEGMENT_SIZE).previous(SEGMENT_SIZE);
        byte[] content = Files.readAllBytes(pg.dataDirectory().resolve("pg_wal").resolve(someSegment.fileName()));
        ByteBuffer header = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
        long theirs = header.getLong(24);
        header.putLong(24, theirs + 1);
        Files.write(folder.resolve(someSegment.fileName()), content);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class).hasMessage(
                    someSegment + " in the streaming folder " + folder + " is WAL of PostgreSQL system "
                    + Long.toUnsignedString(theirs + 1) + ", but server 'main' is system "
                    + Long.toUnsignedString(theirs) + ": check streaming_conninfo. If the server was rebuilt on "
                    + "purpose, archive and move the folder's files away, then start receive-wal again");
        }
    }

    @Test
    void afterAKillTheNextReceiverChecksThePartialAndResumes() throws Exception {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReceiverProcess.class.getName(), pg.jdbcUrl(),
                folder.toString()).redirectErrorStream(true).start();
        Lsn flushed = Lsn.ZERO;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(killed.getInputStream(),
                StandardCharsets.UTF_8))) {
            StreamedWal.writeWal(pg, 20);
            Lsn written = StreamedWal.currentPosition(pg);
            String line;
            while (flushed.compareTo(written) < 0 && (line = output.readLine()) != null) {
                if (line.startsWith("flushed ")) {
                    flushed = Lsn.parse(line.substring("flushed ".length()));
                }
            }
            assertThat(flushed).as("what the receiver process flushed").isGreaterThanOrEqualTo(written);
            killed.destroyForcibly();
            assertThat(killed.waitFor(1, TimeUnit.MINUTES)).isTrue();
        } finally {
            killed.destroyForcibly();
        }
        assertThat(killed.exitValue()).isEqualTo(137);
        WalSegmentName open = flushed.segment(1, SEGMENT_SIZE);
        assertThat(StreamedWal.partials(folder)).extracting(WalSegmentName::segmentName).containsExactly(open);
        StreamedWal.writeWal(pg, 20);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
            assertThat(receiver.listener.events().get(0)).isEqualTo("streaming 1 " + open.startLsn(SEGMENT_SIZE));
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
        assertThat(StreamedWal.segments(folder)).contains(open);
    }

    static Lsn slotRestart(PostgresCluster pg, String slot) {
        String value = pg.queryValue("select restart_lsn from pg_replication_slots where slot_name = '" + slot + "'");
        return value == null ? Lsn.ZERO : Lsn.parse(value);
    }

    static void awaitValue(PostgresCluster pg, String query, String expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!expected.equals(pg.queryValue(query))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(query + " did not return " + expected + " within " + WAIT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
