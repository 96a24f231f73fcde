package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.barman.streaming.StreamedWal.SEGMENT_SIZE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.testkit.FailingFileSystem;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming folder's disk fills up: the receiver stops with an error naming the folder and the file, it never
 * reported as flushed what the disk does not hold, the slot keeps the rest on the server, and once there is room
 * again the receiver resumes with nothing lost. The disk is {@link FailingFileSystem}, a real ext4 whose writes fail
 * on their way to the device.
 */
class StreamingFolderFullIT {

    static final Duration WAIT = Duration.ofMinutes(2);
    static final long MIB = 1024 * 1024;

    @RegisterExtension
    static PostgresExtension postgres = PostgresExtension.builder().build();

    @TempDir
    Path work;

    private FailingFileSystem disk;

    @BeforeEach
    void mountTheFailingDisk() {
        disk = FailingFileSystem.mount(work);
    }

    @AfterEach
    void unmount() {
        disk.close();
    }

    @Test
    void aFullDiskStopsTheReceiverWhichReportedOnlyWhatIsOnDiskAndResumesOnceThereIsRoom() throws IOException {
        PostgresCluster pg = postgres.cluster();
        Path folder = disk.root().resolve("streaming");
        pg.execute("select pg_create_physical_replication_slot('barman_full', true)");
        Lsn reported;
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, "barman_full")) {
            receiver.listener.await(() -> receiver.listener.streamingTimeline() == 1, "streaming", WAIT);
            disk.limitRoom(4 * MIB);
            StreamedWal.writeWal(pg, 40);
            Throwable failure = receiver.awaitFailure(WAIT);
            reported = receiver.listener.flushed();
            assertThat(failure).as(disk.description()).isInstanceOf(BarmanException.class)
                    .hasMessageMatching("cannot create [0-9A-F]{24}\\.partial in the streaming folder "
                            + folder + " of server 'main': .*\\. receive-wal stops; it reported to the server as "
                            + "flushed only WAL on disk \\(up to " + reported + "\\), so a replication slot keeps the "
                            + "rest on the server: make room or fix the folder, then start receive-wal again");
        }
        Lsn slot = StreamingWalReceiverIT.slotRestart(pg, "barman_full");
        assertThat(slot).as("what the server was told is flushed").isEqualTo(reported);
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        assertDiskHoldsTheServersWalUpTo(folder, pg, slot);

        disk.addRoom(512 * MIB);
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, "barman_full")) {
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
        } finally {
            pg.execute("select pg_drop_replication_slot('barman_full')");
        }
        StreamedWal.assertSegmentsAreTheServers(folder, pg);
        StreamedWal.assertContiguous(folder, 1);
        assertThat(StreamedWal.segments(folder)).contains(slot.segment(1, SEGMENT_SIZE));
    }

    /** Every byte before {@code position} is, on the disk itself (the page cache dropped), the server's. */
    private static void assertDiskHoldsTheServersWalUpTo(Path folder, PostgresCluster pg, Lsn position)
            throws IOException {
        long checked = 0;
        for (WalSegmentName name : StreamedWal.files(folder)) {
            if (!name.hasPosition()) {
                continue;
            }
            Lsn start = name.startLsn(SEGMENT_SIZE);
            if (start.compareTo(position) >= 0) {
                continue;
            }
            int length = (int) Math.min(SEGMENT_SIZE, position.minus(start));
            byte[] mine = Arrays.copyOf(Files.readAllBytes(folder.resolve(name.fileName())), length);
            byte[] theirs = Arrays.copyOf(Files.readAllBytes(pg.dataDirectory().resolve("pg_wal")
                    .resolve(name.segmentName().fileName())), length);
            assertThat(Arrays.mismatch(mine, theirs)).as("first byte of %s not on disk", name).isEqualTo(-1);
            checked += length;
        }
        assertThat(checked).as("bytes checked").isGreaterThan(0);
    }
}
