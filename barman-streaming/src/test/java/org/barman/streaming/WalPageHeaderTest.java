package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.barman.api.Lsn;
import org.junit.jupiter.api.Test;

class WalPageHeaderTest {

    private static ByteBuffer longHeader(ByteOrder order, long systemId, long pageAddress, int segmentSize) {
        ByteBuffer buffer = ByteBuffer.allocate(WalPageHeader.SIZE).order(order);
        buffer.putShort((short) 0xD110).putShort((short) 0x0006).putInt(1).putLong(pageAddress).putInt(0).putInt(0)
                .putLong(systemId).putInt(segmentSize).putInt(8192);
        return buffer.flip();
    }

    @Test
    void readsTheSystemAndSegmentSizeInEitherByteOrder() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            WalPageHeader header = WalPageHeader.read(longHeader(order, 7716700527927822902L, 0x3000000L,
                    16 * 1024 * 1024)).orElseThrow();

            assertThat(header.systemId()).isEqualTo(7716700527927822902L);
            assertThat(header.segmentSize()).isEqualTo(16 * 1024 * 1024);
            assertThat(header.pageAddress()).isEqualTo(Lsn.parse("0/3000000"));
            assertThat(header.timeline()).isEqualTo(1);
        }
    }

    @Test
    void zerosAndShortPagesHaveNoHeader() {
        assertThat(WalPageHeader.read(ByteBuffer.allocate(WalPageHeader.SIZE))).isEmpty();
        assertThat(WalPageHeader.read(ByteBuffer.allocate(10))).isEmpty();
    }

    @Test
    void aShortHeaderIsNotTheLongOneOfASegmentStart() {
        ByteBuffer buffer = longHeader(ByteOrder.LITTLE_ENDIAN, 1, 0x3002000L, 16 * 1024 * 1024);
        buffer.putShort(2, (short) 0x0004);

        assertThat(WalPageHeader.read(buffer)).isEmpty();
    }
}
