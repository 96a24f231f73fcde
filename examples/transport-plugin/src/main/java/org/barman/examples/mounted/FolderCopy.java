package org.barman.examples.mounted;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.ReuseMode;
import org.barman.api.support.Throttle;

/**
 * One copy of a folder tree between two folders of this host, with the guarantees of
 * {@link org.barman.api.Transport#pull}: content, permission bits and modification times; links as links; rsync
 * exclusions; reuse of a previous backup; a destination made an exact copy; vanished files skipped; a bandwidth
 * limit; everything fsynced before it returns. It walks the source twice: once to plan (for progress), once to copy.
 */
final class FolderCopy {

    private static final int CHUNK = 1024 * 1024;
    private static final Set<PosixFilePermission> OWNER_ALL = PosixFilePermissions.fromString("rwx------");

    /**
     * @param source the tree to read
     * @param sourceName how messages name it (the remote path, for a pull)
     * @param target the tree to write
     * @param exclusions what not to copy
     * @param reuseMode what to do with files unchanged since {@code reference}
     * @param reference the previous copy, or null
     * @param bandwidthLimitKbps KB/s for the whole copy, 0 for none
     */
    record Settings(Path source, String sourceName, Path target, Exclusions exclusions, ReuseMode reuseMode,
            Path reference, long bandwidthLimitKbps) {
    }

    /** Attributes of a folder, set once its content is complete. */
    private record Folder(Path target, Set<PosixFilePermission> permissions, FileTime modified) {
    }

    private final Settings settings;
    private final CopyListener listener;
    private final Deque<Folder> folders = new ArrayDeque<>();
    private final Throttle throttle;
    private long files;
    private long bytes;
    private long reusedFiles;
    private long linkedBytes;

    private FolderCopy(Settings settings, CopyListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.throttle = settings.bandwidthLimitKbps() > 0 ? new Throttle(settings.bandwidthLimitKbps()) : null;
    }

