package org.barman.testkit.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds the folder trees that transports copy in the contract suite: files with chosen permission bits, content
 * and modification times (whole seconds in the past, so that no transport's time precision matters), folders with
 * chosen bits (set last, so that read-only folders can be filled), and links.
 *
 * <p>Call {@link #seal()} once the tree is built: it sets the folders' bits and times, deepest first.
 */
public final class SampleTree {

    /** Modification times of the sample trees start here, one minute apart. */
    public static final Instant BASE_TIME = Instant.parse("2021-03-04T05:06:07Z");

    private final Path root;
    private final Random random;
    private final Map<Path, String> folderModes = new LinkedHashMap<>();
    private int clock;

    private SampleTree(Path root, long seed) throws IOException {
        this.root = root;
        this.random = new Random(seed);
        Files.createDirectories(root);
        folderModes.put(root, "rwx------");
    }

    /**
     * @param root the folder to fill (created)
     * @param seed the seed of the random content
     * @return an empty tree
     * @throws IOException when the folder cannot be created
     */
    public static SampleTree at(Path root, long seed) throws IOException {
        return new SampleTree(root, seed);
    }

    /**
     * A small PostgreSQL data folder look-alike: files of several sizes and modes (empty, read-only, executable,
     * a name with spaces), empty and nested empty folders, a read-only folder with a file in it, the
     * {@code pg_tblspc} links (one to an absolute folder outside the tree, one relative and dangling), and what
     * backups exclude ({@code postmaster.pid}, {@code pg_wal}, {@code pgsql_tmp} folders).
     *
     * @param root the folder to fill (created)
     * @param tablespace an existing folder outside the tree that {@code pg_tblspc/16385} points to
     * @return the sealed tree
     * @throws IOException when it cannot be written
     */
    public static SampleTree pgdataLike(Path root, Path tablespace) throws IOException {
        SampleTree tree = at(root, 42);
        tree.file("PG_VERSION", "15\n", "rw-------")
                .file("postgresql.conf", "shared_buffers = 128MB\n", "rw-r--r--")
                .file("postmaster.pid", "4242\n", "rw-------")
                .file("postmaster.opts", "/usr/lib/postgresql/15/bin/postgres\n", "rw-------")
                .file("empty-file", "", "rw-------")
                .file("read-only.conf", "# read only\n", "r--------")
                .file("run me.sh", "#!/bin/sh\necho hello\n", "rwxr-xr-x")
                .folder("global", "rwx------")
                .randomFile("global/pg_control", 8192, "rw-------")
                .folder("base", "rwx------")
                .folder("base/1", "rwx------")
                .randomFile("base/1/1259", 65536, "rw-------")
                .randomFile("base/1/1259_fsm", 24576, "rw-------")
                .folder("base/5", "rwx------")
                .randomFile("base/5/16384", 1024 * 1024 + 17, "rw-------")
                .randomFile("base/5/16384.1", 3, "rw-------")
                .file("base/5/postmaster.pid", "not the root one\n", "rw-------")
                .folder("base/5/pgsql_tmp", "rwx------")
                .randomFile("base/5/pgsql_tmp/pgsql_tmp4242.0", 4096, "rw-------")
                .folder("base/pgsql_tmp_other", "rwx------")
                .folder("pg_wal", "rwx------")
                .randomFile("pg_wal/000000010000000000000001", 16384, "rw-------")
                .folder("pg_wal/archive_status", "rwx------")
                .file("pg_wal/archive_status/000000010000000000000001.done", "", "rw-------")
                .folder("pg_notify", "rwx------")
                .folder("pg_stat_tmp", "rwx------")
                .folder("empty", "rwxr-x---")
                .folder("empty/deeper", "rwxr-x---")
                .folder("empty/deeper/deepest", "rwx------")
                .folder("read-only-folder", "rwx------")
                .file("read-only-folder/inside", "kept\n", "rw-r-----")
                .folder("pg_tblspc", "rwx------")
                .link("pg_tblspc/16385", tablespace.toAbsolutePath().toString())
                .link("pg_tblspc/16386", "../relative/and/dangling");
        tree.folderModes.put(root.resolve("read-only-folder"), "r-x------");
        return tree.seal();
    }

    /**
     * @param relative the folder's path in the tree
     * @param mode its permission bits, as {@code rwxr-x---}
     * @return this tree
     * @throws IOException when it cannot be created
     */
    public SampleTree folder(String relative, String mode) throws IOException {
        Path folder = root.resolve(relative);
        Files.createDirectories(folder);
        folderModes.put(folder, mode);
        return this;
    }

    /**
     * @param relative the file's path in the tree (its folder must exist)
     * @param content its content, as UTF-8
     * @param mode its permission bits
     * @return this tree
     * @throws IOException when it cannot be written
     */
    public SampleTree file(String relative, String content, String mode) throws IOException {
        return file(relative, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /**
     * @param relative the file's path in the tree (its folder must exist)
     * @param size its size: random bytes
     * @param mode its permission bits
     * @return this tree
     * @throws IOException when it cannot be written
     */
    public SampleTree randomFile(String relative, int size, String mode) throws IOException {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return file(relative, content, mode);
    }

    /**
     * @param relative the file's path in the tree (its folder must exist)
     * @param content its content
     * @param mode its permission bits
     * @return this tree
     * @throws IOException when it cannot be written
     */
    public SampleTree file(String relative, byte[] content, String mode) throws IOException {
        Path file = root.resolve(relative);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        Files.setLastModifiedTime(file, FileTime.from(nextTime()));
        return this;
    }

    /**
     * @param relative the link's path in the tree
     * @param target what it points to, as written
     * @return this tree
     * @throws IOException when it cannot be created
     */
    public SampleTree link(String relative, String target) throws IOException {
        Files.createSymbolicLink(root.resolve(relative), Path.of(target));
        return this;
    }

    /**
     * Sets the bits and times of every folder, deepest first. Call it after the last change to the tree.
     *
     * @return this tree
     * @throws IOException when a folder cannot be changed
     */
    public SampleTree seal() throws IOException {
        List<Path> folders = new ArrayList<>(folderModes.keySet());
        folders.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path folder : folders) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString(folderModes.get(folder)));
            Files.getFileAttributeView(folder, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(nextTime()), null, null);
        }
        return this;
    }

    /** @return the tree's root */
    public Path root() {
        return root;
    }

    /** @return a new modification time, one minute after the previous one */
    public Instant nextTime() {
        return BASE_TIME.plus(Duration.ofMinutes(clock++));
    }
}
