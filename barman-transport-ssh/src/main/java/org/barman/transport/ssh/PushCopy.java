package org.barman.transport.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import com.jcraft.jsch.Session;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.ShellWords;
import org.barman.api.support.SourceChanges;
import org.barman.api.support.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push: a tree of the backup host (a backup, for a recovery) into a remote folder, with the guarantees of
 * {@link org.barman.api.Transport#push}.
 *
 * <p>The remote folder is created, or listed when it exists, so that what the source does not have (and what is
 * of another kind) is removed first, except what the exclusions protect. Files and links then go in balanced groups,
 * one per connection, each as a PAX tar stream ({@link TarWriter}, nanosecond times) into a remote GNU
 * {@code tar -x}; a last small stream sets the folders' permission bits and times once their content is complete (so
 * that read-only folders can be filled). Each stream then fsyncs its files on the remote side ({@code sync FILE...}),
 * and the last one the folders, so that the copy is on stable storage when the call returns.
 *
 * <p>The source is a backup, which must not change while a recovery copies it: with {@link SourceChanges#FATAL} (what
 * the transport passes) a file or folder that vanishes after the listing, a file whose size differs from the
 * listing's when it is read, or one that became something else fails the copy, naming it. The remote listing of an
 * existing destination is checked like a pull's ({@link RemoteListing}).
 */
final class PushCopy {

    private static final Logger LOG = LoggerFactory.getLogger(PushCopy.class);
    private static final int BUFFER = 256 * 1024;
    private static final long STREAM_END_WAIT_MILLIS = 5000;

    private final SshSessions sessions;
    private final int parallelJobs;
    private final CopyJob job;
    private final CopyListener listener;
    private final String destination;
    private final Path source;
    private final String root;
    private final Throttle throttle;
    private final SourceChanges changes;

    private final LongAdder files = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final ParallelStreams streams = new ParallelStreams("barman-ssh-push");

