package org.barman.transport.ssh;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.Exclusions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both directions of a copy do on the backup host's file system: create files and folders readable by their
 * owner only until they are complete, replace what is in the way, remove trees, and list a local tree the way
 * {@link RemoteListing} lists a remote one.
 */
final class LocalFiles {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFiles.class);

    static final Set<PosixFilePermission> PRIVATE_FOLDER_MODE = EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(EnumSet.of(OWNER_READ, OWNER_WRITE));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FOLDER =
            PosixFilePermissions.asFileAttribute(PRIVATE_FOLDER_MODE);

    private LocalFiles() {
    }

    /**
     * Creates a new file, readable and writable by its owner only, replacing whatever is at its path (never writing
     * into an existing file, which may be a hard link into a previous backup).
     *
     * @param file the file
     * @return its channel, open for writing
     * @throws IOException when it cannot be created
     */
    static FileChannel createFile(Path file) throws IOException {
        try {
            return FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PRIVATE_FILE);
        } catch (FileAlreadyExistsException e) {
            deleteTree(file);
            return FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PRIVATE_FILE);
        }
    }

    /**
     * Makes sure a folder exists, readable, writable and searchable by its owner only until the copy sets its bits.
     *
     * @param folder the folder
     * @return whether it existed (a retry), so that what the source does not have must be removed from it
     * @throws IOException when it cannot be created
     */
    static boolean ensureFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder, PRIVATE_FOLDER);
            return false;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(folder, NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(folder, PRIVATE_FOLDER_MODE);
                return true;
            }
            deleteTree(folder);
            Files.createDirectory(folder, PRIVATE_FOLDER);
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
    static void createLink(Path link, String target) throws IOException {
        try {
            Files.createSymbolicLink(link, Path.of(target));
        } catch (FileAlreadyExistsException e) {
            deleteTree(link);
            Files.createSymbolicLink(link, Path.of(target));
        }
    }

    /**
     * Creates the missing parents of a path.
     *
     * @param path a path
     * @return the folders created, deepest first, and the first existing ancestor last (all to fsync)
     * @throws IOException when one cannot be created
     */
    static List<Path> createParents(Path path) throws IOException {
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
            Files.createDirectories(parent);
        }
        return created;
    }

    /**
     * Deletes a file, a link (not what it points to) or a folder with its content, even read-only folders.
     *
     * @param path what to delete; nothing happens when it does not exist
     * @throws IOException when it cannot be deleted
     */
    static void deleteTree(Path path) throws IOException {
        if (!Files.isDirectory(path, NOFOLLOW_LINKS)) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, PRIVATE_FOLDER_MODE);
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
     * Lists a local tree like {@link RemoteListing#list}: the root first, every folder before its content, links
     * not followed (but a link at the root is), what the exclusions match left out.
     *
     * @param root the folder
     * @param exclusions what to leave out
     * @return its entries
     * @throws IOException when it cannot be read
     * @throws BarmanException when it does not exist or is not a folder, naming it
     */
    static List<TreeEntry> list(Path root, Exclusions exclusions) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(root, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BarmanException("cannot copy " + root + ": no such folder on this host");
        }
        if (!attributes.isDirectory()) {
            throw new BarmanException("cannot copy " + root + ": it is not a folder");
        }
        List<TreeEntry> entries = new ArrayList<>();
        entries.add(new TreeEntry("", TreeEntry.Kind.FOLDER, TreeEntry.mode(attributes.permissions()), 0,
                attributes.lastModifiedTime(), null));
        walk(root, "", exclusions, entries);
        return entries;
    }

    private static void walk(Path folder, String relative, Exclusions exclusions, List<TreeEntry> entries)
            throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(children::add);
        } catch (NoSuchFileException | NotDirectoryException e) {
            LOG.debug("The folder {} vanished during the copy: skipped", folder);
            return;
        } catch (AccessDeniedException e) {
            throw new BarmanException("cannot read the folder " + folder + ": permission denied", e);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        children.sort(null);
        for (Path child : children) {
            String path = relative.isEmpty() ? child.getFileName().toString()
                    : relative + '/' + child.getFileName();
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(child, PosixFileAttributes.class, NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue;
            }
            int mode = TreeEntry.mode(attributes.permissions());
            if (attributes.isDirectory()) {
                if (exclusions.excludes(path, true)) {
                    continue;
                }
                entries.add(new TreeEntry(path, TreeEntry.Kind.FOLDER, mode, 0, attributes.lastModifiedTime(),
                        null));
                walk(child, path, exclusions, entries);
            } else if (exclusions.excludes(path, false)) {
                continue;
            } else if (attributes.isRegularFile()) {
                entries.add(new TreeEntry(path, TreeEntry.Kind.FILE, mode, attributes.size(),
                        attributes.lastModifiedTime(), null));
            } else if (attributes.isSymbolicLink()) {
                String target;
                try {
                    target = Files.readSymbolicLink(child).toString();
                } catch (NoSuchFileException e) {
                    continue;
                }
                entries.add(new TreeEntry(path, TreeEntry.Kind.LINK, mode, 0, attributes.lastModifiedTime(),
                        target));
            } else {
                LOG.debug("{} is not a regular file, folder or link: skipped", child);
            }
        }
    }

    /** @return the cause of an I/O error in words, without the paths that NIO puts in its messages */
    static String reason(IOException e) {
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
