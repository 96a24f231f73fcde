package org.barman.core.transport;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.ReuseMode;
import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.SourceChanges;
import org.barman.api.support.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy of a folder tree on this host, with the guarantees of {@link org.barman.api.Transport#pull}: the work
 * of the local transport, in both directions.
 *
 * <p>It walks the source twice, streaming: once to count what it will copy (for the progress bar), once to copy.
 * Memory grows with the number of folders (their attributes are set at the end, deepest first), not with the
 * number of files. Files are copied with {@link FileChannel#transferTo} (sendfile, inside the kernel), by the
 * walking thread or, with {@code parallelJobs > 1}, by that many threads fed through a bounded hand-over. New files
 * and folders are created readable by their owner only and get the source's permission bits once written. Written
 * files are fsynced on {@link FileSyncer}'s threads while the copy goes on (large ones start their write-back every
 * 64 MiB), folders at the end.
 *
 * <p>What the source may do meanwhile is the caller's choice ({@link SourceChanges}): a pull reads a running
 * PostgreSQL and skips what vanishes; a push reads a backup, and then the plan's walk remembers every entry, so that
 * one that vanishes, changes size or becomes something else before the copy reads it fails the copy, naming it.
 * Every entry is written at a path {@link LocalTrees#inside} checked, never through a link.
 *
 * <p>A copy that fails leaves what it wrote: the caller marks the backup failed, and a retry into the same folder
 * makes it a copy of the source (files the source no longer has are removed, files are replaced, never written
 * into, so that hard links to a previous backup are never modified).
 *
 * <p>One instance serves one call; it is not reusable.
 */
final class TreeCopy {

    private static final Logger LOG = LoggerFactory.getLogger(TreeCopy.class);

    /** Bytes per {@code transferTo} call without a bandwidth limit: large, but progress still moves. */
    private static final long CHUNK = 8L * 1024 * 1024;
    /** Bytes of a large file after which its write-back to disk starts, while the rest is copied. */
    private static final long WRITE_BACK = 64L * 1024 * 1024;
    private static final AtomicInteger POOLS = new AtomicInteger();

    /**
     * What to copy and how.
     *
     * @param source the tree to read; a link at the root is followed
     * @param target the tree to write, created with its parents
     * @param exclusions what not to copy
     * @param reuseMode what to do with a file unchanged since {@code reference}
     * @param reference the previous copy of the tree, or null
     * @param bandwidthLimitKbps KB/s for the whole copy, 0 for none
     * @param parallelJobs how many threads copy files (1 or more)
     * @param durable whether to fsync what was written before returning
     * @param changes what a change of the source during the copy does
     */
    record Settings(Path source, Path target, Exclusions exclusions, ReuseMode reuseMode, Path reference,
            long bandwidthLimitKbps, int parallelJobs, boolean durable, SourceChanges changes) {
    }

    /** What the plan saw of an entry, for a copy whose source must not change. */
    private record Planned(String kind, long size) {
    }

    /** One folder written, whose attributes are set once its content is complete. */
    private record Folder(Path target, String relativePath, Set<PosixFilePermission> permissions,
            FileTime modified, boolean existed) {
    }

    @FunctionalInterface
    private interface Task {
        void run() throws IOException, InterruptedException;
    }

    private final Path source;
    private final Path target;
    private final Exclusions exclusions;
    private final ReuseMode reuseMode;
    private final Path requestedReference;
    private final int parallelJobs;
    private final boolean durable;
    private final Throttle throttle;
    private final CopyListener listener;
    private final SourceChanges changes;
    /** The plan's entries not met yet by the copy, when changes are fatal; null otherwise. */
    private final Map<String, Planned> unseen;

    private final LongAdder files = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reusedFiles = new LongAdder();
    private final LongAdder linkedBytes = new LongAdder();
    private final List<Folder> folders = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Path reference;
    private FileSyncer syncer;
    private ExecutorService workers;
    private Semaphore inFlight;

    TreeCopy(Settings settings, CopyListener listener) {
        this.source = settings.source().toAbsolutePath().normalize();
        this.target = settings.target().toAbsolutePath().normalize();
        this.exclusions = settings.exclusions();
        this.reuseMode = settings.reuseMode();
        this.requestedReference = settings.reference();
        this.parallelJobs = settings.parallelJobs();
        this.durable = settings.durable();
        this.throttle = settings.bandwidthLimitKbps() > 0 ? new Throttle(settings.bandwidthLimitKbps()) : null;
        this.listener = listener;
        this.changes = settings.changes();
        this.unseen = changes == SourceChanges.FATAL ? new ConcurrentHashMap<>() : null;
    }

    /**
     * @return what was copied
     * @throws BarmanException naming the path at fault
     */
    CopyResult run() {
        try {
            return copy();
        } catch (InterruptedException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("the copy of " + source + " to " + target + " was interrupted", e);
        } catch (IOException e) {
            throw new BarmanException("cannot copy " + source + " to " + target + ": " + LocalTrees.reason(e),
                    e);
        }
    }

    private CopyResult copy() throws IOException, InterruptedException {
        PosixFileAttributes root = sourceRoot();
        checkNotNested();
        reference = usableReference();
        plan();
        List<Path> createdParents = LocalTrees.createParents(target);
        syncer = durable ? new FileSyncer() : null;
        workers = parallelJobs > 1 ? Executors.newFixedThreadPool(parallelJobs, copyThreads()) : null;
        inFlight = new Semaphore(parallelJobs * 4);
        boolean finished = false;
        try {
            copyEntry.folder("", source, root);
            walk(source, "", copyEntry);
            awaitWorkers();
            rethrowFailure();
            checkNothingVanished();
            removeExtraneous();
            applyFolderAttributes();
            if (syncer != null) {
                for (Folder folder : folders) {
                    syncer.syncFolder(folder.target());
                }
                for (Path parent : createdParents) {
                    syncer.syncFolder(parent);
                }
                syncer.finish();
            }
            finished = true;
        } finally {
            if (!finished) {
                stopWorkers();
                if (syncer != null) {
                    syncer.abandon();
                }
            }
        }
        return new CopyResult(files.sum(), bytes.sum(), reusedFiles.sum(), linkedBytes.sum());
    }

    private PosixFileAttributes sourceRoot() throws IOException {
        PosixFileAttributes root;
        try {
            root = Files.readAttributes(source, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BarmanException("cannot copy " + source + ": no such folder on this host");
        }
        if (!root.isDirectory()) {
            throw new BarmanException("cannot copy " + source + ": it is not a folder");
        }
        return root;
    }

    private void checkNotNested() throws IOException {
        Path realSource = source.toRealPath();
        Path realTarget = realPathOfExistingPart(target);
        if (realTarget.startsWith(realSource) || realSource.startsWith(realTarget)) {
            throw new BarmanException("cannot copy " + source + " to " + target + ": one is inside the other");
        }
    }

    private Path usableReference() throws IOException {
        if (reuseMode == ReuseMode.OFF || requestedReference == null) {
            return null;
        }
        Path candidate = requestedReference.toAbsolutePath().normalize();
        if (!Files.isDirectory(candidate)) {
            LOG.info("No previous copy at {}: every file of {} is copied", candidate, source);
            return null;
        }
        if (reuseMode == ReuseMode.LINK) {
            FileStore referenceStore = Files.getFileStore(candidate);
            FileStore targetStore = Files.getFileStore(existingAncestor(target));
            if (!referenceStore.equals(targetStore)) {
                throw new BarmanException("reuse_backup = link needs the new backup and the previous one on one "
                        + "file system, but " + target + " is on " + targetStore + " and " + candidate + " on "
                        + referenceStore + ": hard links cannot cross file systems. Keep the backups on one file "
                        + "system, or set reuse_backup = copy");
            }
        }
        return candidate;
    }

    private void plan() throws IOException, InterruptedException {
        long[] counts = new long[2];
        walk(source, "", new Visitor() {
            @Override
            public void folder(String relativePath, Path path, PosixFileAttributes attributes) {
                remember(relativePath, attributes);
            }

            @Override
            public void file(String relativePath, Path path, PosixFileAttributes attributes) {
                counts[0]++;
                counts[1] += attributes.size();
                remember(relativePath, attributes);
            }

            @Override
            public void link(String relativePath, Path path, PosixFileAttributes attributes) {
                remember(relativePath, attributes);
            }
        });
        listener.planned(counts[0], counts[1]);
    }

    private void remember(String relativePath, PosixFileAttributes attributes) {
        if (unseen != null) {
            unseen.put(relativePath, new Planned(SourceChanges.kindOf(attributes), attributes.size()));
        }
    }

    /** An entry the copy meets: it must be what the plan saw, when the source must not change. */
    private void met(String relativePath, Path path, PosixFileAttributes attributes) {
        if (unseen == null) {
            return;
        }
        Planned planned = unseen.remove(relativePath);
        if (planned == null) {
            return;
        }
        String kind = SourceChanges.kindOf(attributes);
        if (!planned.kind().equals(kind)) {
            changes.changedKind(path.toString(), planned.kind(), kind);
        } else if (attributes.isRegularFile() && planned.size() != attributes.size()) {
            changes.resized(path.toString(), planned.size(), attributes.size());
        }
    }

    /** What the plan saw and the copy did not meet vanished in between. */
    private void checkNothingVanished() {
        if (unseen != null && !unseen.isEmpty()) {
            changes.vanished(source.resolve(new TreeSet<>(unseen.keySet()).first()).toString());
        }
    }

    // ---- the walk

    /** What the walk finds; the root is not visited. */
    private interface Visitor {
        default void folder(String relativePath, Path path, PosixFileAttributes attributes)
                throws IOException, InterruptedException {
        }

        default void file(String relativePath, Path path, PosixFileAttributes attributes)
                throws IOException, InterruptedException {
        }

        default void link(String relativePath, Path path, PosixFileAttributes attributes)
                throws IOException, InterruptedException {
        }
    }

    private void walk(Path folder, String relativePath, Visitor visitor) throws IOException, InterruptedException {
        DirectoryStream<Path> entries;
        try {
            entries = Files.newDirectoryStream(folder);
        } catch (NoSuchFileException | NotDirectoryException e) {
            changes.vanished(folder.toString());
            LOG.debug("The folder {} vanished during the copy: skipped", folder);
            return;
        } catch (AccessDeniedException e) {
            throw new BarmanException("cannot read the folder " + folder + ": permission denied", e);
        }
        try (entries) {
            for (Path entry : entries) {
                rethrowFailure();
                String name = entry.getFileName().toString();
                String entryPath = relativePath.isEmpty() ? name : relativePath + '/' + name;
                PosixFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, PosixFileAttributes.class, NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    changes.vanished(entry.toString());
                    LOG.debug("{} vanished during the copy: skipped", entry);
                    continue;
                }
                if (exclusions.excludes(entryPath, attributes.isDirectory())) {
                    continue;
                }
                if (attributes.isDirectory()) {
                    visitor.folder(entryPath, entry, attributes);
                    walk(entry, entryPath, visitor);
                } else if (attributes.isRegularFile()) {
                    visitor.file(entryPath, entry, attributes);
                } else if (attributes.isSymbolicLink()) {
                    visitor.link(entryPath, entry, attributes);
                } else {
                    LOG.debug("{} is not a regular file, folder or link: skipped", entry);
                }
            }
        } catch (DirectoryIteratorException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                changes.vanished(folder.toString());
                LOG.debug("The folder {} vanished during the copy: skipped", folder);
                return;
            }
            throw e.getCause();
        }
    }

    private final Visitor copyEntry = new Visitor() {
        @Override
        public void folder(String relativePath, Path path, PosixFileAttributes attributes) {
            met(relativePath, path, attributes);
            try {
                TreeCopy.this.folder(relativePath, path, attributes);
            } catch (IOException e) {
                throw withPaths(e, path, target.resolve(relativePath));
            }
        }

        @Override
        public void file(String relativePath, Path path, PosixFileAttributes attributes)
                throws InterruptedException {
            met(relativePath, path, attributes);
            submit(() -> copyFile(relativePath, path, attributes));
        }

        @Override
        public void link(String relativePath, Path path, PosixFileAttributes attributes) {
            met(relativePath, path, attributes);
            try {
                copyLink(relativePath, path, attributes);
            } catch (IOException e) {
                throw withPaths(e, path, target.resolve(relativePath));
            }
        }
    };

    private void submit(Task task) throws InterruptedException {
        if (workers == null) {
            runReportingFailure(task);
            return;
        }
        inFlight.acquire();
        workers.execute(() -> {
            try {
                if (failure.get() == null) {
                    runReportingFailure(task);
                }
            } finally {
                inFlight.release();
            }
        });
    }

    private void runReportingFailure(Task task) {
        try {
            task.run();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
    }

    private void rethrowFailure() throws IOException, InterruptedException {
        Throwable error = failure.get();
        if (error == null) {
            return;
        }
        if (error instanceof IOException io) {
            throw io;
        }
        if (error instanceof InterruptedException interrupted) {
            throw interrupted;
        }
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) error;
    }

    private void awaitWorkers() throws InterruptedException {
        if (workers != null) {
            workers.shutdown();
            while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.debug("Still copying {}", source);
            }
        }
    }

    private void stopWorkers() {
        if (workers != null) {
            failure.compareAndSet(null, new InterruptedException("stopped"));
            workers.shutdown();
            try {
                awaitWorkers();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory copyThreads() {
        int poolNumber = POOLS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "barman-copy-" + poolNumber + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---- writing the entries

    private void folder(String relativePath, Path path, PosixFileAttributes attributes) throws IOException {
        Path folder = LocalTrees.inside(target, relativePath);
        boolean existed = LocalTrees.ensureFolder(folder);
        folders.add(new Folder(folder, relativePath, attributes.permissions(), attributes.lastModifiedTime(),
                existed));
    }

    private void copyLink(String relativePath, Path path, PosixFileAttributes attributes) throws IOException {
        Path linkTarget;
        try {
            linkTarget = Files.readSymbolicLink(path);
        } catch (NoSuchFileException e) {
            changes.vanished(path.toString());
            LOG.debug("{} vanished during the copy: skipped", path);
            return;
        }
        Path link = LocalTrees.inside(target, relativePath);
        LocalTrees.createLink(link, linkTarget.toString());
        try {
            Files.getFileAttributeView(link, BasicFileAttributeView.class, NOFOLLOW_LINKS)
                    .setTimes(attributes.lastModifiedTime(), null, null);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot set the time of the link {}: {}", link, e.toString());
        }
    }

    private void copyFile(String relativePath, Path path, PosixFileAttributes attributes)
            throws IOException, InterruptedException {
        Path file = LocalTrees.inside(target, relativePath);
        if (reference != null && reuse(relativePath, file, attributes)) {
            listener.fileDone(relativePath);
            return;
        }
        long copied;
        try {
            copied = copyContent(path, file, attributes, throttle);
        } catch (IOException e) {
            throw withPaths(e, path, file);
        }
        if (copied < 0) {
            return;
        }
        files.increment();
        bytes.add(copied);
        listener.fileDone(relativePath);
    }

    /** @return whether the file was taken from the reference */
    private boolean reuse(String relativePath, Path file, PosixFileAttributes attributes)
            throws IOException, InterruptedException {
        Path previous = reference.resolve(relativePath);
        PosixFileAttributes old;
        try {
            old = Files.readAttributes(previous, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!old.isRegularFile() || old.size() != attributes.size()
                || !old.lastModifiedTime().equals(attributes.lastModifiedTime())
                || !old.permissions().equals(attributes.permissions())) {
            return false;
        }
        if (reuseMode == ReuseMode.LINK) {
            hardLink(file, previous);
            files.increment();
            bytes.add(old.size());
            reusedFiles.increment();
            linkedBytes.add(old.size());
            listener.transferred(old.size());
            return true;
        }
        long copied;
        try {
            copied = copyContent(previous, file, attributes, null);
        } catch (IOException e) {
            throw withPaths(e, previous, file);
        }
        if (copied < 0) {
            return false;
        }
        files.increment();
        bytes.add(copied);
        reusedFiles.increment();
        return true;
    }

    private void hardLink(Path link, Path existing) throws IOException {
        try {
            try {
                Files.createLink(link, existing);
            } catch (FileAlreadyExistsException e) {
                LocalTrees.deleteTree(link);
                Files.createLink(link, existing);
            }
        } catch (UnsupportedOperationException | FileSystemException e) {
            String why = e instanceof FileSystemException fse ? LocalTrees.reason(fse)
                    : "hard links are not supported";
            throw new BarmanException("reuse_backup = link cannot hard-link " + link + " to " + existing + " ("
                    + why + "): the backup folder must be on a file system with hard links, shared with the "
                    + "previous backup; or set reuse_backup = copy", e);
        }
    }

    /**
     * @return the bytes copied, or -1 when the source vanished (or became a link) before it could be opened
     */
    private long copyContent(Path from, Path to, PosixFileAttributes attributes, Throttle limit)
            throws IOException, InterruptedException {
        FileChannel in;
        try {
            in = FileChannel.open(from, StandardOpenOption.READ, NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            changes.vanished(from.toString());
            LOG.debug("{} vanished during the copy: skipped", from);
            return -1;
        } catch (FileSystemException e) {
            if (!Files.isSymbolicLink(from)) {
                throw e;
            }
            changes.changedKind(from.toString(), "a file", "a link");
            LOG.debug("{} became a link during the copy: skipped", from);
            return -1;
        }
        long position = 0;
        try (in) {
            FileChannel out = LocalTrees.createFile(to);
            boolean handedOver = false;
            try {
                long chunk = limit == null ? CHUNK : limit.chunk();
                long moved;
                long writtenBack = 0;
                while ((moved = in.transferTo(position, chunk, out)) > 0) {
                    position += moved;
                    if (syncer != null && position - writtenBack >= WRITE_BACK) {
                        syncer.writeBack(out, to);
                        writtenBack = position;
                    }
                    listener.transferred(moved);
                    if (limit != null) {
                        limit.consumed(moved);
                    }
                }
                if (position != attributes.size()) {
                    changes.resized(from.toString(), attributes.size(), position);
                }
                Files.setPosixFilePermissions(to, attributes.permissions());
                Files.getFileAttributeView(to, BasicFileAttributeView.class)
                        .setTimes(attributes.lastModifiedTime(), null, null);
                if (syncer != null) {
                    syncer.syncAndClose(out, to);
                    handedOver = true;
                }
            } finally {
                if (!handedOver) {
                    out.close();
                }
            }
        }
        return position;
    }

    // ---- after the files

    /** Makes pre-existing folders (a retry) copies of the source: removes what the source does not have. */
    private void removeExtraneous() throws IOException {
        for (Folder folder : folders) {
            if (!folder.existed()) {
                continue;
            }
            Path sourceFolder = folder.relativePath().isEmpty() ? source : source.resolve(folder.relativePath());
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder.target())) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    String entryPath = folder.relativePath().isEmpty() ? name : folder.relativePath() + '/' + name;
                    if (Files.exists(sourceFolder.resolve(name), NOFOLLOW_LINKS)
                            || exclusions.excludes(entryPath, Files.isDirectory(entry, NOFOLLOW_LINKS))) {
                        continue;
                    }
                    LOG.debug("Removing {}: not in {}", entry, source);
                    LocalTrees.deleteTree(entry);
                }
            }
        }
    }

    private void applyFolderAttributes() throws IOException {
        for (int i = folders.size() - 1; i >= 0; i--) {
            Folder folder = folders.get(i);
            Files.setPosixFilePermissions(folder.target(), folder.permissions());
            Files.getFileAttributeView(folder.target(), BasicFileAttributeView.class)
                    .setTimes(folder.modified(), null, null);
        }
    }

    // ---- helpers

    private static Path existingAncestor(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? path.getRoot() : existing;
    }

    private static Path realPathOfExistingPart(Path path) throws IOException {
        Path existing = existingAncestor(path);
        return existing.toRealPath().resolve(existing.relativize(path)).normalize();
    }

    private static BarmanException withPaths(IOException e, Path from, Path to) {
        return new BarmanException("cannot copy " + from + " to " + to + ": " + LocalTrees.reason(e), e);
    }
}
