package org.barman.streaming.basebackup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a backup manifest as PostgreSQL computes its {@code Manifest-Checksum}: everything up to and
 * including the newline before the line that starts with {@code "Manifest-Checksum"}. Fed the manifest's bytes as
 * they arrive.
 */
final class ManifestDigest {

    private static final byte[] CHECKSUM_LINE = "\"Manifest-Checksum\"".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest digest;
    /** The start of the current line, while it may still be the checksum's line. */
    private final byte[] lineStart = new byte[CHECKSUM_LINE.length];
    private int lineStartLength;
    private boolean inLineStart = true;
    private boolean stopped;

    ManifestDigest() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /**
     * @param bytes more of the manifest
     * @param offset where they start
     * @param length how many
     */
    void update(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end && !stopped) {
            if (inLineStart) {
                byte b = bytes[i++];
                lineStart[lineStartLength++] = b;
                if (b != CHECKSUM_LINE[lineStartLength - 1]) {
                    digest.update(lineStart, 0, lineStartLength);
                    lineStartLength = 0;
                    inLineStart = b == '\n';
                } else if (lineStartLength == CHECKSUM_LINE.length) {
                    stopped = true;
                }
                continue;
            }
            int newline = i;
            while (newline < end && bytes[newline] != '\n') {
                newline++;
            }
            if (newline == end) {
                digest.update(bytes, i, end - i);
                i = end;
            } else {
                digest.update(bytes, i, newline + 1 - i);
                i = newline + 1;
                inLineStart = true;
            }
        }
    }

    /** @return whether the checksum's line was seen */
    boolean sawChecksumLine() {
        return stopped;
    }

    /** @return the SHA-256 of what precedes the checksum's line, as lowercase hex */
    String hex() {
        return ManifestCheck.hex(digest.digest());
    }
}
