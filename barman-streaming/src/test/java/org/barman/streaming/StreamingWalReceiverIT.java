package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.barman.streaming.StreamedWal.SEGMENT_SIZE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
}
