package org.barman.transport.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a POSIX (PAX) tar stream for the remote GNU {@code tar -x} of a push: folders, symbolic links and regular
 * files with their permission bits and modification time to the nanosecond.
 *
 * <p>Commons Compress reads the pull side's streams, but its writer rounds PAX times to 100 ns, and a copy must
 * keep times exactly (the next backup's reuse compares them); this writer puts the exact time, and any name or
 * link target that does not fit the ustar header, in a PAX extended header before the entry.
 */
final class TarWriter {

    private static final int BLOCK = 512;
    private static final int RECORD = 20 * BLOCK;
    private static final long MAX_OCTAL_SIZE = 077777777777L;

    private final OutputStream out;
    private final byte[] header = new byte[BLOCK];
    private long written;
    private long remaining;
    private long entrySize;
    private int paxCount;

    /** @param out where the stream goes */
    TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * @param path the folder's path, relative, empty for the root
     * @param mode its permission bits
     * @param modified its modification time
     * @throws IOException when the stream fails
     */
    void folder(String path, int mode, FileTime modified) throws IOException {
        entry(path.isEmpty() ? "./" : path + "/", '5', mode, 0, modified, null);
        closeEntry();
    }

    /**
     * @param path the link's path, relative
     * @param target where it points, as written
     * @param modified its modification time
     * @throws IOException when the stream fails
     */
    void link(String path, String target, FileTime modified) throws IOException {
        entry(path, '2', 0777, 0, modified, target);
        closeEntry();
    }

    /**
     * Starts a regular file: exactly {@code size} bytes must follow through {@link #write}, then {@link #closeEntry}.
     *
     * @param path the file's path, relative
     * @param mode its permission bits
     * @param size its size
     * @param modified its modification time
     * @throws IOException when the stream fails
     */
    void file(String path, int mode, long size, FileTime modified) throws IOException {
        entry(path, '0', mode, size, modified, null);
    }

    /**
     * @param bytes content of the current file
     * @param offset where it starts
     * @param length how many bytes
     * @throws IOException when the stream fails
     * @throws IllegalStateException when more bytes come than the file's size
     */
    void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > remaining) {
            throw new IllegalStateException("more content than the " + entrySize + " bytes announced");
        }
        out.write(bytes, offset, length);
        remaining -= length;
        written += length;
    }

    /**
     * Ends the current entry, padding its content to a block.
     *
     * @throws IOException when the stream fails
     * @throws IllegalStateException when the file got fewer bytes than announced
     */
    void closeEntry() throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException(remaining + " bytes of the " + entrySize + " announced are missing");
        }
        pad();
    }

    /**
     * Writes the end of the archive (two zero blocks, then zeros to a 10 KiB record, as tar does) and flushes.
     *
     * @throws IOException when the stream fails
     */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        written += 2 * BLOCK;
        int tail = (int) (written % RECORD);
        if (tail != 0) {
            out.write(new byte[RECORD - tail]);
            written += RECORD - tail;
        }
        out.flush();
    }

    private void pad() throws IOException {
        int tail = (int) (written % BLOCK);
        if (tail != 0) {
            out.write(new byte[BLOCK - tail]);
            written += BLOCK - tail;
        }
    }

    private void entry(String name, char type, int mode, long size, FileTime modified, String linkTarget)
            throws IOException {
        Instant time = modified.toInstant();
        Map<String, String> pax = new LinkedHashMap<>();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || !isAscii(name)) {
            pax.put("path", name);
        }
        if (linkTarget != null && (linkTarget.getBytes(StandardCharsets.UTF_8).length > 100 || !isAscii(linkTarget))) {
            pax.put("linkpath", linkTarget);
        }
        if (size > MAX_OCTAL_SIZE) {
            pax.put("size", Long.toString(size));
        }
        if (time.getNano() != 0 || time.getEpochSecond() < 0 || time.getEpochSecond() > MAX_OCTAL_SIZE) {
            pax.put("mtime", decimalSeconds(time));
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            writeHeader("././@PaxHeader." + (++paxCount), 'x', 0644, records.length, 0, null);
            out.write(records);
            written += records.length;
            pad();
        }
        long seconds = Math.max(0, Math.min(MAX_OCTAL_SIZE, time.getEpochSecond()));
        writeHeader(name, type, mode, size, seconds, linkTarget);
        remaining = size;
        entrySize = size;
    }

    static String decimalSeconds(Instant time) {
        long seconds = time.getEpochSecond();
        int nanos = time.getNano();
        if (seconds < 0 && nanos > 0) {
            return "-" + (-seconds - 1) + "." + String.format("%09d", 1_000_000_000 - nanos);
        }
        return seconds + "." + String.format("%09d", nanos);
    }

    private static byte[] paxRecords(Map<String, String> pax) {
        StringBuilder records = new StringBuilder();
        for (Map.Entry<String, String> entry : pax.entrySet()) {
            String body = " " + entry.getKey() + "=" + entry.getValue() + "\n";
            int bodyLength = body.getBytes(StandardCharsets.UTF_8).length;
            int length = bodyLength + Integer.toString(bodyLength).length();
            if (Integer.toString(length).length() != Integer.toString(bodyLength).length()) {
                length = bodyLength + Integer.toString(length).length();
            }
            records.append(length).append(body);
        }
        return records.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void writeHeader(String name, char type, int mode, long size, long mtime, String linkTarget)
            throws IOException {
        java.util.Arrays.fill(header, (byte) 0);
        putString(asciiPrefix(name, 100), 0, 100);
        putOctal(mode & 07777, 100, 8);
        putOctal(0, 108, 8);
        putOctal(0, 116, 8);
        putOctal(Math.min(size, MAX_OCTAL_SIZE), 124, 12);
        putOctal(mtime, 136, 12);
        header[156] = (byte) type;
        if (linkTarget != null) {
            putString(asciiPrefix(linkTarget, 100), 157, 100);
        }
        putString("ustar", 257, 6);
        putString("00", 263, 2);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        putString(String.format("%06o", checksum), 148, 6);
        header[154] = 0;
        header[155] = ' ';
        out.write(header);
        written += BLOCK;
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static String asciiPrefix(String text, int max) {
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < text.length() && ascii.length() < max; i++) {
            char c = text.charAt(i);
            ascii.append(c >= 0x20 && c < 0x7f ? c : '_');
        }
        return ascii.toString();
    }

    private void putString(String text, int offset, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(length, bytes.length));
    }

    private void putOctal(long value, int offset, int length) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        putString(padded, offset, length - 1);
        header[offset + length - 1] = 0;
    }
}
