package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The bytes a compressed format always starts with: how Barman tells, from the first bytes of a WAL file, which
 * compressor wrote it.
 */
final class MagicNumber {

    private final byte[] bytes;

    private MagicNumber(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a magic number has at least one byte");
        }
        this.bytes = bytes;
    }

    /**
     * @param values the bytes, as unsigned values
     * @return the magic number made of them
     */
    static MagicNumber of(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new MagicNumber(bytes);
    }

    /**
     * @param text hexadecimal digits, optionally after {@code 0x}, as in {@code custom_compression_magic = 0x1f8b}
     * @param maxLength the most bytes accepted
     * @return the magic number, or {@code null} when the text is not an even number of hexadecimal digits between
     *     1 and {@code maxLength} bytes
     */
    static MagicNumber parseHex(String text, int maxLength) {
        String digits = text.trim().toLowerCase(Locale.ROOT);
        if (digits.startsWith("0x")) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || digits.length() % 2 != 0 || digits.length() / 2 > maxLength) {
            return null;
        }
        try {
            return new MagicNumber(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return how many bytes it has */
    int length() {
        return bytes.length;
    }

    /**
     * @param header the first bytes of a file
     * @return whether they start with this magic number
     */
    boolean matches(byte[] header) {
        return header != null && header.length >= bytes.length
                && Arrays.equals(header, 0, bytes.length, bytes, 0, bytes.length);
    }

    /**
     * Reads the first bytes of {@code in} and checks them, so that a file of another format fails at once with a
     * message saying so instead of a decoder's obscure error.
     *
     * @param in compressed input, positioned at its start
     * @param format the format expected, for the message
     * @return a stream that yields every byte of {@code in}, the checked ones included
     * @throws IOException when {@code in} is empty or starts with other bytes
     */
    InputStream requireAtStart(InputStream in, String format) throws IOException {
        PushbackInputStream pushback = new PushbackInputStream(in, bytes.length);
        byte[] start = pushback.readNBytes(bytes.length);
        if (start.length == 0) {
            throw new IOException("not " + format + " data: the input is empty");
        }
        if (start.length < bytes.length && Arrays.equals(start, 0, start.length, bytes, 0, start.length)) {
            throw new IOException(format + " data is truncated: the input has only " + start.length + " byte(s)");
        }
        if (!matches(start)) {
            throw new IOException("not " + format + " data: it starts with " + hex(start) + " where " + format
                    + " data starts with " + this);
        }
        pushback.unread(start);
        return pushback;
    }

    /** @return the bytes in hexadecimal, such as {@code 1f 8b 08} */
    @Override
    public String toString() {
        return hex(bytes);
    }

    private static String hex(byte[] data) {
        return HexFormat.ofDelimiter(" ").formatHex(data);
    }
}
