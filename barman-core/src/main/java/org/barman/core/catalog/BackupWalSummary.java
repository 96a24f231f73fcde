package org.barman.core.catalog;

import java.util.Optional;

import org.barman.api.WalFileInfo;

/**
 * The WAL of one backup as {@code list-backup} and {@code show-backup} report it (Barman's {@code get_wal_info}).
 *
 * @param requiredCount archived segments from {@code begin_wal} to {@code end_wal}
 * @param requiredSize their size on disk
 * @param untilNextCount archived segments after {@code end_wal}, up to the next backup's {@code end_wal}
 * @param untilNextSize their size on disk: Barman's "WAL Size"
 * @param first the archived {@code begin_wal}, when it is archived
 * @param last the last segment counted
 * @param segmentSize the backup's WAL segment size
 */
public record BackupWalSummary(int requiredCount, long requiredSize, int untilNextCount, long untilNextSize,
        Optional<WalFileInfo> first, Optional<WalFileInfo> last, long segmentSize) {

    /** No WAL at all. */
    public static final BackupWalSummary EMPTY = new BackupWalSummary(0, 0, 0, 0, Optional.empty(),
            Optional.empty(), org.barman.api.WalSegmentName.DEFAULT_SEGMENT_SIZE);

    /** @return segments per second between the first and the last counted one, or 0 when unknown */
    public double walsPerSecond() {
        if (first.isEmpty() || last.isEmpty()) {
            return 0;
        }
        double seconds = last.get().time() - first.get().time();
        return seconds > 0 ? (requiredCount + untilNextCount) / seconds : 0;
    }

    /** @return the space compression saved on the required segments (0 to 1), or 0 when unknown */
    public double requiredCompressionRatio() {
        return ratio(requiredCount, requiredSize);
    }

    /** @return the space compression saved on the segments until the next backup (0 to 1), or 0 when unknown */
    public double untilNextCompressionRatio() {
        return ratio(untilNextCount, untilNextSize);
    }

    private double ratio(int count, long size) {
        if (first.isEmpty() || last.isEmpty() || count == 0) {
            return 0;
        }
        return 1 - size / ((double) count * segmentSize);
    }
}
