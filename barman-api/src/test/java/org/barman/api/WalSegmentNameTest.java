package org.barman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalSegmentNameTest {

    private static final long MIB16 = WalSegmentName.DEFAULT_SEGMENT_SIZE;

    @Test
    void parsesASegment() {
        WalSegmentName name = WalSegmentName.parse("0000000200000003000000A1");
        assertThat(name.kind()).isEqualTo(WalSegmentName.Kind.SEGMENT);
        assertThat(name.timeline()).isEqualTo(2);
        assertThat(name.log()).isEqualTo(3);
        assertThat(name.segment()).isEqualTo(0xA1);
        assertThat(name.directoryName()).isEqualTo("0000000200000003");
        assertThat(name.fileName()).isEqualTo("0000000200000003000000A1");
    }

    @Test
    void parsesHistoryBackupLabelAndPartialFiles() {
        WalSegmentName history = WalSegmentName.parse("0000000A.history");
        assertThat(history.kind()).isEqualTo(WalSegmentName.Kind.HISTORY);
        assertThat(history.timeline()).isEqualTo(10);
        assertThat(history.directoryName()).isEmpty();
        assertThat(history.hasPosition()).isFalse();

        WalSegmentName label = WalSegmentName.parse("000000010000000000000002.00000028.backup");
        assertThat(label.kind()).isEqualTo(WalSegmentName.Kind.BACKUP_LABEL);
        assertThat(label.backupOffset()).isEqualTo(0x28);
        assertThat(label.segmentName()).isEqualTo(WalSegmentName.of(1, 0, 2));
        assertThat(label.directoryName()).isEqualTo("0000000100000000");

        WalSegmentName partial = WalSegmentName.parse("000000010000000000000002.partial");
        assertThat(partial.kind()).isEqualTo(WalSegmentName.Kind.PARTIAL);
        assertThat(partial.fileName()).isEqualTo("000000010000000000000002.partial");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00000001000000000000000", "0000000100000000000000001", "000000010000000000000g01",
        "000000010000000000000a01", "00000001.History", "000000010000000000000001.backup",
        "000000010000000000000001.0000002.backup", "../00000001.history", "000000010000000000000001.gz",
        " 000000010000000000000001"})
    void rejectsAnythingElseSayingWhatIsExpected(String bad) {
        assertThat(WalSegmentName.isValid(bad)).isFalse();
        assertThatThrownBy(() -> WalSegmentName.parse(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a WAL file name")
                .hasMessageContaining("24 upper-case hex digits");
    }

    @Test
    void nextCrossesTheLogBoundaryWith16MiBSegments() {
        assertThat(WalSegmentName.parse("0000000100000000000000FF").next(MIB16))
                .isEqualTo(WalSegmentName.parse("000000010000000100000000"));
        assertThat(WalSegmentName.parse("000000010000000100000000").previous(MIB16))
                .isEqualTo(WalSegmentName.parse("0000000100000000000000FF"));
    }

    @Test
    void nextCrossesTheLogBoundaryWith1GiBSegments() {
        long gib = 1024L * 1024 * 1024;
        assertThat(WalSegmentName.parse("000000010000000000000003").next(gib))
                .isEqualTo(WalSegmentName.parse("000000010000000100000000"));
        assertThatThrownBy(() -> WalSegmentName.parse("000000010000000000000004").next(gib))
                .hasMessageContaining("cannot exist with a WAL segment size");
    }

    @Test
    void namesRoundTripThroughTheirText() {
        qt().forAll(longs().between(1, 0xFFFFFFFFL), longs().between(0, 0xFFFFFFFFL), longs().between(0, 0xFF),
                integers().between(0, 3))
                .check((timeline, log, segment, kind) -> {
                    WalSegmentName name = switch (kind) {
                        case 0 -> WalSegmentName.of(timeline, log, segment);
                        case 1 -> new WalSegmentName(WalSegmentName.Kind.PARTIAL, timeline, log, segment, 0);
                        case 2 -> new WalSegmentName(WalSegmentName.Kind.BACKUP_LABEL, timeline, log, segment,
                                log ^ segment);
                        default -> WalSegmentName.history(timeline);
                    };
                    return WalSegmentName.parse(name.fileName()).equals(name);
                });
    }

    @Test
    void orderingOfSegmentsAgreesWithLsnOrderOnATimeline() {
        qt().forAll(longs().between(0, Long.MAX_VALUE / 2), longs().between(0, Long.MAX_VALUE / 2),
                integers().between(0, 3))
                .check((a, b, sizeExponent) -> {
                    long size = MIB16 << sizeExponent;
                    WalSegmentName first = new Lsn(a).segment(1, size);
                    WalSegmentName second = new Lsn(b).segment(1, size);
                    return Integer.signum(first.compareTo(second))
                            == Integer.signum(Long.compare(a / size, b / size));
                });
    }

    @Test
    void nextIsTheSegmentOfTheFirstLsnAfterThisSegment() {
        qt().forAll(longs().between(0, Long.MAX_VALUE / 2), integers().between(0, 6))
                .check((position, sizeExponent) -> {
                    long size = (1024L * 1024) << sizeExponent;
                    WalSegmentName segment = new Lsn(position).segment(3, size);
                    WalSegmentName next = segment.next(size);
                    return next.startLsn(size).equals(segment.startLsn(size).plus(size))
                            && next.compareTo(segment) > 0
                            && next.previous(size).equals(segment);
                });
    }

    @Test
    void aBackupLabelSortsRightAfterItsSegmentAndBeforeTheNext() {
        WalSegmentName segment = WalSegmentName.parse("000000010000000000000002");
        WalSegmentName label = WalSegmentName.parse("000000010000000000000002.00000028.backup");
        WalSegmentName next = WalSegmentName.parse("000000010000000000000003");
        assertThat(segment).isLessThan(label);
        assertThat(label).isLessThan(next);
    }
}
