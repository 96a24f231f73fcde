package org.barman.testkit.transport;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a folder tree holds, entry by entry, so that two trees can be compared with a readable list of differences:
 * the kind of each entry, permission bits and modification time of files and folders, size and SHA-256 of files,
 * the target of links (never followed).
 *
 * @param entries relative path ({@code /} separators; {@code .} for the root) to entry
 */
public record TreeSnapshot(SortedMap<String, Entry> entries) {

    /** The root's key in {@link #entries()}. */
    public static final String ROOT = ".";

    /** What an entry is. */
    public enum Kind {
        /** A folder. */
        FOLDER,
        /** A regular file. */
        FILE,
        /** A symbolic link. */
        LINK
    }

    /**
     * One entry.
     *
     * @param kind what it is
     * @param mode permission bits as {@code rwxr-x---}; null for links
     * @param modified modification time; null for links
     * @param size bytes of a file, 0 otherwise
     * @param sha256 the content's SHA-256 for a file, else null
     * @param linkTarget where a link points, else null
     */
    public record Entry(Kind kind, String mode, Instant modified, long size, String sha256, String linkTarget) {
    }

    /**
     * Copies the map.
     *
     * @param entries relative path ({@code /} separators; {@code .} for the root) to entry
     */
    public TreeSnapshot {
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    /**
     * @param root a folder
     * @return what it holds now (a link at the root is followed, no other)
     * @throws IOException when the tree cannot be read
     */
    public static TreeSnapshot of(Path root) throws IOException {
        SortedMap<String, Entry> entries = new TreeMap<>();
        PosixFileAttributes rootAttributes = Files.readAttributes(root, PosixFileAttributes.class);
        entries.put(ROOT, new Entry(Kind.FOLDER, PosixFilePermissions.toString(rootAttributes.permissions()),
                rootAttributes.lastModifiedTime().toInstant(), 0, null, null));
        Path realRoot = root.toRealPath();
        try (Stream<Path> paths = Files.walk(realRoot)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (path.equals(realRoot)) {
                    continue;
                }
                String relative = realRoot.relativize(path).toString();
                entries.put(relative, entry(path));
            }
        }
        return new TreeSnapshot(entries);
    }

    private static Entry entry(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            return new Entry(Kind.LINK, null, null, 0, null, Files.readSymbolicLink(path).toString());
        }
        String mode = PosixFilePermissions.toString(attributes.permissions());
        Instant modified = attributes.lastModifiedTime().toInstant();
        if (attributes.isDirectory()) {
            return new Entry(Kind.FOLDER, mode, modified, 0, null, null);
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(path + " is neither a file, a folder nor a link: the snapshot cannot describe it");
        }
        return new Entry(Kind.FILE, mode, modified, attributes.size(), sha256(path), null);
    }

    /**
     * @param path a file
     * @return the SHA-256 of its content, in hexadecimal
     * @throws IOException when it cannot be read
     */
    public static String sha256(Path path) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(path)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * @param relativePaths entries to drop, with everything under them
     * @return this snapshot without them
     */
    public TreeSnapshot without(String... relativePaths) {
        SortedMap<String, Entry> kept = new TreeMap<>(entries);
        for (String dropped : relativePaths) {
            if (kept.remove(dropped) == null) {
                throw new IllegalArgumentException("the snapshot has no entry " + dropped + ": " + entries.keySet());
            }
            kept.keySet().removeIf(key -> key.startsWith(dropped + "/"));
        }
        return new TreeSnapshot(kept);
    }

    /**
     * @param keep which relative paths to keep
     * @return the entries whose path passes the test
     */
    public TreeSnapshot filter(Predicate<String> keep) {
        SortedMap<String, Entry> kept = new TreeMap<>();
        entries.forEach((path, entry) -> {
            if (keep.test(path)) {
                kept.put(path, entry);
            }
        });
        return new TreeSnapshot(kept);
    }

    /** @return the relative paths of the regular files */
    public List<String> files() {
        List<String> files = new ArrayList<>();
        entries.forEach((path, entry) -> {
            if (entry.kind() == Kind.FILE) {
                files.add(path);
            }
        });
        return files;
    }

    /** @return the number of regular files */
    public long fileCount() {
        return files().size();
    }

    /** @return the bytes of the regular files */
    public long fileBytes() {
        return entries.values().stream().filter(entry -> entry.kind() == Kind.FILE).mapToLong(Entry::size).sum();
    }

    /**
     * @param other another snapshot
     * @return one line per path that differs, empty when the trees are the same
     */
    public List<String> differencesFrom(TreeSnapshot other) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(other.entries.keySet());
        for (String path : paths) {
            Entry mine = entries.get(path);
            Entry theirs = other.entries.get(path);
            if (mine == null) {
                differences.add(path + ": unexpected " + describe(theirs));
            } else if (theirs == null) {
                differences.add(path + ": missing " + describe(mine));
            } else if (!mine.equals(theirs)) {
                differences.add(path + ": expected " + describe(mine) + " but found " + describe(theirs));
            }
        }
        return differences;
    }

    private static String describe(Entry entry) {
        return switch (entry.kind()) {
            case LINK -> "link to " + entry.linkTarget();
            case FOLDER -> "folder " + entry.mode() + " modified " + entry.modified();
            case FILE -> "file " + entry.mode() + " modified " + entry.modified() + ", " + entry.size()
                    + " bytes, sha256 " + entry.sha256().substring(0, 12);
        };
    }

    /**
     * Fails with the list of differences when two trees differ.
     *
     * @param expected the tree that should have been made
     * @param actual the tree that was made
     * @param what what is compared, for the message
     */
    public static void assertSame(TreeSnapshot expected, TreeSnapshot actual, String what) {
        List<String> differences = expected.differencesFrom(actual);
        if (!differences.isEmpty()) {
            throw new AssertionError(what + " differs from what was expected in " + differences.size()
                    + " entries:\n  " + String.join("\n  ", differences.subList(0, Math.min(40, differences.size()))));
        }
    }

    /**
     * @param path a relative path
     * @return its entry
     */
    public Entry get(String path) {
        return Objects.requireNonNull(entries.get(path), () -> "no entry " + path + " in " + entries.keySet());
    }

    /** @return the entries, for debugging */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            text.append(entry.getKey()).append(": ").append(describe(entry.getValue())).append('\n');
        }
        return text.toString();
    }
}
