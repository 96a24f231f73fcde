package org.barman.transport.rsync;

import java.nio.charset.StandardCharsets;

/**
 * One line that rsync prints per item with {@code --out-format='barman-item %i %l %n'}: what it did (the
 * itemized changes, {@code YXcstpoguax}), the file's length and its name.
 *
 * <p>For a regular file {@code Y} says what happened: {@code >} or {@code <} received or sent, {@code c} created
 * locally (from {@code --copy-dest}, or from {@code --link-dest} when the attributes differ), {@code h} hard-linked
 * ({@code --link-dest}), {@code .} unchanged. An item whose other letters are all blank or {@code .} kept every
 * attribute of the file it came from.
 *
 * @param change the 11 letters of {@code %i}
 * @param length the file's length
 * @param name the item's path relative to the root, as bytes on disk
 */
record ItemizedLine(String change, long length, byte[] name) {

    /** Printed before every item, so that item lines are told from rsync's other messages. */
    static final String MARKER = "barman-item ";
    /** The out-format rsync is given. */
    static final String OUT_FORMAT = MARKER + "%i %l %n";

    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
    private static final int CHANGE_LENGTH = 11;

    /**
     * @param line a line of rsync's standard output, without its line break
     * @return the item, or null when the line is something else
     */
    static ItemizedLine parse(byte[] line) {
        if (line.length < MARKER_BYTES.length + CHANGE_LENGTH + 4) {
            return null;
        }
        for (int i = 0; i < MARKER_BYTES.length; i++) {
            if (line[i] != MARKER_BYTES[i]) {
                return null;
            }
        }
        int changeStart = MARKER_BYTES.length;
        String change = new String(line, changeStart, CHANGE_LENGTH, StandardCharsets.ISO_8859_1);
        int i = changeStart + CHANGE_LENGTH;
        if (line[i] != ' ') {
            return null;
        }
        i++;
        long length = 0;
        int digits = 0;
        while (i < line.length && line[i] >= '0' && line[i] <= '9') {
            length = length * 10 + (line[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || i >= line.length || line[i] != ' ' || i + 1 >= line.length) {
            return null;
        }
        return new ItemizedLine(change, length, RsyncNames.unescape(line, i + 1, line.length));
    }

    /** @return whether the item is a regular file (not a deletion, folder, link or special file) */
    boolean isFile() {
        return change.charAt(1) == 'f' && !isDeletion();
    }

    /** @return whether the item is a deletion ({@code *deleting}) */
    boolean isDeletion() {
        return change.charAt(0) == '*';
    }

    /** @return what the item is, in words: {@code a file}, {@code a folder}, {@code a link} or another kind */
    String kind() {
        return switch (change.charAt(1)) {
            case 'f' -> "a file";
            case 'd' -> "a folder";
            case 'L' -> "a link";
            case 'D' -> "a device";
            default -> "a special file";
        };
    }

    /**
     * @return the item's path relative to the copied folder, as text, without the {@code /} rsync adds to a folder's
     *     name; empty for that folder itself ({@code ./})
     */
    String path() {
        String text = text();
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.equals(".") ? "" : text;
    }

    /** @return whether the file was hard-linked to the {@code --link-dest} file, whose attributes all matched */
    boolean hardLinked() {
        return change.charAt(0) == 'h' && attributesKept();
    }

    /** @return whether the file was copied locally from the {@code --copy-dest} file, whose attributes all matched */
    boolean copiedLocally() {
        return change.charAt(0) == 'c' && attributesKept();
    }

    private boolean attributesKept() {
        for (int i = 2; i < change.length(); i++) {
            char c = change.charAt(i);
            if (c != ' ' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** @return the name as text */
    String text() {
        return RsyncNames.text(name);
    }
}
