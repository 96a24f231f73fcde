package org.barman.core.wal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;
import org.barman.api.WalArchive;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.api.support.OwnerOnly;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.hook.HookAbortedException;
import org.barman.core.hook.HookScripts;
import org.barman.core.io.Durable;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.plugin.Plugins;

/**
 * A server's WAL archive in Barman's layout: {@code wals/<TTTTTTTTXXXXXXXX>/<segment>}, history files at the top
 * of {@code wals/}, and the index {@code wals/xlog.db}.
 *
 * <p>WAL arrives by two ways, archived in one pass, in WAL order, with the same checks: {@code archive_command}
 * delivers whole files into {@code incoming/} ({@code archiver = on}), and {@code barman receive-wal} streams
 * into {@code streaming/} ({@code streaming_archiver = on}). Of the streaming folder only complete files are
 * archived: never a {@code .partial} (the segment being received), and, while no {@code .partial} exists, not
 * the newest complete segment either, which tells a receiver that starts again where to resume (as Barman
 * keeps it for {@code pg_receivewal}); the next pass takes it once the next segment is being received. Temporary
 * files ({@code *.tmp}, hidden names) are left alone. A segment that came both ways is archived once: the copy
 * that comes second is dropped when it is the same, and kept in {@code errors/} when it differs.
 *
 * <p>A file reaches the archive in this order, so that a crash at any point loses nothing: stored under its
 * final name (hard link, or compressed into a temporary file and renamed) and fsynced; folder fsynced; line
 * appended to {@code xlog.db} and fsynced; only then removed from the incoming folder. A file found both in the
 * archive and in the incoming folder with the same content was archived by a process that died before the
 * end: the next pass finishes the work. Files go by batches of 64 in WAL order; within a batch several are compressed
 * at once, and their index lines are appended together, in WAL order, once all of them are stored.
 */
public final class FileSystemWalArchive implements WalArchive {

    private static final Pattern HASH_DIRECTORY = Pattern.compile("[0-9A-F]{16}");
    private static final DateTimeFormatter ERROR_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final int BUFFER = 256 * 1024;
    /** Files stored before their index lines are written together, to share the fsyncs. */
    private static final int BATCH = 64;
    /** Files compressed at once: enough to keep the cores and the disk busy together. */
    private static final int STORE_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final ServerConfig server;
    private final Plugins plugins;
    private final PluginOptions options;
    private final Path wals;
    private final Path incoming;
    private final Path streaming;
    private final Path errors;
    private final XlogDb xlogDb;
    private final String compression;
    private final Supplier<OptionalLong> segmentSize;
    /** Shared by the threads that compress a batch. */
    private final Map<String, Compressor> compressors = new ConcurrentHashMap<>();

    /**
     * @param server the server
     * @param plugins the installed compressors
     * @param segmentSize the server's WAL segment size, as its newest backup records it (empty without backups):
     *     a segment of another size is not archived
     */
    public FileSystemWalArchive(ServerConfig server, Plugins plugins, Supplier<OptionalLong> segmentSize) {
        this.server = server;
        this.segmentSize = segmentSize;
        this.plugins = plugins;
        this.options = server.pluginOptions();
        this.wals = server.walsDirectory();
        this.incoming = server.incomingWalsDirectory();
        this.streaming = server.streamingWalsDirectory();
        this.errors = server.errorsDirectory();
        this.xlogDb = new XlogDb(wals);
        this.compression = server.get(ConfigOptions.COMPRESSION);
    }

    /** @return the index */
    public XlogDb xlogDb() {
        return xlogDb;
    }

    /**
     * @param name a WAL file name
     * @return where it is (or would be) stored
     */
    public Path pathOf(WalSegmentName name) {
        String directory = name.directoryName();
        return directory.isEmpty() ? wals.resolve(name.fileName()) : wals.resolve(directory).resolve(name.fileName());
    }

