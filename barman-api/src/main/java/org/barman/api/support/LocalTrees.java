package org.barman.api.support;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.barman.api.BarmanException;

/**
 * Writes the entries of a tree being copied on this host: each new file, folder or link replaces whatever a
 * previous attempt left at its path, and a file is never written in place (it may be a hard link into the previous
 * backup). What is being written stays readable by its owner only until the copy gives it its own bits.
 *
 * <p>A copy never writes through a link: {@link #inside(Path, String)} gives an entry's path only once its path is
 * one {@link TreePaths} accepts and every folder between the destination and the entry is a real folder, and the
 * entry itself is created without following a link at its place ({@code O_NOFOLLOW}, {@code O_EXCL}), which is
 * replaced instead.
 */
public final class LocalTrees {

    private static final Set<OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            NOFOLLOW_LINKS);

    private LocalTrees() {
    }

    /**
     * Creates a new file, readable and writable by its owner only, replacing whatever is at its path (never writing
     * into an existing file, which may be a hard link into a previous backup).
     *
     * @param file the file
     * @return its channel, open for writing
     * @throws IOException when it cannot be created
     */
    public static FileChannel createFile(Path file) throws IOException {
        try {
            return FileChannel.open(file, NEW_FILE, OwnerOnly.file());
        } catch (FileAlreadyExistsException e) {
            deleteTree(file);
            return FileChannel.open(file, NEW_FILE, OwnerOnly.file());
        }
    }

    /**
     * The path of an entry of a copy, checked so that writing it stays in the copy's destination: the relative
     * path is one {@link TreePaths} accepts, and each folder on the way from the destination to the entry that
     * exists is a folder, not a link (a link left by an earlier attempt, or made by this copy) nor a file.
     *
     * @param destination the folder the copy writes
     * @param relativePath the entry's path relative to it, with {@code /} separators; empty for the destination
     * @return the entry's path in the destination
     * @throws BarmanException when the relative path is unsafe, or a folder on the way is a link or a file, naming
     *     it
     * @throws IOException when a folder on the way cannot be examined
     */
    public static Path inside(Path destination, String relativePath) throws IOException {
        if (relativePath.isEmpty()) {
            return destination;
        }
        TreePaths.requireSafe(relativePath, "the copy into " + destination);
        Path folder = destination;
        int start = 0;
        int slash;
        while ((slash = relativePath.indexOf('/', start)) >= 0) {
            folder = folder.resolve(relativePath.substring(start, slash));
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(folder, BasicFileAttributes.class, NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                break;
            }
            if (!attributes.isDirectory()) {
                throw new BarmanException("refusing to write " + destination.resolve(relativePath) + ": " + folder
                        + " is " + (attributes.isSymbolicLink() ? "a link" : "not a folder") + ", and a copy never "
                        + "writes through one");
            }
            start = slash + 1;
        }
        return destination.resolve(relativePath);
    }

    /**
     * Makes sure a folder exists, readable, writable and searchable by its owner only until the copy sets its bits.
     *
     * @param folder the folder
     * @return whether it existed (a retry), so that what the source does not have must be removed from it
     * @throws IOException when it cannot be created
     */
    public static boolean ensureFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder, OwnerOnly.folder());
            return false;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(folder, NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(folder, OwnerOnly.FOLDER_MODE);
                return true;
            }
            deleteTree(folder);
            Files.createDirectory(folder, OwnerOnly.folder());
            return false;
        }
    }

    /**
     * Creates a symbolic link, replacing whatever is at its path.
     *
     * @param link the link
     * @param target what it points to, as written
     * @throws IOException when it cannot be created
     */
    public static void createLink(Path link, String target) throws IOException {
        try {
            Files.createSymbolicLink(link, Path.of(target));
        } catch (FileAlreadyExistsException e) {
            deleteTree(link);
            Files.createSymbolicLink(link, Path.of(target));
        }
    }

    /**
     * Creates the missing parents of a path, readable, writable and searchable by their owner only.
     *
     * @param path a path
     * @return the folders created, deepest first, and the first existing ancestor last (all to fsync)
     * @throws IOException when one cannot be created
     */
    public static List<Path> createParents(Path path) throws IOException {
        List<Path> created = new ArrayList<>();
        Path parent = path.getParent();
        Path missing = parent;
        while (missing != null && !Files.exists(missing, NOFOLLOW_LINKS)) {
            created.add(missing);
            missing = missing.getParent();
        }
        if (missing != null) {
            created.add(missing);
        }
        if (parent != null) {
            Files.createDirectories(parent, OwnerOnly.folder());
        }
        return created;
    }

    /**
     * Deletes a file, a link (not what it points to) or a folder with its content, even read-only folders.
     *
     * @param path what to delete; nothing happens when it does not exist
     * @throws IOException when it cannot be deleted
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.isDirectory(path, NOFOLLOW_LINKS)) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, OwnerOnly.FOLDER_MODE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException notEmpty) {
                    throw new IOException("cannot remove " + dir + ": something writes into it", notEmpty);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * @param e an I/O error
     * @return its cause in words, without the paths that NIO puts in its messages
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
