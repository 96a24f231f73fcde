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
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.ReuseMode;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.SourceChanges;
import org.barman.api.support.Throttle;

/**
 * One copy of a folder tree between two folders of this host, with the guarantees of
 * {@link org.barman.api.Transport#pull}: content, permission bits and modification times; links as links; rsync
 * exclusions; reuse of a previous backup; a destination made an exact copy; vanished files skipped; a bandwidth
 * limit; everything fsynced before it returns. It walks the source twice: once to plan (for progress), once to copy.
 *
 * <p>A push copies a backup, which must not change meanwhile: with {@link SourceChanges#FATAL} the plan remembers
 * every entry, and one that vanishes, changes size or becomes something else fails the copy, naming it. Entries
 * are written at paths {@link LocalTrees#inside} checked (what a mounted file system lists is not trusted either),
 * never through a link.
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
     * @param changes what a change of the source during the copy does: tolerated for a pull, fatal for a push
     */
    record Settings(Path source, String sourceName, Path target, Exclusions exclusions, ReuseMode reuseMode,
            Path reference, long bandwidthLimitKbps, SourceChanges changes) {
    }

    /** What the plan saw of an entry. */
    private record Planned(String kind, long size) {
    }

    /** Attributes of a folder, set once its content is complete. */
    private record Folder(Path target, Set<PosixFilePermission> permissions, FileTime modified) {
    }

    private final Settings settings;
    private final CopyListener listener;
    private final Deque<Folder> folders = new ArrayDeque<>();
    private final Throttle throttle;
    /** The plan's entries the copy has not met yet, for a copy whose source must not change. */
    private final Map<String, Planned> unseen = new HashMap<>();
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
            copy.checkNothingVanished(source);
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
                if (dir.equals(source)) {
                    return FileVisitResult.CONTINUE;
                }
                if (settings.exclusions().excludes(relative(source, dir), true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                remember(relative(source, dir), attributes);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (settings.exclusions().excludes(relative(source, file), false)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attributes.isRegularFile()) {
                    plan[0]++;
                    plan[1] += attributes.size();
                }
                remember(relative(source, file), attributes);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    settings.changes().vanished(file.toString());
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        listener.planned(plan[0], plan[1]);
    }

    private void remember(String relative, BasicFileAttributes attributes) {
        if (settings.changes() == SourceChanges.FATAL) {
            unseen.put(relative, new Planned(SourceChanges.kindOf(attributes), attributes.size()));
        }
    }

    /** An entry the copy meets must be what the plan saw, when the source must not change. */
    private void met(String relative, Path entry, BasicFileAttributes attributes) {
        Planned planned = unseen.remove(relative);
        if (planned == null) {
            return;
        }
        String kind = SourceChanges.kindOf(attributes);
        if (!planned.kind().equals(kind)) {
            settings.changes().changedKind(entry.toString(), planned.kind(), kind);
        } else if (attributes.isRegularFile() && planned.size() != attributes.size()) {
            settings.changes().resized(entry.toString(), planned.size(), attributes.size());
        }
    }

    /** What the plan saw and the copy did not meet vanished in between. */
    private void checkNothingVanished(Path source) {
        if (!unseen.isEmpty()) {
            settings.changes().vanished(source.resolve(new TreeSet<>(unseen.keySet()).first()).toString());
        }
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
            settings.changes().vanished(folder.toString());
            return;
        }
        if (Files.isDirectory(target, NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(target, OWNER_ALL);
        } else {
            LocalTrees.deleteTree(target);
            Files.createDirectory(target);
        }
        folders.push(new Folder(target, attributes.permissions(), attributes.lastModifiedTime()));
        removeWhatTheSourceLacks(root, folder, target);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                copyEntry(root, entry, LocalTrees.inside(settings.target(), relative(root, entry)));
            }
        } catch (NoSuchFileException vanished) {
            // the folder vanished while it was listed: what was copied stays, as rsync does (for a pull)
            settings.changes().vanished(folder.toString());
        }
    }

    private void copyEntry(Path root, Path entry, Path target) throws IOException, InterruptedException {
        String relative = relative(root, entry);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException vanished) {
            settings.changes().vanished(entry.toString());
            return;
        }
        if (settings.exclusions().excludes(relative, attributes.isDirectory())) {
            return;
        }
        met(relative, entry, attributes);
        if (attributes.isDirectory()) {
            copyFolder(root, entry, target);
        } else if (attributes.isSymbolicLink()) {
            LocalTrees.deleteTree(target);
            Files.createSymbolicLink(target, Files.readSymbolicLink(entry));
        } else if (attributes.isRegularFile()) {
            copyFile(relative, entry, target, attributes);
        }
    }

    private void copyFile(String relative, Path file, Path target, PosixFileAttributes attributes)
            throws IOException, InterruptedException {
        LocalTrees.deleteTree(target);
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
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, NOFOLLOW_LINKS);
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
            settings.changes().vanished(file.toString());
            Files.deleteIfExists(target);
            return;
        }
        if (copied != attributes.size()) {
            settings.changes().resized(file.toString(), attributes.size(), copied);
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
                    LocalTrees.deleteTree(entry);
                }
            }
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
