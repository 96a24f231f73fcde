package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.testkit.PostgresCluster;

/** What the tests check of a streaming folder, against the server's own {@code pg_wal}. */
final class StreamedWal {

    static final long SEGMENT_SIZE = WalSegmentName.DEFAULT_SEGMENT_SIZE;

    private StreamedWal() {
    }

    /** Writes about {@code megabytes} of WAL. */
    static void writeWal(PostgresCluster pg, int megabytes) {
        pg.execute("create table if not exists load(i int, filler text)");
        pg.execute("insert into load select g, repeat(md5(g::text), 30) from generate_series(1, " + megabytes * 900
                + ") g");
    }

    /**
     * Writes a little and switches to a new segment.
     *
     * @return the end of the segment just closed: what a receiver must flush to have it complete
     */
    static Lsn switchWal(PostgresCluster pg) {
        pg.execute("insert into load select 0, 'switch'");
        Lsn end = Lsn.parse(pg.queryValue("select pg_switch_wal()"));
        long offset = end.segmentOffset(SEGMENT_SIZE);
        return offset == 0 ? end : end.plus(SEGMENT_SIZE - offset);
    }

    static Lsn currentPosition(PostgresCluster pg) {
        return Lsn.parse(pg.queryValue("select pg_current_wal_flush_lsn()"));
    }

    static List<WalSegmentName> files(Path folder) {
        try (var entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).filter(WalSegmentName::isValid)
                    .map(WalSegmentName::parse).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<WalSegmentName> segments(Path folder) {
        return files(folder).stream().filter(n -> n.kind() == WalSegmentName.Kind.SEGMENT).toList();
    }

    static List<WalSegmentName> partials(Path folder) {
        return files(folder).stream().filter(n -> n.kind() == WalSegmentName.Kind.PARTIAL).toList();
    }

    /** Every complete segment of the folder is, byte for byte, the server's file of that name. */
    static void assertSegmentsAreTheServers(Path folder, PostgresCluster pg) {
        for (WalSegmentName segment : segments(folder)) {
            Path theirs = pg.dataDirectory().resolve("pg_wal").resolve(segment.fileName());
            assertThat(theirs).as("the server still has %s", segment).exists();
            assertThat(mismatch(folder.resolve(segment.fileName()), theirs))
                    .as("first differing byte of %s and the server's", segment).isEqualTo(-1L);
        }
    }

    /**
     * The timeline's complete segments follow each other without a gap, and its {@code .partial}, if any, comes
     * right after the last one.
     */
    static void assertContiguous(Path folder, long timeline) {
        List<WalSegmentName> mine = segments(folder).stream().filter(n -> n.timeline() == timeline).toList();
        for (int i = 1; i < mine.size(); i++) {
            assertThat(mine.get(i)).as("segment after %s", mine.get(i - 1)).isEqualTo(mine.get(i - 1).next(SEGMENT_SIZE));
        }
        List<WalSegmentName> partial = partials(folder).stream().filter(n -> n.timeline() == timeline).toList();
        assertThat(partial).as("partial segments of timeline %d", timeline).hasSizeLessThanOrEqualTo(1);
        if (!partial.isEmpty() && !mine.isEmpty()) {
            assertThat(partial.get(0).segmentName()).isEqualTo(mine.get(mine.size() - 1).next(SEGMENT_SIZE));
        }
    }

    /** The {@code .partial} holding {@code flushed} has the server's bytes up to it, and is full size. */
    static void assertPartialIsTheServersUpTo(Path folder, PostgresCluster pg, long timeline, Lsn flushed) {
        WalSegmentName segment = flushed.segment(timeline, SEGMENT_SIZE);
        Path partial = folder.resolve(segment.fileName() + ".partial");
        try {
            assertThat(Files.size(partial)).isEqualTo(SEGMENT_SIZE);
            int length = (int) flushed.segmentOffset(SEGMENT_SIZE);
            byte[] mine = Arrays.copyOf(Files.readAllBytes(partial), length);
            byte[] theirs = Arrays.copyOf(Files.readAllBytes(pg.dataDirectory().resolve("pg_wal")
                    .resolve(segment.fileName())), length);
            assertThat(Arrays.mismatch(mine, theirs)).as("first differing byte of %s and the server's", partial)
                    .isEqualTo(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files are {@code rw-------} and the folder {@code rwx------}. */
    static void assertOwnerOnly(Path folder) {
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            for (WalSegmentName name : files(folder)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(name.fileName()))))
                        .as("mode of %s", name).isEqualTo("rw-------");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long mismatch(Path a, Path b) {
        try {
            return Files.mismatch(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
