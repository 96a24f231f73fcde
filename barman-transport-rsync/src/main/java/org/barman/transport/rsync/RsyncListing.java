package org.barman.transport.rsync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.support.TreePaths;

/**
 * What {@code rsync --list-only -r --no-h -8} prints of a tree, one entry a line:
 * {@code -rw------- 8192 2021/03/04 05:06:07 global/pg_control}. It gives the progress bar its total before the
 * copy starts, and {@code parallel_jobs} the files to share out.
 *
 * <p>The names come from the other host's rsync and are checked as they come ({@link TreePaths}: relative, inside
 * a folder listed before, each once): {@link #requireSafe()} fails on the first unsafe one, before a pull creates
 * any folder from the listing.
 */
final class RsyncListing {

    /** Kind letter, permission bits, size, date, time, name. */
    private static final Pattern LINE = Pattern.compile(
            "([-dlpscb])[-rwxsStT]{9}[.+@]?\\s+(\\d+) \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d (.+)", Pattern.DOTALL);

    /** What an entry is. */
    enum Kind {
        /** A regular file. */
        FILE,
        /** A folder. */
        FOLDER,
        /** A symbolic link. */
        LINK,
        /** A socket, pipe or device: never copied. */
        OTHER
    }

    /**
     * One entry of the tree.
     *
     * @param kind what it is
     * @param name its path relative to the root, as bytes on disk
     * @param size its size in bytes (of a file; rsync's figure for the others)
     */
    record Entry(Kind kind, byte[] name, long size) {

        /** @return the name as text */
        String text() {
            return RsyncNames.text(name);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final TreePaths.Listing check;
    private BarmanException unsafe;

    /** @param source what is listed, for messages, such as {@code the listing of postgres@pg:/pgdata} */
    RsyncListing(String source) {
        this.check = TreePaths.listing(source);
    }

    /**
     * Reads one line of rsync's output; lines that are not entries (and the root, {@code .}) are ignored.
     *
     * @param line the line's bytes, without the line break
     */
    void accept(byte[] line) {
        Entry entry = parse(line);
        if (entry != null) {
            synchronized (entries) {
                entries.add(entry);
                if (unsafe == null) {
                    try {
                        check.add(entry.text(), entry.kind() == Kind.FOLDER);
                    } catch (BarmanException e) {
                        unsafe = e;
                    }
                }
            }
        }
    }

    /** @throws BarmanException when an entry read so far is unsafe, naming the first */
    void requireSafe() {
        synchronized (entries) {
            if (unsafe != null) {
                throw new BarmanException(unsafe.getMessage(), unsafe);
            }
        }
    }

    /**
     * @param line a line of {@code --list-only}
     * @return its entry, or null when it is not one (or is the root)
     */
    static Entry parse(byte[] line) {
        Matcher matcher = LINE.matcher(new String(line, StandardCharsets.ISO_8859_1));
        if (!matcher.matches()) {
            return null;
        }
        Kind kind = switch (matcher.group(1).charAt(0)) {
            case '-' -> Kind.FILE;
            case 'd' -> Kind.FOLDER;
            case 'l' -> Kind.LINK;
            default -> Kind.OTHER;
        };
        byte[] name = RsyncNames.unescape(line, matcher.start(3), matcher.end(3));
        if (name.length == 1 && name[0] == '.') {
            return null;
        }
        return new Entry(kind, name, Long.parseLong(matcher.group(2)));
    }

    /** @return the entries read so far */
    List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** @return the regular files */
    List<Entry> files() {
        return entries().stream().filter(entry -> entry.kind() == Kind.FILE).toList();
    }

    /** @return the bytes of the regular files */
    long fileBytes() {
        return files().stream().mapToLong(Entry::size).sum();
    }
}
