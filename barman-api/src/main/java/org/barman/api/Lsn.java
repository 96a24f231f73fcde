package org.barman.api;

import java.util.Locale;

/**
 * A PostgreSQL log sequence number: a byte position in the write-ahead log, written {@code X/Y}.
 *
 * <p>Values are unsigned 64-bit positions; comparison is unsigned.
 *
 * @param value the position as an unsigned 64-bit number
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /** The invalid position {@code 0/0}. */
    public static final Lsn ZERO = new Lsn(0);

    /**
     * Parses the {@code X/Y} form that PostgreSQL prints (each part 1 to 8 hex digits).
     *
     * @param text the text to parse, such as {@code 0/3000028}
     * @return the position
     * @throws IllegalArgumentException when the text is not of that form
     */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("an LSN is required, in the form X/Y (for example 0/3000028)");
        }
        int slash = text.indexOf('/');
        if (slash < 1 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8
                || !isHex(text, 0, slash) || !isHex(text, slash + 1, text.length())) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an LSN: expected two hexadecimal numbers X/Y (for example 0/3000028)");
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new Lsn((high << 32) | low);
    }

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return to > from;
    }

    /**
     * @param bytes a number of bytes, may be negative
     * @return the position that many bytes further
     */
    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    /**
     * @param other an earlier position
     * @return the number of bytes from {@code other} to this position
     */
    public long minus(Lsn other) {
        return value - other.value;
    }

    /**
     * @param segmentSize the cluster's WAL segment size in bytes (a power of two)
     * @return the number of the segment holding this position, counted from the start of the log
     */
    public long segmentNumber(long segmentSize) {
        WalSegmentName.checkSegmentSize(segmentSize);
        return Long.divideUnsigned(value, segmentSize);
    }

    /**
     * @param segmentSize the cluster's WAL segment size in bytes (a power of two)
     * @return the offset of this position inside its segment
     */
    public long segmentOffset(long segmentSize) {
        WalSegmentName.checkSegmentSize(segmentSize);
        return Long.remainderUnsigned(value, segmentSize);
    }

    /**
     * @param timeline the timeline the position was written on
     * @param segmentSize the cluster's WAL segment size in bytes
     * @return the name of the WAL segment file that holds this position
     */
    public WalSegmentName segment(long timeline, long segmentSize) {
        return WalSegmentName.ofSegmentNumber(timeline, segmentNumber(segmentSize), segmentSize);
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
