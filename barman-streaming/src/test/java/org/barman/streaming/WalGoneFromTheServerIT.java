package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.barman.streaming.StreamedWal.SEGMENT_SIZE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A server that removed the WAL the receiver needs next: a clear error, then {@code --reset}. */
class WalGoneFromTheServerIT {

    static final Duration WAIT = Duration.ofMinutes(2);

    @RegisterExtension
    static PostgresExtension postgres = PostgresExtension.builder()
            .setting("wal_keep_size", "0")
            .setting("min_wal_size", "32MB")
            .setting("max_wal_size", "64MB")
            .build();

    @TempDir
    Path work;

    @Test
    void walGoneFromTheServerIsAnErrorThatSaysToResetAndResetStartsAtTheServersPosition() {
        PostgresCluster pg = postgres.cluster();
        Path folder = work.resolve("streaming");
        Lsn stoppedAt;
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            StreamedWal.writeWal(pg, 20);
            receiver.listener.awaitFlushed(StreamedWal.currentPosition(pg), WAIT);
            receiver.stop();
            stoppedAt = receiver.listener.flushed();
        }
        List<WalSegmentName> complete = StreamedWal.segments(folder);
        assertThat(complete).isNotEmpty();
        WalSegmentName stale = stoppedAt.segment(1, SEGMENT_SIZE);
        while (Files.exists(pg.dataDirectory().resolve("pg_wal").resolve(stale.fileName()))) {
            StreamedWal.writeWal(pg, 8);
            StreamedWal.switchWal(pg);
            pg.execute("checkpoint");
        }
        try (RunningReceiver receiver = RunningReceiver.start(pg, folder, null)) {
            assertThat(receiver.awaitFailure(WAIT)).isInstanceOf(BarmanException.class).hasMessage(
                    "server 'main' no longer has the WAL that receive-wal needs next (ERROR: requested WAL segment "
                    + stale + " has already been removed): Barman's streamed WAL would have a gap from "
                    + stale.startLsn(SEGMENT_SIZE) + " on timeline 1. Run 'barman receive-wal --reset main' to "
                    + "receive from the server's current position: the WAL in between is lost for Barman, so take a "
                    + "new backup. A replication slot (slot_name) keeps this from happening");
        }
        Lsn current = StreamedWal.currentPosition(pg);
        try (RunningReceiver receiver = RunningReceiver.start(RunningReceiver.connector(pg::jdbcUrl), folder, null,
                true)) {
            Lsn end = StreamedWal.switchWal(pg);
            receiver.listener.awaitFlushed(end, WAIT);
            receiver.stop();
            assertThat(receiver.listener.events().get(0))
                    .isEqualTo("streaming 1 " + current.segment(1, SEGMENT_SIZE).startLsn(SEGMENT_SIZE));
        }
        assertThat(StreamedWal.partials(folder)).extracting(WalSegmentName::segmentName)
                .doesNotContain(stale).hasSize(1);
        assertThat(StreamedWal.segments(folder)).containsAll(complete).contains(current.segment(1, SEGMENT_SIZE));
    }
}
