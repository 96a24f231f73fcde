package org.barman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesAndPrintsPostgresForm() {
        Lsn lsn = Lsn.parse("16/B374D848");
        assertThat(lsn.value()).isEqualTo(0x16_B374D848L);
        assertThat(lsn).hasToString("16/B374D848");
        assertThat(Lsn.parse("0/3000028")).hasToString("0/3000028");
    }

    @Test
    void findsTheSegmentThatHoldsAPosition() {
        Lsn lsn = Lsn.parse("0/3000028");
        assertThat(lsn.segment(1, WalSegmentName.DEFAULT_SEGMENT_SIZE).fileName())
                .isEqualTo("000000010000000000000003");
        assertThat(lsn.segmentOffset(WalSegmentName.DEFAULT_SEGMENT_SIZE)).isEqualTo(0x28);
        assertThat(Lsn.parse("1/FF000000").segment(2, WalSegmentName.DEFAULT_SEGMENT_SIZE).fileName())
                .isEqualTo("0000000200000001000000FF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "/0", "0/", "1/2/3", "G/0", "123456789/0", "0/123456789", "-1/0", "0x1/0"})
    void rejectsMalformedText(String bad) {
        assertThatThrownBy(() -> Lsn.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an LSN");
    }

    @Test
    void textRoundTrips() {
        qt().forAll(longs().all()).check(value -> Lsn.parse(new Lsn(value).toString()).value() == value);
    }

    @Test
    void orderIsUnsigned() {
        assertThat(Lsn.parse("FFFFFFFF/0")).isGreaterThan(Lsn.parse("7FFFFFFF/FFFFFFFF"));
        qt().forAll(longs().between(0, Long.MAX_VALUE), longs().between(0, Long.MAX_VALUE))
                .check((a, b) -> Integer.signum(new Lsn(a).compareTo(new Lsn(b))) == Integer.signum(Long.compare(a, b)));
    }

    @Test
    void arithmeticIsConsistent() {
        qt().forAll(longs().between(0, Long.MAX_VALUE / 2), longs().between(0, Long.MAX_VALUE / 2))
                .check((a, delta) -> new Lsn(a).plus(delta).minus(new Lsn(a)) == delta);
    }
}
