package org.barman.transport.ssh;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import com.jcraft.jsch.Session;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.ReuseMode;
import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.ShellWords;
import org.barman.api.support.Throttle;
import org.barman.api.support.TreePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull: a remote tree into the backup host, with the guarantees of {@link org.barman.api.Transport#pull}.
 *
 * <p>The plan comes first, from one remote listing ({@link RemoteListing}): folders and links are made locally
 * from it, and each file is either taken from the previous backup (same size, modification time and permission
 * bits: hard link or local copy) or streamed. The files to stream are split into balanced groups, one per
 * connection, and each group comes as one remote GNU {@code tar} stream of exactly those files
 * ({@code --files-from}, {@code --no-recursion}), read with Commons Compress and written straight to the final
 * files. Permission bits and times come from the listing (to the nanosecond, which tar's headers cannot carry), so
 * the next backup's reuse compares like with like. A file missing from a stream vanished after the listing and is
 * skipped; one that shrank is padded with zeros by tar, as PostgreSQL's own base backup does, and WAL replay
 * repairs both. Written files are fsynced while the copy goes on, folders at the end.
 *
 * <p>Neither the listing nor the streams are trusted: the listing's entries are checked by {@link RemoteListing}, a
 * stream may only hold the regular files asked of it (a hard link, an unsafe name or one not asked for fails the
 * copy), and every local path is resolved by {@link LocalTrees#inside}, which never goes through a link.
 */
final class PullCopy {

    private static final Logger LOG = LoggerFactory.getLogger(PullCopy.class);

    /** tar's record: 256 blocks of 512 bytes, 128 KiB per write on the remote side. */
    static final int TAR_BLOCKING_FACTOR = 256;
    private static final int BUFFER = 1024 * 1024;
    /** After a broken stream, how long to wait for the remote tar's exit code and message. */
    private static final long STREAM_END_WAIT_MILLIS = 5000;

    private record Folder(Path target, String relativePath, TreeEntry entry, boolean existed) {
    }

    private final SshSessions sessions;
    private final int parallelJobs;
    private final CopyJob job;
    private final CopyListener listener;
    private final String destination;
    private final Path target;
    private final Throttle throttle;

    private final LongAdder files = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reusedFiles = new LongAdder();
    private final LongAdder linkedBytes = new LongAdder();
    private final ParallelStreams streams = new ParallelStreams("barman-ssh-pull");
    private FileSyncer syncer;

    PullCopy(SshSessions sessions, int parallelJobs, CopyJob job, CopyListener listener) {
        this.sessions = sessions;
        this.parallelJobs = parallelJobs;
        this.job = job;
        this.listener = listener == null ? CopyListener.NONE : listener;
        this.destination = sessions.settings().destination();
        this.target = job.localPath().toAbsolutePath().normalize();
        this.throttle = job.bandwidthLimitKbps() > 0 ? new Throttle(job.bandwidthLimitKbps()) : null;
    }

    /**
     * @return what was copied
     * @throws BarmanException naming what failed
     */
    CopyResult run() {
        try {
            return copy();
        } catch (InterruptedException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("the copy of " + job.remotePath() + " from " + destination + " was "
                    + "interrupted", e);
        } catch (IOException e) {
            throw new BarmanException("cannot copy " + job.remotePath() + " from " + destination + " to " + target
                    + ": " + LocalTrees.reason(e), e);
        }
    }

    private CopyResult copy() throws IOException, InterruptedException {
        Exclusions exclusions;
        try {
            exclusions = Exclusions.of(job.exclusions());
        } catch (IllegalArgumentException e) {
            throw new BarmanException("cannot copy " + job.remotePath() + ": " + e.getMessage(), e);
        }
        CipherWarmUp.start();
        List<Session> connections = sessions.open(parallelJobs);
        List<TreeEntry> entries = RemoteListing.list(connections.get(0), job.remotePath(), false, exclusions,
                destination);
        Path reference = usableReference();
        List<Path> createdParents = LocalTrees.createParents(target);
        syncer = new FileSyncer();
        boolean finished = false;
        try {
            List<Folder> folders = new ArrayList<>();
            List<TreeEntry> toStream = new ArrayList<>();
            List<TreeEntry> toReuse = new ArrayList<>();
            Set<String> paths = new HashSet<>();
            long plannedBytes = 0;
            for (TreeEntry entry : entries) {
                paths.add(entry.path());
                Path local = local(entry);
                switch (entry.kind()) {
                    case FOLDER -> folders.add(new Folder(local, entry.path(), entry, LocalTrees.ensureFolder(local)));
                    case LINK -> LocalTrees.createLink(local, entry.linkTarget());
                    case FILE -> {
                        plannedBytes += entry.size();
                        if (reference != null && unchanged(entry, reference.resolve(entry.path()))) {
                            toReuse.add(entry);
                        } else {
                            toStream.add(entry);
                        }
                    }
                    default -> throw new IllegalStateException(entry.kind().toString());
                }
            }
            removeExtraneous(folders, paths, exclusions);
            listener.planned(toReuse.size() + toStream.size(), plannedBytes);
            for (TreeEntry file : toReuse) {
                reuse(file, reference.resolve(file.path()));
            }
            streams.run(connections, toStream, this::streamGroup);
            for (int i = folders.size() - 1; i >= 0; i--) {
                Folder folder = folders.get(i);
                Files.setPosixFilePermissions(folder.target(), folder.entry().permissions());
                Files.getFileAttributeView(folder.target(), BasicFileAttributeView.class)
                        .setTimes(folder.entry().modified(), null, null);
            }
            for (Folder folder : folders) {
                syncer.syncFolder(folder.target());
            }
            for (Path parent : createdParents) {
                syncer.syncFolder(parent);
            }
            syncer.finish();
            finished = true;
        } finally {
            if (!finished) {
                syncer.abandon();
            }
        }
        return new CopyResult(files.sum(), bytes.sum(), reusedFiles.sum(), linkedBytes.sum());
    }

    private Path local(TreeEntry entry) throws IOException {
        return LocalTrees.inside(target, entry.path());
    }

    private Path usableReference() throws IOException {
        if (job.reuseMode() == ReuseMode.OFF || job.reference() == null) {
            return null;
        }
        Path candidate = job.reference().toAbsolutePath().normalize();
        if (!Files.isDirectory(candidate)) {
            LOG.info("No previous copy at {}: every file of {} is copied", candidate, job.remotePath());
            return null;
        }
        if (job.reuseMode() == ReuseMode.LINK) {
            FileStore referenceStore = Files.getFileStore(candidate);
            Path existing = target;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            FileStore targetStore = Files.getFileStore(existing == null ? target.getRoot() : existing);
            if (!referenceStore.equals(targetStore)) {
                throw new BarmanException("reuse_backup = link needs the new backup and the previous one on one "
                        + "file system, but " + target + " is on " + targetStore + " and " + candidate + " on "
                        + referenceStore + ": hard links cannot cross file systems. Keep the backups on one file "
                        + "system, or set reuse_backup = copy");
            }
        }
        return candidate;
    }

    private static boolean unchanged(TreeEntry file, Path previous) throws IOException {
        PosixFileAttributes old;
        try {
            old = Files.readAttributes(previous, PosixFileAttributes.class, NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        return old.isRegularFile() && old.size() == file.size() && old.lastModifiedTime().equals(file.modified())
                && TreeEntry.mode(old.permissions()) == file.mode();
    }

    /** Makes folders that existed before (a retry) copies of the source: removes what the source does not have. */
    private void removeExtraneous(List<Folder> folders, Set<String> paths, Exclusions exclusions)
            throws IOException {
        for (Folder folder : folders) {
            if (!folder.existed()) {
                continue;
            }
            List<Path> children = new ArrayList<>();
            try (var stream = Files.newDirectoryStream(folder.target())) {
                stream.forEach(children::add);
            }
            for (Path child : children) {
                String name = child.getFileName().toString();
                String path = folder.relativePath().isEmpty() ? name : folder.relativePath() + '/' + name;
                if (paths.contains(path) || exclusions.excludes(path, Files.isDirectory(child, NOFOLLOW_LINKS))) {
                    continue;
                }
                LOG.debug("Removing {}: not in {}", child, job.remotePath());
                LocalTrees.deleteTree(child);
            }
        }
    }

    private void reuse(TreeEntry file, Path previous) throws IOException {
        Path local = local(file);
        if (job.reuseMode() == ReuseMode.LINK) {
            try {
                try {
                    Files.createLink(local, previous);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    LocalTrees.deleteTree(local);
                    Files.createLink(local, previous);
                }
            } catch (UnsupportedOperationException | FileSystemException e) {
                String why = e instanceof FileSystemException fse ? LocalTrees.reason(fse)
                        : "hard links are not supported";
                throw new BarmanException("reuse_backup = link cannot hard-link " + local + " to " + previous + " ("
                        + why + "): the backup folder must be on a file system with hard links, shared with the "
                        + "previous backup; or set reuse_backup = copy", e);
            }
            linkedBytes.add(file.size());
            listener.transferred(file.size());
        } else {
            try (FileChannel in = FileChannel.open(previous, StandardOpenOption.READ)) {
                FileChannel out = LocalTrees.createFile(local);
                boolean handedOver = false;
                try {
                    long position = 0;
                    long moved;
                    while ((moved = in.transferTo(position, 8L * 1024 * 1024, out)) > 0) {
                        position += moved;
                        listener.transferred(moved);
                    }
                    finishFile(local, file);
                    syncer.syncAndClose(out, local);
                    handedOver = true;
                } finally {
                    if (!handedOver) {
                        out.close();
                    }
                }
            }
        }
        files.increment();
        bytes.add(file.size());
        reusedFiles.increment();
        listener.fileDone(file.path());
    }

    private static void finishFile(Path local, TreeEntry file) throws IOException {
        Files.setPosixFilePermissions(local, file.permissions());
        Files.getFileAttributeView(local, BasicFileAttributeView.class).setTimes(file.modified(), null, null);
    }

    // ---- streaming

    /** The remote half of a stream: GNU tar writing exactly the listed files, as they are when it reads them. */
    static String tarCommand(String root) {
        return "LC_ALL=C; export LC_ALL\ncd -- " + ShellWords.quote(root) + " || exit 2\n"
                + "exec tar -c -f - -b " + TAR_BLOCKING_FACTOR + " --format=gnu --null --no-recursion "
                + "--hard-dereference --ignore-failed-read -T -";
    }

    private void streamGroup(Session session, List<TreeEntry> group) throws IOException, InterruptedException {
        if (group.isEmpty()) {
            return;
        }
        StringBuilder names = new StringBuilder();
        Map<String, TreeEntry> expected = new HashMap<>();
        for (TreeEntry file : group) {
            names.append("./").append(file.path()).append('\0');
            expected.put(file.path(), file);
        }
        Set<String> received = new HashSet<>();
        String stream = "the tar stream of " + job.remotePath() + " on " + destination;
        RemoteCommand tar = RemoteCommand.start(session, tarCommand(job.remotePath()),
                names.toString().getBytes(StandardCharsets.UTF_8), destination);
        streams.started(tar);
        try {
            byte[] buffer = new byte[BUFFER];
            try (TarArchiveInputStream in = new TarArchiveInputStream(tar.stdout(), "UTF-8")) {
                TarArchiveEntry entry;
                while ((entry = in.getNextEntry()) != null) {
                    if (streams.failed()) {
                        return;
                    }
                    String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                    TreePaths.requireSafe(name, stream);
                    TreeEntry file = expected.get(name);
                    if (file == null || received.contains(name)) {
                        throw new BarmanException(stream + " holds '" + name + "', which was not asked for: refused, "
                                + "since a copy must never write what its listing did not name");
                    }
                    if (entry.isLink()) {
                        throw new BarmanException(stream + " holds '" + name + "' as a hard link, which tar never "
                                + "sends for this copy (--hard-dereference): refused");
                    }
                    if (!entry.isFile()) {
                        LOG.debug("{} is no longer a regular file: skipped", name);
                        continue;
                    }
                    received.add(name);
                    write(in, file, buffer);
                }
                tar.stdout().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                if (streams.failed()) {
                    return;
                }
                if (!session.isConnected()) {
                    throw new BarmanException("the connection to " + destination + " was lost while copying "
                            + job.remotePath(), e);
                }
                int exit = tar.waitFor(destination, STREAM_END_WAIT_MILLIS);
                throw new BarmanException("cannot copy " + job.remotePath() + " from " + destination + ": the "
                        + "stream broke (" + LocalTrees.reason(e) + ")" + tarFailure(tar, exit), e);
            }
            int exit = tar.waitFor(destination);
            if (exit != 0 && exit != 1) {
                throw new BarmanException("cannot copy " + job.remotePath() + " from " + destination
                        + tarFailure(tar, exit));
            }
            List<String> missing = group.stream().map(TreeEntry::path).filter(path -> !received.contains(path))
                    .toList();
            if (!missing.isEmpty()) {
                vanished(missing, tar.stderr());
            }
        } finally {
            streams.ended(tar);
            tar.close();
        }
    }

    private static String tarFailure(RemoteCommand tar, int exit) {
        String stderr = tar.stderr().strip();
        String status = exit < 0 ? "remote tar still ran" : "remote tar exited with " + exit;
        return " (" + status + (stderr.isEmpty() ? ")" : ": " + stderr + ")");
    }

    /** Files tar did not send: vanished after the listing, unless tar says why otherwise. */
    private void vanished(List<String> missing, String stderr) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.endsWith("No such file or directory") && !line.contains("file changed as we "
                    + "read it") && !line.contains("File shrank by")) {
                problems.add(line.strip());
            }
        }
        if (!problems.isEmpty()) {
            throw new BarmanException("cannot copy " + job.remotePath() + " from " + destination + ": "
                    + String.join("; ", problems));
        }
        for (String path : missing) {
            LOG.debug("{}/{} vanished during the copy: skipped", job.remotePath(), path);
            LocalTrees.deleteTree(LocalTrees.inside(target, path));
        }
    }

    private void write(InputStream in, TreeEntry file, byte[] buffer) throws IOException, InterruptedException {
        Path local = localWrite(target.resolve(file.path()), () -> LocalTrees.inside(target, file.path()));
        FileChannel out = localWrite(local, () -> LocalTrees.createFile(local));
        boolean handedOver = false;
        long total = 0;
        try {
            int chunk = throttle == null ? buffer.length : (int) Math.min(buffer.length, throttle.chunk());
            int read;
            while ((read = in.read(buffer, 0, chunk)) > 0) {
                ByteBuffer data = ByteBuffer.wrap(buffer, 0, read);
                localWrite(local, () -> {
                    while (data.hasRemaining()) {
                        out.write(data);
                    }
                    return null;
                });
                total += read;
                listener.transferred(read);
                if (throttle != null) {
                    throttle.consumed(read);
                }
            }
            localWrite(local, () -> {
                finishFile(local, file);
                return null;
            });
            syncer.syncAndClose(out, local);
            handedOver = true;
        } finally {
            if (!handedOver) {
                out.close();
            }
        }
        files.increment();
        bytes.add(total);
        listener.fileDone(file.path());
    }

    @FunctionalInterface
    private interface LocalIo<T> {
        T run() throws IOException;
    }

    /** Runs local I/O, so that its failures name the local file and are never taken for a broken stream. */
    private static <T> T localWrite(Path local, LocalIo<T> io) {
        try {
            return io.run();
        } catch (IOException e) {
            throw new BarmanException("cannot write " + local + ": " + LocalTrees.reason(e), e);
        }
    }
}