    /**
     * @param name a WAL file name
     * @return whether the archive holds that file (as a regular file, whatever the index says)
     */
    public boolean holds(WalSegmentName name) {
        return Files.isRegularFile(pathOf(name), LinkOption.NOFOLLOW_LINKS);
    }

    private Compressor compressor(String name) {
        return compressors.computeIfAbsent(name, key -> plugins.compressor(key, options));
    }

    @Override
    public WalFileInfo archive(Path file) {
        ArchiveReport report = archiveFiles(List.of(file), null);
        if (!report.succeeded()) {
            throw new BarmanException(report.failure());
        }
        if (!report.archived().isEmpty()) {
            return report.archived().get(0);
        }
        if (!report.duplicates().isEmpty()) {
            return find(WalSegmentName.parse(file.getFileName().toString())).orElseThrow();
        }
        throw new BarmanException(file + " was not archived: "
                + (report.errors().isEmpty() ? "it is not complete yet" : "moved to " + report.errors().get(0)));
    }

    /**
     * Archives every complete file waiting in the incoming folder ({@code archiver = on}) and the streaming folder
     * ({@code streaming_archiver = on}), in WAL order, under the server's archive lock.
     *
     * @param hooks the archive hook scripts, or null for none
     * @return what was done; {@link ArchiveReport#failure()} says why the pass stopped early
     * @throws org.barman.core.lock.LockBusyException when another process is archiving for this server
     */
    public ArchiveReport archiveReceived(HookScripts hooks) {
        try (FileLock lock = Locks.server(server.lockDirectory(), server.name(), Locks.Kind.ARCHIVE_WAL)) {
            return archiveFiles(waitingFiles(), hooks);
        }
    }

    /**
     * @return what the next {@link #archiveReceived} takes: the streaming folder's files
     *     ({@link #streamingFiles()}) when {@code streaming_archiver = on}, and the incoming folder's when
     *     {@code archiver = on}, in WAL order; a name found in both comes first from the streaming folder
     */
    public List<Path> waitingFiles() {
        List<Path> files = new ArrayList<>();
        if (server.get(ConfigOptions.STREAMING_ARCHIVER)) {
            files.addAll(streamingFiles());
        }
        if (server.get(ConfigOptions.ARCHIVER)) {
            files.addAll(incomingFiles());
        }
        files.sort(java.util.Comparator.comparing((Path path) -> path.getFileName().toString())
                .thenComparing(path -> path.getParent().equals(streaming) ? 0 : 1));
        return files;
    }