    /**
     * @param settings what to copy and how
     * @param listener hears progress
     * @return what was copied
     * @throws BarmanException naming the path that failed
     */
    static CopyResult copy(Settings settings, CopyListener listener) {
        Path source;
        try {
            source = settings.source().toRealPath();
        } catch (IOException e) {
            throw new BarmanException("transport mounted: cannot copy " + settings.sourceName() + ": no such folder ("
                    + settings.source() + ")", e);
        }
        if (!Files.isDirectory(source)) {
            throw new BarmanException("transport mounted: cannot copy " + settings.sourceName() + ": not a folder");
        }
        FolderCopy copy = new FolderCopy(settings, listener);
        try {
            copy.plan(source);
            copy.walk(source);
            copy.finishFolders();
        } catch (IOException e) {
            throw new BarmanException("transport mounted: copy of " + settings.sourceName() + " to "
                    + settings.target() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("transport mounted: copy of " + settings.sourceName() + " interrupted", e);
        }
        return new CopyResult(copy.files, copy.bytes, copy.reusedFiles, copy.linkedBytes);
    }

    private String relative(Path root, Path path) {
        return root.relativize(path).toString();
    }

    private void plan(Path source) throws IOException {
        long[] plan = new long[2];
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(source) && settings.exclusions().excludes(relative(source, dir), true)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !settings.exclusions().excludes(relative(source, file), false)) {
                    plan[0]++;
                    plan[1] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        listener.planned(plan[0], plan[1]);
    }

    private void walk(Path source) throws IOException, InterruptedException {
        Files.createDirectories(settings.target());
        copyFolder(source, source, settings.target());
    }

    /** Copies one folder's entries, then its own attributes are queued to be set at the end, deepest first. */
    private void copyFolder(Path root, Path folder, Path target) throws IOException, InterruptedException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException vanished) {
            return;
        }
        if (Files.isDirectory(target, NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(target, OWNER_ALL);
        } else {
            deleteTree(target);
            Files.createDirectory(target);
        }
        folders.push(new Folder(target, attributes.permissions(), attributes.lastModifiedTime()));
        removeWhatTheSourceLacks(root, folder, target);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                copyEntry(root, entry, target.resolve(entry.getFileName().toString()));
            }
        } catch (NoSuchFileException vanished) {
            // the folder vanished while it was listed: what was copied stays, as rsync does
        }
    }

    private void copyEntry(Path root, Path entry, Path target) throws IOException, InterruptedException {
        String relative = relative(root, entry);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException vanished) {
            return;
        }
        if (settings.exclusions().excludes(relative, attributes.isDirectory())) {
            return;
        }
        if (attributes.isDirectory()) {
            copyFolder(root, entry, target);
        } else if (attributes.isSymbolicLink()) {
            deleteTree(target);
            Files.createSymbolicLink(target, Files.readSymbolicLink(entry));
        } else if (attributes.isRegularFile()) {
            copyFile(relative, entry, target, attributes);
        }
    }

    private void copyFile(String relative, Path file, Path target, PosixFileAttributes attributes)
            throws IOException, InterruptedException {
        deleteTree(target);
        Path previous = settings.reference() == null ? null : settings.reference().resolve(relative);
        if (settings.reuseMode() != ReuseMode.OFF && previous != null && unchanged(previous, attributes)) {
            if (settings.reuseMode() == ReuseMode.LINK) {
                Files.createLink(target, previous);
                linkedBytes += attributes.size();
            } else {
                Files.copy(previous, target, StandardCopyOption.COPY_ATTRIBUTES);
                sync(target);
            }
            reusedFiles++;
            done(relative, attributes.size());
            return;
        }
        long copied = 0;
        try (InputStream in = Files.newInputStream(file);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[throttle == null ? CHUNK : (int) Math.min(CHUNK, throttle.chunk())];
            int read;
            while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                copied += read;
                listener.transferred(read);
                if (throttle != null) {
                    throttle.consumed(read);
                }
            }
            out.force(true);
        } catch (NoSuchFileException vanished) {
            if (Files.exists(file, NOFOLLOW_LINKS)) {
                throw vanished;
            }
            Files.deleteIfExists(target);
            return;
        }
        Files.setPosixFilePermissions(target, attributes.permissions());
        Files.setLastModifiedTime(target, attributes.lastModifiedTime());
        files++;
        bytes += copied;
        listener.fileDone(relative);
    }

    private void done(String relative, long size) {
        files++;
        bytes += size;
        listener.transferred(size);
        listener.fileDone(relative);
    }

    private static boolean unchanged(Path previous, PosixFileAttributes now) throws IOException {
        PosixFileAttributes before;
        try {
            before = Files.readAttributes(previous, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            return false;
        }
        return before.isRegularFile() && before.size() == now.size()
                && before.lastModifiedTime().equals(now.lastModifiedTime())
                && before.permissions().equals(now.permissions());
    }

    private void removeWhatTheSourceLacks(Path root, Path folder, Path target) throws IOException {
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(target)) {
            for (Path entry : existing) {
                String name = entry.getFileName().toString();
                String relative = relative(root, folder.resolve(name));
                boolean isFolder = Files.isDirectory(entry, NOFOLLOW_LINKS);
                if (!Files.exists(folder.resolve(name), NOFOLLOW_LINKS)
                        && !settings.exclusions().excludes(relative, isFolder)) {
                    deleteTree(entry);
                }
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path each : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    if (Files.isDirectory(each, NOFOLLOW_LINKS)) {
                        Files.setPosixFilePermissions(each, OWNER_ALL);
                    }
                }
            }
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path each : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(each);
                }
            }
        } else {
            Files.delete(path);
        }
    }

    /** Sets the folders' attributes, deepest first, and fsyncs them so that the new entries are durable. */
    private void finishFolders() throws IOException {
        while (!folders.isEmpty()) {
            Folder folder = folders.pop();
            sync(folder.target());
            Files.setPosixFilePermissions(folder.target(), folder.permissions());
            Files.setLastModifiedTime(folder.target(), folder.modified());
        }
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
