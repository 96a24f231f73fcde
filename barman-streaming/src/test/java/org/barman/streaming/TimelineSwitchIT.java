package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.barman.streaming.StreamedWal.SEGMENT_SIZE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.ProcessResult;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby promoted while receivers stream: one streams from the standby itself and sees its timeline end under
 * it, the other streamed from the primary and is pointed at the promoted standby afterwards, as a DBA moves
 * streaming_conninfo (or a virtual IP moves). Both go on with timeline 2 from the switch point.
 */
class TimelineSwitchIT {

    static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void aPromotionIsFollowedOntoTheNewTimelineWithItsHistoryFile() throws IOException {
        Path standbyData = Files.createDirectories(work.resolve("standby"));
        try (PostgresCluster primary = PostgresCluster.builder().setting("wal_keep_size", "1GB").start()) {
            PostgresCluster.grantToClusterUser(standbyData);
            ProcessResult copied = primary.runAsClusterUser(List.of("pg_basebackup", "-D", standbyData.toString(),
                    "-R", "-X", "stream", "-c", "fast"));
            assertThat(copied.succeeded()).as(copied.output()).isTrue();
            try (PostgresCluster standby = PostgresCluster.startExisting(standbyData, 15,
                    Map.of("hot_standby", "on", "wal_keep_size", "1GB"))) {
                Path fromStandby = work.resolve("from-standby");
                Path fromPrimary = work.resolve("from-primary");
                AtomicReference<String> primaryUrl = new AtomicReference<>(primary.jdbcUrl());
                Lsn switchPoint;
                try (RunningReceiver onStandby = RunningReceiver.start(standby, fromStandby, null)) {
                    try (RunningReceiver onPrimary = RunningReceiver.start(
                            RunningReceiver.connector(primaryUrl::get), fromPrimary, null, false)) {
                        StreamedWal.writeWal(primary, 20);
                        Lsn written = StreamedWal.currentPosition(primary);
                        onPrimary.listener.awaitFlushed(written, WAIT);
                        onStandby.listener.awaitFlushed(written, WAIT);
                        onPrimary.stop();
                    }
                    primary.stop();
                    assertThat(standby.queryValue("select pg_promote()")).isEqualTo("t");
                    switchPoint = Lsn.parse(standby.queryValue("select pg_current_wal_insert_lsn()"));
                    StreamedWal.writeWal(standby, 20);
                    Lsn end = StreamedWal.switchWal(standby);
                    onStandby.listener.await(() -> onStandby.listener.streamingTimeline() == 2, "timeline 2", WAIT);
                    onStandby.listener.awaitFlushed(end, WAIT);
                    onStandby.stop();
                }
                primaryUrl.set(standby.jdbcUrl());
                try (RunningReceiver movedOn = RunningReceiver.start(RunningReceiver.connector(primaryUrl::get),
                        fromPrimary, null, false)) {
                    Lsn end = StreamedWal.switchWal(standby);
                    movedOn.listener.awaitFlushed(end, WAIT);
                    movedOn.stop();
                    assertThat(movedOn.listener.events()).filteredOn(e -> e.startsWith("streaming"))
                            .first().asString().startsWith("streaming 1 ");
                    assertThat(movedOn.listener.streamingTimeline()).isEqualTo(2);
                }
                String history = Files.readString(standbyData.resolve("pg_wal/00000002.history"));
                assertThat(history).startsWith("1\t");
                Lsn forkedAt = TimelineHistory.parse(2, history, "test").end(1).orElseThrow();
                assertThat(forkedAt).isLessThanOrEqualTo(switchPoint);
                for (Path folder : List.of(fromStandby, fromPrimary)) {
                    assertThat(folder.resolve("00000002.history")).hasContent(history);
                    WalSegmentName firstOfTwo = forkedAt.segment(2, SEGMENT_SIZE);
                    assertThat(StreamedWal.segments(folder)).filteredOn(n -> n.timeline() == 2).first()
                            .isEqualTo(firstOfTwo);
                    StreamedWal.assertContiguous(folder, 2);
                    StreamedWal.assertSegmentsAreTheServers(onTimeline(folder, 2), standby);
                    WalSegmentName lastOfOne = forkedAt.segment(1, SEGMENT_SIZE);
                    if (forkedAt.segmentOffset(SEGMENT_SIZE) != 0) {
                        assertThat(StreamedWal.partials(folder)).filteredOn(n -> n.timeline() == 1)
                                .extracting(WalSegmentName::segmentName).containsExactly(lastOfOne);
                        assertThat(StreamedWal.mismatch(folder.resolve(lastOfOne + ".partial"),
                                folder.resolve(firstOfTwo.fileName())))
                                .as("timeline 1's last segment, up to the switch, and the first of timeline 2")
                                .isGreaterThanOrEqualTo(forkedAt.segmentOffset(SEGMENT_SIZE));
                    }
                }
            } finally {
                TempFolders.deleteRecursively(standbyData);
            }
        }
    }

    /** A copy of the folder with only the timeline's files, for the comparisons. */
    private Path onTimeline(Path folder, long timeline) throws IOException {
        Path copy = Files.createDirectories(work.resolve(folder.getFileName() + "-tl" + timeline));
        for (WalSegmentName name : StreamedWal.segments(folder)) {
            if (name.timeline() == timeline) {
                Files.createLink(copy.resolve(name.fileName()), folder.resolve(name.fileName()));
            }
        }
        return copy;
    }
}
