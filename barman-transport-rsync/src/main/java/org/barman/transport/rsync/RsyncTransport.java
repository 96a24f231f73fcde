package org.barman.transport.rsync;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.barman.api.support.ShellWords;
import org.barman.api.support.SourceChanges;
import org.barman.api.support.TreePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code rsync} transport: copies drive the real {@code rsync} of both hosts, over the server's
 * {@code ssh_command} ({@code rsync -e "<ssh and its options>" user@host:/path/ /local/path/}); commands run with
 * that same ssh.
 *
 * <p>A copy keeps what {@link Transport#pull} promises: {@code -rlpt} (recursive, links as links, permission bits,
 * modification times; not owners, which belong to the user running Barman, nor devices and special files),
 * {@code --delete} so that a retry into an existing destination ends as a copy of the source (what an exclusion
 * matches is protected; {@code --ignore-errors}, because a folder that vanishes during the copy would otherwise stop
 * every deletion, while a real error still fails the copy), the job's exclusions as {@code --filter} rules
 * ({@link RsyncFilters}), {@code --bwlimit}, {@code -z} when {@code network_compression} is on,
 * {@code --link-dest} or {@code --copy-dest} for {@code reuse_backup = link} or {@code copy}, and
 * {@code --modify-window=-1} so that rsync's "quick check" (same size and modification time) compares times to the
 * nanosecond; with {@code -p}, rsync reuses a file of the previous backup only when its permission bits match too,
 * which is the {@link CopyJob} rule.
 *
 * <p>Every copy lists the source ({@code rsync --list-only}) for the progress bar's total: with one job beside the
 * copy, over its own ssh connection (the copy's progress is held back until the total is known), else first. With
 * {@code parallel_jobs = N} (N &gt; 1) the listed files and links are shared among N groups of about the same bytes,
 * largest file first ({@link FileGroups}), and the copy runs in three steps: the folders are created (by this
 * process for a pull, by one rsync for a push), N rsync processes copy a group each at once
 * ({@code --files-from}), each with 1/N of the bandwidth limit, and a last rsync over the whole tree
 * ({@code --delete --ignore-existing}) removes what the source no longer has, copies what appeared since the
 * listing, and sets the folders' times and bits. Each rsync run is a new ssh connection (about 0.1 s on a quiet
 * machine).
 *
 * <p>rsync's exit code 24 (files vanished during the copy) is a success, as is 23 when every error is a source file
 * that no longer exists ({@link RsyncStderr}); other codes fail the copy with rsync's and ssh's own lines. Before a
 * pull into an existing folder (a retry), its files with more than one hard link are unlinked, so that rsync, which
 * changes the attributes of an existing file in place, can never change the previous backup through them. When a copy
 * returns, what it wrote is on stable storage ({@link Durability}).
 *
 * <p>A push copies a backup, which must not change while a recovery copies it ({@link SourceChanges#FATAL}): a file
 * that vanishes fails it (exit codes 23 and 24 included), and the files rsync reports are compared with the listing
 * (same names, regular files, same sizes). What the other host's rsync sends is checked too ({@link TreePaths}): a
 * listed or itemized name outside the copied folder fails the copy, and the folders a pull creates itself are made
 * at paths {@link LocalTrees#inside} checked.
 */
public final class RsyncTransport implements Transport {

    /** The name in {@code transport =}. */
    public static final String NAME = "rsync";

    private static final Logger LOG = LoggerFactory.getLogger(RsyncTransport.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final RsyncSettings settings;
    private final SshCommand ssh;

    /** @param settings how to reach the host and copy */
    RsyncTransport(RsyncSettings settings) {
        this.settings = settings;
        this.ssh = settings.ssh();
    }

    @Override
    public String name() {
        return NAME;
    }

    // ---------------------------------------------------------------- the three operations

    @Override
    public CopyResult pull(CopyJob job, CopyListener listener) {
        String remote = withoutTrailingSlash(job.remotePath());
        Path local = job.localPath().toAbsolutePath().normalize();
        String what = ssh.rsyncLocation(remote) + " to " + local;
        try {
            Path reference = usableReference(job, local, what);
            OwnerOnly.createFolders(local.getParent());
            if (Files.isDirectory(local, NOFOLLOW_LINKS)) {
                unlinkSharedFiles(local);
            }
            Copy copy = new Copy(what, ssh.rsyncLocation(remote + "/"), remote, local + "/", local, null,
                    filters(job, what), job.reuseMode(), reference, job.bandwidthLimitKbps(), SourceChanges.TOLERATED);
            CopyResult result = copy(copy, listener == null ? CopyListener.NONE : listener);
            Durability.syncLocalTree(local);
            return result;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("the copy of " + what + " was interrupted", e);
        } catch (IOException e) {
            throw new BarmanException("cannot copy " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CopyResult push(CopyJob job, CopyListener listener) {
        String remote = withoutTrailingSlash(job.remotePath());
        Path local = job.localPath().toAbsolutePath().normalize();
        String what = local + " to " + ssh.rsyncLocation(remote);
        if (!Files.isDirectory(local)) {
            throw new BarmanException("cannot copy " + what + ": " + local + (Files.exists(local, NOFOLLOW_LINKS)
                    ? " is not a folder" : " does not exist") + " on this host");
        }
        try {
            Copy copy = new Copy(what, local + "/", local.toString(), ssh.rsyncLocation(remote + "/"), null,
                    "mkdir -p " + ShellWords.quote(remote) + " && rsync", filters(job, what), ReuseMode.OFF, null,
                    job.bandwidthLimitKbps(), SourceChanges.FATAL);
            CopyResult result = copy(copy, listener == null ? CopyListener.NONE : listener);
            CommandResult synced = run(Durability.remoteSyncCommand(remote));
            if (!synced.succeeded()) {
                throw new BarmanException("cannot sync " + remote + " on " + ssh.destination() + " after copying "
                        + what + ": sync exited with " + synced.exitCode() + ": " + synced.stderr().strip());
            }
            return result;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("the copy of " + what + " was interrupted", e);
        } catch (IOException e) {
            throw new BarmanException("cannot copy " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CommandResult run(String command) {
        List<String> words = ssh.commandLine("sh -c " + ShellWords.quote(command));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        LOG.debug("Running {}", ShellWords.join(words));
        int exit;
        try {
            exit = new ExternalCommand(words, null, stdout, stderr).run();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("interrupted while '" + command + "' ran on " + ssh.destination(), e);
        } catch (IOException e) {
            throw new BarmanException("cannot run ssh_command '" + ssh.text() + "': " + e.getMessage(), e);
        }
        String errors = stderr.toString(StandardCharsets.UTF_8);
        if (exit == 255) {
            Optional<String> failure = SshFailures.explain(errors.lines().toList(), ssh);
            if (failure.isPresent()) {
                throw new BarmanException("cannot run '" + command + "' on " + ssh.destination() + " through "
                        + "ssh_command '" + ssh.text() + "': " + failure.get());
            }
        }
        return new CommandResult(exit, stdout.toByteArray(), errors);
    }

    // ---------------------------------------------------------------- one copy

    /**
     * One copy, in either direction.
     *
     * @param what the copy in words, for messages
     * @param source rsync's name of the source folder, with a trailing slash
     * @param sourceRoot the source folder as rsync's errors name it
     * @param target rsync's name of the target folder, with a trailing slash
     * @param localTarget the target folder when it is on this host (a pull), else null
     * @param remoteRsync what runs rsync on the remote side when it is not plain {@code rsync} (a push creates
     *     the folder first), or null
     * @param filters the exclusions as rsync arguments
     * @param reuseMode what to do with unchanged files
     * @param reference the previous backup's tree, or null
     * @param bandwidthLimitKbps KB/s for the whole copy, 0 for none
     * @param changes what a change of the source during the copy does
     */
    private record Copy(String what, String source, String sourceRoot, String target, Path localTarget,
            String remoteRsync, List<String> filters, ReuseMode reuseMode, Path reference, long bandwidthLimitKbps,
            SourceChanges changes) {

        RsyncListing listing() {
            return new RsyncListing("the listing of " + source);
        }

        CopyProgress progress(CopyListener listener) {
            return new CopyProgress(listener, reuseMode, "rsync's output for " + what);
        }
    }

    private CopyResult copy(Copy copy, CopyListener listener) throws IOException {
        if (settings.parallelJobs() == 1) {
            return copyInOneJob(copy, listener);
        }
        RsyncListing listing = copy.listing();
        execute(copy, listWords(copy), null, listing::accept);
        listing.requireSafe();
        listener.planned(listing.files().size(), listing.fileBytes());
        CopyProgress progress = copy.progress(listener);
        List<RsyncListing.Entry> shared = listing.entries().stream()
                .filter(entry -> entry.kind() == RsyncListing.Kind.FILE || entry.kind() == RsyncListing.Kind.LINK)
                .toList();
        List<FileGroups.Group> groups = FileGroups.split(shared, settings.parallelJobs());

        if (copy.localTarget() == null || !createFolders(copy.localTarget(), listing)) {
            List<String> folders = rsync(copy, copy.bandwidthLimitKbps());
            folders.addAll(List.of("-rlpt", "--force", "--chmod=Du+rwx"));
            folders.addAll(copy.filters());
            folders.addAll(List.of("--filter=+ */", "--filter=- *", copy.source(), copy.target()));
            execute(copy, folders, null, line -> {
            });
        }

        copyGroups(copy, groups, progress);

        List<String> last = rsync(copy, copy.bandwidthLimitKbps());
        last.addAll(List.of("-rlpt", "--delete", "--ignore-errors", "--force", "--ignore-existing"));
        last.addAll(reuse(copy));
        last.addAll(copy.filters());
        last.addAll(List.of(copy.source(), copy.target()));
        execute(copy, last, null, progress::accept);
        progress.requireSafe();
        progress.requireAsListed(listing, copy.changes(), copy.sourceRoot());
        return progress.result();
    }

    /**
     * One rsync over the whole tree, while the listing that gives the progress bar its total runs beside it (its
     * own ssh connection): the copy does not wait for it, and its progress is held back until the total is known.
     */
    private CopyResult copyInOneJob(Copy copy, CopyListener listener) throws IOException {
        DeferredListener deferred = new DeferredListener(listener);
        RsyncListing listing = copy.listing();
        Running listRun = new Running(copy, listWords(copy), null, listing::accept);
        AtomicReference<Exception> listFailure = new AtomicReference<>();
        Thread lister = new Thread(() -> {
            try {
                listRun.execute();
                deferred.release(listing.files().size(), listing.fileBytes());
            } catch (IOException | RuntimeException e) {
                listFailure.set(e);
            }
        }, "barman-rsync-list-" + POOLS.incrementAndGet());
        lister.setDaemon(true);
        lister.start();
        CopyProgress progress = copy.progress(deferred);
        List<String> words = rsync(copy, copy.bandwidthLimitKbps());
        words.addAll(List.of("-rlpt", "--delete", "--ignore-errors", "--force", "--info=name2"));
        words.addAll(reuse(copy));
        words.addAll(copy.filters());
        words.addAll(List.of(copy.source(), copy.target()));
        boolean copied = false;
        try {
            execute(copy, words, null, progress::accept);
            copied = true;
        } finally {
            if (!copied) {
                listRun.kill();
            }
            try {
                lister.join();
            } catch (InterruptedException e) {
                listRun.kill();
                Thread.currentThread().interrupt();
            }
        }
        progress.requireSafe();
        if (listFailure.get() != null) {
            if (copy.changes() == SourceChanges.FATAL) {
                throw new BarmanException("cannot copy " + copy.what() + ": its listing, which shows that the copy "
                        + "is complete, failed: " + listFailure.get().getMessage(), listFailure.get());
            }
            LOG.warn("The copy of {} worked, but its listing for the progress total failed: {}", copy.what(),
                    listFailure.get().getMessage());
            deferred.release();
        }
        listing.requireSafe();
        progress.requireAsListed(listing, copy.changes(), copy.sourceRoot());
        return progress.result();
    }

    private List<String> listWords(Copy copy) {
        List<String> words = new ArrayList<>(List.of(settings.rsyncProgram(), "--list-only", "-r", "--no-h", "-8",
                "-e", RsyncRemoteShell.of(ssh.remoteShell())));
        words.addAll(copy.filters());
        words.add(copy.source());
        return words;
    }

    private void copyGroups(Copy copy, List<FileGroups.Group> groups, CopyProgress progress) throws IOException {
        if (groups.isEmpty()) {
            return;
        }
        long limit = copy.bandwidthLimitKbps() == 0 ? 0 : Math.max(1, copy.bandwidthLimitKbps() / groups.size());
        List<Running> running = new ArrayList<>();
        for (FileGroups.Group group : groups) {
            List<String> words = rsync(copy, limit);
            words.addAll(List.of("-lpt", "--force", "--files-from=-", "--from0", "--no-implied-dirs",
                    "--info=name2"));
            words.addAll(reuse(copy));
            words.addAll(copy.filters());
            words.addAll(List.of(copy.source(), copy.target()));
            running.add(new Running(copy, words, group.filesFrom(), progress::accept));
        }
        int pool = POOLS.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(running.size(), task -> {
            Thread t = new Thread(task, "barman-rsync-" + pool + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Running run : running) {
                futures.add(executor.submit(() -> {
                    try {
                        run.execute();
                    } catch (IOException | RuntimeException e) {
                        running.forEach(Running::kill);
                        throw e;
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    if (first == null || first instanceof InterruptedIOException) {
                        first = e.getCause();
                    }
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (first != null) {
                throw new IOException(first.getMessage(), first);
            }
        } catch (InterruptedException e) {
            running.forEach(Running::kill);
            throw new InterruptedIOException("interrupted while " + running.size() + " rsync processes copied "
                    + copy.what());
        } finally {
            executor.shutdownNow();
        }
    }

    /** One rsync process of a parallel copy, which another one's failure may stop. */
    private final class Running {
        private final Copy copy;
        private final List<String> words;
        private final byte[] stdin;
        private final Consumer<byte[]> stdout;
        private volatile ExternalCommand command;
        private volatile boolean killed;

        Running(Copy copy, List<String> words, byte[] stdin, Consumer<byte[]> stdout) {
            this.copy = copy;
            this.words = words;
            this.stdin = stdin;
            this.stdout = stdout;
        }

        void execute() throws IOException {
            RsyncTransport.this.execute(copy, words, stdin, stdout, started -> {
                command = started;
                if (killed) {
                    started.kill();
                }
            });
        }

        void kill() {
            killed = true;
            ExternalCommand started = command;
            if (started != null) {
                started.kill();
            }
        }
    }

    /** @return the start of an rsync command line shared by every step of a copy */
    private List<String> rsync(Copy copy, long bandwidthLimitKbps) {
        List<String> words = new ArrayList<>(List.of(settings.rsyncProgram(), "--modify-window=-1", "-8",
                "--out-format=" + ItemizedLine.OUT_FORMAT, "-e", RsyncRemoteShell.of(ssh.remoteShell())));
        if (settings.networkCompression()) {
            words.add("-z");
        }
        if (bandwidthLimitKbps > 0) {
            words.add("--bwlimit=" + bandwidthLimitKbps);
        }
        if (copy.remoteRsync() != null) {
            words.add("--rsync-path=" + copy.remoteRsync());
        }
        return words;
    }

    private static List<String> reuse(Copy copy) {
        if (copy.reference() == null) {
            return List.of();
        }
        return List.of((copy.reuseMode() == ReuseMode.LINK ? "--link-dest=" : "--copy-dest=") + copy.reference());
    }

    private void execute(Copy copy, List<String> words, byte[] stdin, Consumer<byte[]> stdout) throws IOException {
        execute(copy, words, stdin, stdout, started -> {
        });
    }

    /** Runs one rsync and fails with a message when it did not copy what it could. */
    private void execute(Copy copy, List<String> words, byte[] stdin, Consumer<byte[]> stdout,
            Consumer<ExternalCommand> started) throws IOException {
        RsyncStderr errors = new RsyncStderr(copy.sourceRoot(), copy.changes());
        LineSplitter out = new LineSplitter(stdout);
        LineSplitter err = new LineSplitter(errors::accept);
        ExternalCommand command = new ExternalCommand(words, stdin, out, err);
        started.accept(command);
        LOG.debug("Running {}", command.describe());
        int exit;
        try {
            exit = command.run();
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            RsyncVersion.requireLocal(settings.rsyncProgram());
            throw e;
        } finally {
            out.close();
            err.close();
        }
        if (exit == 1 || exit == 2 || exit == 127) {
            RsyncVersion.requireLocal(settings.rsyncProgram());
        }
        if (errors.rootMissing() != null) {
            throw new BarmanException("cannot copy " + copy.what() + ": the folder " + copy.sourceRoot()
                    + " does not exist" + (copy.source().startsWith("/") ? " on this host" : " on "
                    + ssh.destination()) + " (rsync said: " + errors.rootMissing() + ")");
        }
        if (errors.firstVanished() != null) {
            copy.changes().vanished(errors.firstVanished());
        }
        if (!errors.succeeded(exit)) {
            throw new BarmanException("cannot copy " + copy.what() + ": " + errors.reason(exit, ssh));
        }
        if (errors.vanished() > 0) {
            LOG.info("{} files or folders vanished while rsync copied {}: normal while PostgreSQL runs",
                    errors.vanished(), copy.what());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> filters(CopyJob job, String what) {
        try {
            return RsyncFilters.arguments(job.exclusions());
        } catch (IllegalArgumentException e) {
            throw new BarmanException("cannot copy " + what + ": " + e.getMessage(), e);
        }
    }

    private static Path usableReference(CopyJob job, Path local, String what) throws IOException {
        if (job.reuseMode() == ReuseMode.OFF || job.reference() == null) {
            return null;
        }
        Path reference = job.reference().toAbsolutePath().normalize();
        if (!Files.isDirectory(reference)) {
            LOG.info("No previous copy at {}: every file of {} is copied", reference, what);
            return null;
        }
        if (job.reuseMode() == ReuseMode.LINK) {
            FileStore referenceStore = Files.getFileStore(reference);
            FileStore targetStore = Files.getFileStore(existingAncestor(local));
            if (!referenceStore.equals(targetStore)) {
                throw new BarmanException("reuse_backup = link needs the new backup and the previous one on one "
                        + "file system, but " + local + " is on " + targetStore + " and " + reference + " on "
                        + referenceStore + ": hard links cannot cross file systems. Keep the backups on one file "
                        + "system, or set reuse_backup = copy");
            }
        }
        return reference;
    }

    /**
     * Creates the listed folders of a pull on this host before its parallel rsync processes fill them, saving an
     * rsync run (and an ssh connection). Whatever is in a folder's way is removed; the folders get their bits and
     * times from the last rsync pass.
     *
     * @return false when a folder name is one that a Java path of this JVM cannot hold: rsync must create them
     */
    private static boolean createFolders(Path root, RsyncListing listing) throws IOException {
        List<RsyncListing.Entry> folders = listing.entries().stream()
                .filter(entry -> entry.kind() == RsyncListing.Kind.FOLDER).toList();
        if (!folders.stream().allMatch(folder -> representable(folder.name()))) {
            return false;
        }
        OwnerOnly.createFolders(root);
        ensureWritable(root);
        for (RsyncListing.Entry folder : folders) {
            Path path = LocalTrees.inside(root, folder.text());
            if (Files.isDirectory(path, NOFOLLOW_LINKS)) {
                ensureWritable(path);
                continue;
            }
            if (Files.exists(path, NOFOLLOW_LINKS)) {
                Files.delete(path);
            }
            OwnerOnly.createFolders(path);
        }
        return true;
    }

    /** @return whether the name is ASCII, or UTF-8 in a JVM whose file names are UTF-8 */
    private static boolean representable(byte[] name) {
        boolean ascii = true;
        for (byte b : name) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return true;
        }
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void ensureWritable(Path folder) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder, NOFOLLOW_LINKS);
        if (!permissions.containsAll(OWNER_ALL)) {
            Set<PosixFilePermission> writable = EnumSet.copyOf(OWNER_ALL);
            writable.addAll(permissions);
            Files.setPosixFilePermissions(folder, writable);
        }
    }

    /** Removes the files of a folder that have other hard links: rsync would change their attributes in place. */
    private static void unlinkSharedFiles(Path folder) throws IOException {
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()
                        && ((Number) Files.getAttribute(file, "unix:nlink", NOFOLLOW_LINKS)).intValue() > 1) {
                    try {
                        Files.delete(file);
                    } catch (AccessDeniedException e) {
                        Files.setPosixFilePermissions(file.getParent(), OWNER_ALL);
                        Files.delete(file);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path existingAncestor(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? path.getRoot() : existing;
    }

    private static String withoutTrailingSlash(String path) {
        String stripped = path;
        while (stripped.length() > 1 && stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }

    @Override
    public String toString() {
        return "rsync transport over '" + ssh.text() + "'";
    }
}
