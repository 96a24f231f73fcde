package org.barman.streaming;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import org.barman.api.Lsn;

/**
 * The long page header that starts every WAL segment ({@code XLogLongPageHeaderData}): it names the system the WAL
 * belongs to and the segment size it was written with, so that a folder of WAL can be matched with a server.
 * PostgreSQL writes it in the byte order of the server's machine; both orders are tried.
 *
 * @param systemId the system identifier ({@code xlp_sysid})
 * @param timeline the timeline of the page ({@code xlp_tli})
 * @param pageAddress the position of the page ({@code xlp_pageaddr})
 * @param segmentSize the WAL segment size ({@code xlp_seg_size})
 */
record WalPageHeader(long systemId, long timeline, Lsn pageAddress, long segmentSize) {

    /** The bytes of a long page header. */
    static final int SIZE = 40;

    private static final int XLP_LONG_HEADER = 0x0002;

    /**
     * @param firstBytes at least the first {@link #SIZE} bytes of a segment
     * @return the header, or empty when the bytes are not a long page header (such as the zeros of a
     *     {@code .partial} that has received nothing yet)
     */
    static Optional<WalPageHeader> read(ByteBuffer firstBytes) {
        if (firstBytes.remaining() < SIZE) {
            return Optional.empty();
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer buffer = firstBytes.duplicate().order(order);
            int start = buffer.position();
            int info = Short.toUnsignedInt(buffer.getShort(start + 2));
            long timeline = Integer.toUnsignedLong(buffer.getInt(start + 4));
            long pageAddress = buffer.getLong(start + 8);
            long systemId = buffer.getLong(start + 24);
            long size = Integer.toUnsignedLong(buffer.getInt(start + 32));
            long blockSize = Integer.toUnsignedLong(buffer.getInt(start + 36));
            if ((info & XLP_LONG_HEADER) != 0 && timeline != 0 && isPowerOfTwo(size, 1L << 20, 1L << 30)
                    && isPowerOfTwo(blockSize, 1L << 10, 1L << 16) && Long.remainderUnsigned(pageAddress, size) == 0) {
                return Optional.of(new WalPageHeader(systemId, timeline, new Lsn(pageAddress), size));
            }
        }
        return Optional.empty();
    }

    private static boolean isPowerOfTwo(long value, long min, long max) {
        return value >= min && value <= max && Long.bitCount(value) == 1;
    }
}