    /**
     * @return the entries of the streaming folder to archive, in WAL order: every entry but temporary files
     *     ({@code *.tmp}, hidden names), {@code .partial} files, and, while there is no {@code .partial}, the
     *     newest complete segment (a receiver resumes after it)
     */
    public List<Path> streamingFiles() {
        List<Path> files = list(streaming, "streaming WAL folder");
        List<Path> candidates = new ArrayList<>();
        boolean partial = false;
        Path newestSegment = null;
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(".tmp")) {
                continue;
            }
            if (WalSegmentName.isValid(name)) {
                WalSegmentName.Kind kind = WalSegmentName.parse(name).kind();
                if (kind == WalSegmentName.Kind.PARTIAL) {
                    partial = true;
                    continue;
                }
                if (kind == WalSegmentName.Kind.SEGMENT) {
                    newestSegment = file;
                }
            }
            candidates.add(file);
        }
        if (!partial && newestSegment != null) {
            candidates.remove(newestSegment);
        }
        return candidates;
    }

    /**
     * @return the segment {@code barman receive-wal} is receiving: the newest {@code .partial} of the streaming
     *     folder, if any
     */
    public Optional<Path> streamingPartial() {
        Path newest = null;
        for (Path file : list(streaming, "streaming WAL folder")) {
            String name = file.getFileName().toString();
            if (WalSegmentName.isValid(name) && WalSegmentName.parse(name).kind() == WalSegmentName.Kind.PARTIAL
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                newest = file;
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * @return every segment of the streaming folder, complete or being received ({@code .partial}), by segment
     *     name, in WAL order (a complete copy is preferred to a {@code .partial} one of the same name)
     */
    public Map<WalSegmentName, Path> streamedSegments() {
        Map<WalSegmentName, Path> segments = new TreeMap<>();
        for (Path file : list(streaming, "streaming WAL folder")) {
            String name = file.getFileName().toString();
            if (!WalSegmentName.isValid(name) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            WalSegmentName parsed = WalSegmentName.parse(name);
            if (parsed.kind() == WalSegmentName.Kind.SEGMENT) {
                segments.put(parsed, file);
            } else if (parsed.kind() == WalSegmentName.Kind.PARTIAL) {
                segments.putIfAbsent(parsed.segmentName(), file);
            }
        }
        return segments;
    }

    /**
     * @param name a complete segment's name
     * @return that segment as the streaming folder holds it: complete, or still {@code .partial}, if it is there
     */
    public Optional<Path> streamed(WalSegmentName name) {
        for (String fileName : List.of(name.fileName(), name.fileName() + ".partial")) {
            Path file = streaming.resolve(fileName);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * @return the entries waiting in the incoming folder, in WAL order, whatever their type (hidden ones, such as
     *     rsync's temporary files, are not listed)
     */
    public List<Path> incomingFiles() {
        return list(incoming, "incoming WAL folder");
    }

    /** The entries of a folder but hidden ones, by name; none when it does not exist. */
    private static List<Path> list(Path folder, String what) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        TreeMap<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (!name.startsWith(".")) {
                    files.put(name, path);
                }
            }
        } catch (IOException e) {
            throw new BarmanException("cannot list the " + what + " " + folder + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(files.values());
    }

    private ArchiveReport archiveFiles(List<Path> files, HookScripts hooks) {
        List<WalFileInfo> archived = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        List<Path> movedToErrors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<WalSegmentName> streamed = new ArrayList<>();
        String failure = null;
        List<Path> pending = new ArrayList<>(files);
        OptionalLong segment = files.isEmpty() ? OptionalLong.empty() : serverSegmentSize();
        try (StorePool storing = new StorePool(compression == null ? 1 : STORE_THREADS)) {
            while (!pending.isEmpty() && failure == null) {
                List<Path> batch = new ArrayList<>(pending.subList(0, Math.min(BATCH, pending.size())));
                pending.subList(0, batch.size()).clear();
                List<PendingStore> stores = new ArrayList<>();
                Set<Path> directories = new LinkedHashSet<>();
                Set<WalSegmentName> inBatch = new java.util.HashSet<>();
                List<Path> deferred = new ArrayList<>();
                for (Path file : batch) {
                    String fileName = file.getFileName().toString();
                    IncomingVerdict verdict = IncomingVerdict.of(fileName, Files.readAttributes(file,
                            BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS), segment);
                    if (verdict.action() == IncomingVerdict.Action.REJECT) {
                        Path moved = moveToErrors(file, verdict.suffix());
                        movedToErrors.add(moved);
                        Log.LOG.warn("{} {}: moved to {}", file, verdict.reason(), moved);
                        continue;
                    }
                    if (verdict.action() == IncomingVerdict.Action.WAIT) {
                        skipped.add(fileName);
                        Log.LOG.warn("{} left in {}: {}", file, file.getParent(), verdict.reason());
                        continue;
                    }
                    WalSegmentName name = WalSegmentName.parse(fileName);
                    if (!inBatch.add(name)) {
                        // the same file came the other way too: compared once the first copy is stored
                        deferred.add(file);
                        continue;
                    }
                    Map<String, String> environment = hooks != null && hooks.any() ? hookEnvironment(file, name)
                            : Map.of();
                    if (hooks != null && hooks.any()) {
                        try {
                            hooks.before(environment);
                        } catch (HookAbortedException e) {
                            skipped.add(fileName);
                            failure = e.getMessage();
                            break;
                        }
                    }
                    Path target = pathOf(name);
                    if (Files.exists(target)) {
                        handleExisting(file, name, target, duplicates, movedToErrors);
                        continue;
                    }
                    OwnerOnly.createFolders(target.getParent());
                    directories.add(target.getParent());
                    stores.add(new PendingStore(file, environment, storing.submit(() -> store(file, name, target))));
                }
                pending.addAll(0, deferred);
                List<Stored> stored = finish(stores);
                commit(stored, directories);
                for (Stored item : stored) {
                    archived.add(item.entry());
                    if (item.file().getParent().equals(streaming)) {
                        streamed.add(item.entry().name());
                    }
                    if (hooks != null && hooks.any()) {
                        Map<String, String> environment = new HashMap<>(item.environment());
                        environment.put("BARMAN_FILE", pathOf(item.entry().name()).toString());
                        environment.put("BARMAN_SIZE", Long.toString(item.entry().size()));
                        environment.put("BARMAN_COMPRESSION", item.entry().compression() == null ? ""
                                : item.entry().compression());
                        hooks.after(environment);
                    }
                }
            }
        } catch (IOException | BarmanException e) {
            failure = "archiving WAL of server " + server.name() + " stopped: " + message(e)
                    + "; the files not archived stay in " + String.join(" and ", files.stream()
                            .map(file -> file.getParent().toString()).distinct().toList());
            Log.LOG.error(failure, e);
        }
        if (!pending.isEmpty()) {
            pending.forEach(path -> skipped.add(path.getFileName().toString()));
        }
        return new ArchiveReport(archived, duplicates, movedToErrors, skipped, failure, streamed);
    }

    /**
     * Waits for every store of a batch, in WAL order; when one failed, waits for the others too (so that no thread
     * still writes when the caller gives up) and reports the first failure. What the others stored is harmless: the
     * next run finds it archived with the same content and completes the index.
     */
    private static List<Stored> finish(List<PendingStore> stores) throws IOException {
        List<Stored> stored = new ArrayList<>(stores.size());
        IOException failure = null;
        for (PendingStore pending : stores) {
            try {
                stored.add(new Stored(pending.file(), pending.entry().get(), pending.environment()));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof IOException io ? io
                            : cause instanceof BarmanException barman ? new IOException(barman.getMessage(), barman)
                            : new IOException("cannot archive " + pending.file() + ": " + cause, cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while archiving " + pending.file());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return stored;
    }

    private static String message(Exception e) {
        if (e instanceof java.nio.file.FileSystemException fs) {
            String reason = fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason();
            return (fs.getFile() == null ? "" : fs.getFile() + ": ") + reason;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private Map<String, String> hookEnvironment(Path file, WalSegmentName name) throws IOException {
        Map<String, String> environment = new HashMap<>();
        environment.put("BARMAN_SEGMENT", name.fileName());
        environment.put("BARMAN_FILE", file.toString());
        environment.put("BARMAN_SIZE", Long.toString(Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).size()));
        environment.put("BARMAN_TIMESTAMP", XlogDb.formatTime(mtime(file)));
        environment.put("BARMAN_COMPRESSION", compression == null || !compresses(name) ? "" : compression);
        return environment;
    }

    private OptionalLong serverSegmentSize() {
        try {
            return segmentSize.get();
        } catch (BarmanException e) {
            Log.LOG.warn("Cannot read the WAL segment size of server {} from its catalogue ({}): any valid segment "
                    + "size is accepted", server.name(), e.getMessage());
            return OptionalLong.empty();
        }
    }

    private boolean compresses(WalSegmentName name) {
        return compression != null && (name.kind() == WalSegmentName.Kind.SEGMENT
                || name.kind() == WalSegmentName.Kind.PARTIAL);
    }

    private WalFileInfo store(Path file, WalSegmentName name, Path target) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        double time = seconds(modified);
        if (compresses(name)) {
            Compressor compressor = compressor(compression);
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                Durable.write(target, out -> {
                    OutputStream compressed = compressor.compress(new NonClosingOutputStream(out));
                    try (compressed) {
                        copy(in, compressed);
                    }
                });
            }
        } else {
            linkOrCopy(file, target);
        }
        // The stored file keeps the delivered file's time, so that rebuild-xlogdb writes back the same index.
        Files.setLastModifiedTime(target, modified);
        return new WalFileInfo(name, Files.size(target), time, compresses(name) ? compression : null);
    }

    /**
     * A file is linked into the archive only when it can be made its owner's only (archive_command may deliver it
     * readable by others); otherwise it is copied, and the copy is.
     */
    private static void linkOrCopy(Path file, Path target) throws IOException {
        try {
            OwnerOnly.restrict(file);
            Files.createLink(target, file);
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(target);
                throw new IOException(file + " stopped being a regular file while it was archived");
            }
            Durable.syncFile(target);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof FileAlreadyExistsException) {
                throw (FileAlreadyExistsException) e;
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                Durable.write(target, out -> copy(in, out));
            }
        }
    }

    private void commit(List<Stored> stored, Set<Path> directories) throws IOException {
        if (stored.isEmpty()) {
            return;
        }
        for (Path directory : directories) {
            Durable.syncDirectory(directory);
        }
        Durable.syncDirectory(wals);
        try (FileLock lock = Locks.serverWaiting(server.lockDirectory(), server.name(), Locks.Kind.XLOGDB)) {
            xlogDb.append(stored.stream().map(Stored::entry).toList());
        }
        Set<Path> sources = new LinkedHashSet<>();
        for (Stored item : stored) {
            Files.deleteIfExists(item.file());
            sources.add(item.file().getParent());
            Log.LOG.info("Archived {} from {} ({} bytes, compression {})", item.entry().name(),
                    item.file().getParent(), item.entry().size(),
                    item.entry().compression() == null ? "none" : item.entry().compression());
        }
        for (Path source : sources) {
            Durable.syncDirectory(source);
        }
    }

    private void handleExisting(Path file, WalSegmentName name, Path target, List<String> duplicates,
            List<Path> movedToErrors) throws IOException {
        if (sameContent(file, target)) {
            try (FileLock lock = Locks.serverWaiting(server.lockDirectory(), server.name(), Locks.Kind.XLOGDB)) {
                if (xlogDb.read().stream().noneMatch(entry -> entry.name().equals(name))) {
                    xlogDb.append(List.of(new WalFileInfo(name, Files.size(target), mtime(file),
                            detect(target).orElse(null))));
                    Log.LOG.info("{} was archived by an interrupted run: index completed", name);
                }
            }
            Files.delete(file);
            Durable.syncDirectory(file.getParent());
            duplicates.add(name.fileName());
            Log.LOG.info("{} is already archived with the same content: dropped from {}", name, file.getParent());
        } else {
            Path moved = moveToErrors(file, "duplicate");
            movedToErrors.add(moved);
            Log.LOG.warn("{} is already archived with a different content: the new copy is kept as {}", name, moved);
        }
    }

    private boolean sameContent(Path file, Path target) throws IOException {
        if (Files.isSameFile(file, target)) {
            return true;
        }
        try (InputStream a = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), BUFFER);
                InputStream b = new BufferedInputStream(openFile(target, null), BUFFER)) {
            byte[] left = new byte[BUFFER];
            byte[] right = new byte[BUFFER];
            while (true) {
                int n = a.readNBytes(left, 0, BUFFER);
                int m = b.readNBytes(right, 0, BUFFER);
                if (n != m || !Arrays.equals(left, 0, n, right, 0, m)) {
                    return false;
                }
                if (n < BUFFER) {
                    return true;
                }
            }
        }
    }

    private Path moveToErrors(Path file, String reason) throws IOException {
        OwnerOnly.createFolders(errors);
        restrictIfOwned(file);
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(ERROR_STAMP);
        Path target = errors.resolve(file.getFileName() + "." + stamp + "." + reason);
        for (int i = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); i++) {
            target = errors.resolve(file.getFileName() + "." + stamp + "-" + i + "." + reason);
        }
        Files.move(file, target);
        Durable.syncDirectory(errors);
        Durable.syncDirectory(file.getParent());
        return target;
    }

    /** What goes to errors/ is behind its rwx------ folder anyway: its own mode is tightened where it can be. */
    private static void restrictIfOwned(Path file) {
        try {
            OwnerOnly.restrict(file);
        } catch (IOException e) {
            Log.LOG.debug("{} keeps its mode: {}", file, e.getMessage());
        }
    }

    private static double mtime(Path file) throws IOException {
        return seconds(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS));
    }

    private static double seconds(FileTime time) {
        return time.to(java.util.concurrent.TimeUnit.MICROSECONDS) / 1_000_000.0;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    /**
     * @param file a file of the archive
     * @return the compressor whose magic number starts it, if any
     * @throws IOException when it cannot be read
     */
    public Optional<String> detect(Path file) throws IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(CompressorProvider.HEADER_LENGTH);
        }
        return plugins.detectCompression(header, options, compression);
    }

    @Override
    public Optional<WalFileInfo> find(WalSegmentName name) {
        return xlogDb.find(name);
    }

    @Override
    public InputStream open(WalSegmentName name) throws IOException {
        Path file = pathOf(name);
        if (!Files.isRegularFile(file)) {
            throw new WalNotFoundException(name, server.name());
        }
        return openFile(file, name);
    }

    private InputStream openFile(Path file, WalSegmentName name) throws IOException {
        Optional<String> detected = detect(file);
        String used = detected.orElse(null);
        if (used == null && name != null) {
            used = find(name).map(WalFileInfo::compression).orElse(null);
        }
        InputStream raw = Files.newInputStream(file);
        if (used == null) {
            return raw;
        }
        try {
            return compressor(used).decompress(new BufferedInputStream(raw, BUFFER));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public List<WalFileInfo> list() {
        Map<WalSegmentName, WalFileInfo> latest = new TreeMap<>();
        for (WalFileInfo entry : xlogDb.read()) {
            latest.put(entry.name(), entry);
        }
        return new ArrayList<>(latest.values());
    }

    @Override
    public List<WalFileInfo> removeBefore(WalSegmentName firstToKeep) {
        return removeIf(name -> name.hasPosition() && name.segmentName().compareTo(firstToKeep.segmentName()) < 0);
    }

    /**
     * Removes the files the predicate calls obsolete, index first, then the files and the folders left empty.
     *
     * @param obsolete says which files go, by name
     * @return the removed files
     */
    public List<WalFileInfo> removeIf(java.util.function.Predicate<WalSegmentName> obsolete) {
        try (FileLock lock = Locks.serverWaiting(server.lockDirectory(), server.name(), Locks.Kind.XLOGDB)) {
            List<WalFileInfo> kept = new ArrayList<>();
            List<WalFileInfo> removed = new ArrayList<>();
            for (WalFileInfo entry : xlogDb.read()) {
                (obsolete.test(entry.name()) ? removed : kept).add(entry);
            }
            if (removed.isEmpty()) {
                return List.of();
            }
            xlogDb.rewrite(kept);
            Set<Path> directories = new LinkedHashSet<>();
            for (WalFileInfo entry : removed) {
                Path file = pathOf(entry.name());
                Files.deleteIfExists(file);
                directories.add(file.getParent());
                Log.LOG.info("Removed WAL file {} of server {}", entry.name(), server.name());
            }
            for (Path directory : directories) {
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                    if (!stream.iterator().hasNext()) {
                        Files.delete(directory);
                    }
                }
            }
            Durable.syncDirectory(wals);
            return removed;
        } catch (IOException e) {
            throw new BarmanException("cannot remove old WAL files of server " + server.name() + ": "
                    + message(e), e);
        }
    }

    /**
     * @return what keeps the index from being read as it is (see {@link XlogDb#damage()}), read under the xlogdb
     *     lock so that an append in progress is not taken for a torn line
     */
    public Optional<String> indexDamage() {
        try (FileLock lock = Locks.serverWaiting(server.lockDirectory(), server.name(), Locks.Kind.XLOGDB)) {
            return xlogDb.damage();
        }
    }

    @Override
    public int rebuildIndex() {
        try (FileLock lock = Locks.serverWaiting(server.lockDirectory(), server.name(), Locks.Kind.XLOGDB)) {
            Map<WalSegmentName, WalFileInfo> entries = new TreeMap<>();
            if (Files.isDirectory(wals)) {
                try (DirectoryStream<Path> top = Files.newDirectoryStream(wals)) {
                    for (Path path : top) {
                        String name = path.getFileName().toString();
                        if (Files.isDirectory(path) && HASH_DIRECTORY.matcher(name).matches()) {
                            try (DirectoryStream<Path> inner = Files.newDirectoryStream(path)) {
                                for (Path file : inner) {
                                    index(file, name, entries);
                                }
                            }
                        } else if (Files.isRegularFile(path)) {
                            index(path, "", entries);
                        }
                    }
                }
            }
            xlogDb.rewrite(new ArrayList<>(entries.values()));
            Log.LOG.info("Rebuilt {} of server {}: {} files", xlogDb.file(), server.name(), entries.size());
            return entries.size();
        } catch (IOException e) {
            throw new BarmanException("cannot rebuild " + xlogDb.file() + ": " + message(e), e);
        }
    }

    private void index(Path file, String directory, Map<WalSegmentName, WalFileInfo> entries) throws IOException {
        String fileName = file.getFileName().toString();
        if (!Files.isRegularFile(file) || !WalSegmentName.isValid(fileName)) {
            return;
        }
        WalSegmentName name = WalSegmentName.parse(fileName);
        if (!name.directoryName().equals(directory)) {
            Log.LOG.warn("{} is not in the folder its name belongs to ({}): not indexed", file,
                    name.directoryName().isEmpty() ? "the top of " + wals : name.directoryName());
            return;
        }
        entries.put(name, new WalFileInfo(name, Files.size(file), mtime(file), detect(file).orElse(null)));
    }

    private record Stored(Path file, WalFileInfo entry, Map<String, String> environment) {
    }

    private record PendingStore(Path file, Map<String, String> environment, Future<WalFileInfo> entry) {
    }

    /**
     * Compresses several files of a batch at once, so that one file's compression overlaps another's fsync. Files
     * that are only linked run in the calling thread: a pool would cost more than the link.
     */
    private static final class StorePool implements AutoCloseable {

        private final ExecutorService pool;

        StorePool(int threads) {
            pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, task -> {
                Thread thread = new Thread(task, "barman-archive-wal");
                thread.setDaemon(true);
                return thread;
            });
        }

        Future<WalFileInfo> submit(Callable<WalFileInfo> store) {
            if (pool == null) {
                FutureTask<WalFileInfo> task = new FutureTask<>(store);
                task.run();
                return task;
            }
            return pool.submit(store);
        }

        /** Lets the stores already started end (after a failure they would otherwise write on unseen). */
        @Override
        public void close() {
            if (pool == null) {
                return;
            }
            pool.shutdown();
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Keeps a compressor from closing the durable writer's stream, which it fsyncs after. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Logging starts on first use: {@code get-wal}, run once per WAL file, never logs when it succeeds. */
    private static final class Log {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileSystemWalArchive.class);
    }
}