    PushCopy(SshSessions sessions, int parallelJobs, CopyJob job, CopyListener listener, SourceChanges changes) {
        this.sessions = sessions;
        this.parallelJobs = parallelJobs;
        this.job = job;
        this.listener = listener == null ? CopyListener.NONE : listener;
        this.destination = sessions.settings().destination();
        this.source = job.localPath().toAbsolutePath().normalize();
        this.root = job.remotePath();
        this.throttle = job.bandwidthLimitKbps() > 0 ? new Throttle(job.bandwidthLimitKbps()) : null;
        this.changes = changes;
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
            throw new BarmanException("the copy of " + source + " to " + root + " on " + destination
                    + " was interrupted", e);
        } catch (IOException e) {
            throw new BarmanException("cannot copy " + source + " to " + root + " on " + destination + ": "
                    + LocalTrees.reason(e), e);
        }
    }

    private CopyResult copy() throws IOException, InterruptedException {
        Exclusions exclusions;
        try {
            exclusions = Exclusions.of(job.exclusions());
        } catch (IllegalArgumentException e) {
            throw new BarmanException("cannot copy " + source + ": " + e.getMessage(), e);
        }
        List<TreeEntry> local = LocalFiles.list(source, exclusions, changes);
        CipherWarmUp.start();
        List<Session> connections = sessions.open(parallelJobs);
        List<TreeEntry> remote = RemoteListing.list(connections.get(0), root, true, exclusions, destination);
        prepareRemote(connections.get(0), local, remote);

        List<TreeEntry> folders = new ArrayList<>();
        List<TreeEntry> content = new ArrayList<>();
        long plannedFiles = 0;
        long plannedBytes = 0;
        for (TreeEntry entry : local) {
            if (entry.kind() == TreeEntry.Kind.FOLDER) {
                folders.add(entry);
            } else {
                content.add(entry);
                if (entry.kind() == TreeEntry.Kind.FILE) {
                    plannedFiles++;
                    plannedBytes += entry.size();
                }
            }
        }
        listener.planned(plannedFiles, plannedBytes);
        if (connections.size() > 1) {
            makeFolders(connections.get(0), folders);
        }
        streams.run(connections, content, (session, group) -> sendEntries(session, group, false));
        finish(connections.get(0), folders);
        return new CopyResult(files.sum(), bytes.sum(), 0, 0);
    }

    /** Makes existing remote folders writable (a retry may meet read-only ones) and removes what must go. */
    private void prepareRemote(Session session, List<TreeEntry> local, List<TreeEntry> remote) {
        Map<String, TreeEntry.Kind> localKinds = new HashMap<>();
        for (TreeEntry entry : local) {
            localKinds.put(entry.path(), entry.kind());
        }
        StringBuilder writable = new StringBuilder();
        StringBuilder removals = new StringBuilder();
        String removed = null;
        for (TreeEntry entry : remote) {
            if (removed != null && entry.path().startsWith(removed + "/")) {
                if (entry.kind() == TreeEntry.Kind.FOLDER && (entry.mode() & 0700) != 0700) {
                    writable.append("./").append(entry.path()).append('\0');
                }
                continue;
            }
            if (entry.kind() == TreeEntry.Kind.FOLDER && (entry.mode() & 0700) != 0700) {
                writable.append(entry.path().isEmpty() ? "." : "./" + entry.path()).append('\0');
            }
            if (!entry.path().isEmpty() && localKinds.get(entry.path()) != entry.kind()) {
                removals.append("./").append(entry.path()).append('\0');
                removed = entry.path();
            }
        }
        String cd = "LC_ALL=C; export LC_ALL\ncd -- " + ShellWords.quote(root) + " || exit 2\n";
        if (writable.length() > 0) {
            check(RemoteCommand.run(session, cd + "exec xargs -0 chmod u+rwx --",
                    writable.toString().getBytes(StandardCharsets.UTF_8), destination), "make folders writable");
        }
        if (removals.length() > 0) {
            LOG.debug("Removing from {} on {} what the source does not have", root, destination);
            check(RemoteCommand.run(session, cd + "exec xargs -0 rm -rf --",
                    removals.toString().getBytes(StandardCharsets.UTF_8), destination), "remove old content");
        }
    }

    /**
     * Makes the folders before parallel streams extract files into them: GNU tar makes a missing parent itself, but
     * gives up on the file ("Cannot open") when another stream made that parent in between. Their modes and times
     * are set at the end, with the folders' own entries.
     */
    private void makeFolders(Session session, List<TreeEntry> folders) {
        StringBuilder paths = new StringBuilder();
        for (TreeEntry folder : folders) {
            if (!folder.path().isEmpty()) {
                paths.append("./").append(folder.path()).append('\0');
            }
        }
        if (paths.length() > 0) {
            check(RemoteCommand.run(session, "LC_ALL=C; export LC_ALL\ncd -- " + ShellWords.quote(root)
                    + " || exit 2\nexec xargs -0 mkdir -p --", paths.toString().getBytes(StandardCharsets.UTF_8),
                    destination), "make the folders");
        }
    }

    private void check(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new BarmanException("cannot " + what + " in " + root + " on " + destination + ": "
                    + result.stderr().strip());
        }
    }

    /** The remote half of a stream: GNU tar extracting with exact permission bits, owned by the remote user. */
    static String extractCommand(String root) {
        return "LC_ALL=C; export LC_ALL\ncd -- " + ShellWords.quote(root) + " || exit 2\n"
                + "exec tar -x -f - -p --no-same-owner";
    }

    /**
     * The remote fsync of what a stream wrote: {@code sync FILE...} (coreutils 8.24 and newer fsync each file, and
     * fail with the file's error), or a whole-system {@code sync} where {@code sync} takes no file (it reports no
     * error, so it is never a fallback after a failed {@code sync FILE...}).
     */
    static String syncCommand(String root) {
        return "LC_ALL=C; export LC_ALL\ncd -- " + ShellWords.quote(root) + " || exit 2\n"
                + "if sync --help 2>&1 | grep -q -e --file-system; then exec xargs -0 -r sync --; else exec sync; fi";
    }

    private void syncRemote(Session session, List<TreeEntry> entries, boolean folders) {
        StringBuilder paths = new StringBuilder();
        for (TreeEntry entry : entries) {
            if (entry.kind() == TreeEntry.Kind.FILE || folders && entry.kind() == TreeEntry.Kind.FOLDER) {
                paths.append(entry.path().isEmpty() ? "." : "./" + entry.path()).append('\0');
            }
        }
        if (folders) {
            paths.append("..").append('\0');
        }
        if (paths.length() > 0) {
            check(RemoteCommand.run(session, syncCommand(root), paths.toString().getBytes(StandardCharsets.UTF_8),
                    destination), "sync what was written");
        }
    }

    private void finish(Session session, List<TreeEntry> folders) throws IOException, InterruptedException {
        sendEntries(session, folders, true);
    }

    private void sendEntries(Session session, List<TreeEntry> entries, boolean lastFolders) throws IOException,
            InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        RemoteCommand tar = RemoteCommand.start(session, extractCommand(root), null, destination);
        streams.started(tar);
        try {
            try (OutputStream stdin = tar.stdin()) {
                TarWriter out = new TarWriter(stdin);
                byte[] buffer = new byte[BUFFER];
                for (TreeEntry entry : entries) {
                    if (streams.failed() && !lastFolders) {
                        return;
                    }
                    send(out, entry, buffer);
                }
                out.finish();
            } catch (IOException e) {
                if (streams.failed() && !lastFolders) {
                    return;
                }
                if (!session.isConnected()) {
                    throw new BarmanException("the connection to " + destination + " was lost while copying "
                            + source, e);
                }
                int exit = tar.waitFor(destination, STREAM_END_WAIT_MILLIS);
                throw new BarmanException("cannot copy " + source + " to " + root + " on " + destination
                        + ": the stream broke (" + LocalTrees.reason(e) + ")" + tarFailure(tar, exit), e);
            }
            int exit = tar.waitFor(destination);
            if (exit != 0) {
                throw new BarmanException("cannot copy " + source + " to " + root + " on " + destination
                        + tarFailure(tar, exit));
            }
            syncRemote(session, entries, lastFolders);
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

    private void send(TarWriter out, TreeEntry entry, byte[] buffer) throws IOException, InterruptedException {
        switch (entry.kind()) {
            case FOLDER -> {
                out.folder(entry.path(), entry.mode(), entry.modified());
                return;
            }
            case LINK -> {
                out.link(entry.path(), entry.linkTarget(), entry.modified());
                return;
            }
            case FILE -> {
                // below
            }
            default -> throw new IllegalStateException(entry.kind().toString());
        }
        Path file = source.resolve(entry.path());
        InputStream in = openListed(file, entry);
        if (in == null) {
            return;
        }
        try (in) {
            out.file(entry.path(), entry.mode(), entry.size(), entry.modified());
            long remaining = entry.size();
            int chunk = throttle == null ? buffer.length : (int) Math.min(buffer.length, throttle.chunk());
            while (remaining > 0) {
                int read = readLocal(in, buffer, (int) Math.min(chunk, remaining), file);
                if (read < 0) {
                    changes.resized(file.toString(), entry.size(), entry.size() - remaining);
                    LOG.debug("{} shrank during the copy: padded with zeros", file);
                    java.util.Arrays.fill(buffer, (byte) 0);
                    read = (int) Math.min(chunk, remaining);
                }
                out.write(buffer, 0, read);
                remaining -= read;
                listener.transferred(read);
                if (throttle != null) {
                    throttle.consumed(read);
                }
            }
            if (changes == SourceChanges.FATAL && readLocal(in, buffer, 1, file) > 0) {
                changes.resized(file.toString(), entry.size(), sizeNow(file));
            }
            out.closeEntry();
        }
        files.increment();
        bytes.add(entry.size());
        listener.fileDone(entry.path());
    }

    /** @return the listed file, open for reading, or null when it vanished or changed kind and that is tolerated */
    private InputStream openListed(Path file, TreeEntry entry) {
        try {
            PosixFileAttributes now = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!now.isRegularFile()) {
                changes.changedKind(file.toString(), "a file", SourceChanges.kindOf(now));
                LOG.debug("{} is no longer a regular file: skipped", file);
                return null;
            }
            return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            changes.vanished(file.toString());
            LOG.debug("{} vanished during the copy: skipped", file);
            return null;
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + LocalTrees.reason(e), e);
        }
    }

    private static long sizeNow(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static int readLocal(InputStream in, byte[] buffer, int length, Path file) {
        try {
            return in.read(buffer, 0, length);
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + LocalTrees.reason(e), e);
        }
    }
}
