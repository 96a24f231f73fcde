package org.barman.transport.rsync;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * File names as rsync prints them (with {@code -8}): bytes as they are, except that a byte that cannot be printed,
 * and a backslash followed by {@code #}, are written {@code \#ooo} (three octal digits).
 */
final class RsyncNames {

    private RsyncNames() {
    }

    /**
     * @param printed a name as rsync printed it (raw bytes of its output line)
     * @param from where the name starts
     * @param to where it ends (exclusive)
     * @return the name's real bytes
     */
    static byte[] unescape(byte[] printed, int from, int to) {
        ByteArrayOutputStream name = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            byte b = printed[i];
            if (b == '\\' && i + 4 < to && printed[i + 1] == '#'
                    && octal(printed[i + 2]) && octal(printed[i + 3]) && octal(printed[i + 4])) {
                name.write(((printed[i + 2] - '0') << 6) | ((printed[i + 3] - '0') << 3) | (printed[i + 4] - '0'));
                i += 5;
            } else {
                name.write(b);
                i++;
            }
        }
        return name.toByteArray();
    }

    private static boolean octal(byte b) {
        return b >= '0' && b <= '7';
    }

    /**
     * @param name a name's bytes
     * @return it as text, for listeners and messages (bytes that are not UTF-8 become U+FFFD)
     */
    static String text(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }
}
