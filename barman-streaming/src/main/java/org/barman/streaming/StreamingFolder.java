package org.barman.streaming;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.api.support.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming folder ({@code streaming_wals_directory}) as the receiver keeps it: complete segments under their
 * names, the segment being received as {@code <name>.partial} (created full size, filled with zeros, as
 * {@code pg_receivewal} does, so that an fsync of received WAL writes data only), and the {@code .history} file of
 * each timeline streamed. Files are created {@code rw-------} under a {@code .tmp} name, made durable, then renamed,
 * and the folder is fsynced after each rename.
 *
 * <p>The next segment's file is prepared (created and filled with zeros) on a thread of its own while the current
 * one is received, so that completing a segment costs the stream two renames rather than writing a segment of
 * zeros; the receiver {@link #close() closes} the folder to remove an unused one.
 *
 * <p>Each method that writes throws {@link FolderFailure} naming the folder and the file when the file system
 * refuses.
 */
final class StreamingFolder {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingFolder.class);
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int ZEROS = 1024 * 1024;

    private final Path directory;
    private final String server;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(ZEROS);
    private ExecutorService preparer;
    private Prepared prepared;

    /** A next segment's file being created under its temporary name. */
    private record Prepared(WalSegmentName partial, Future<FileChannel> channel) {
    }

    /**
     * @param directory the folder
     * @param server the server's name, for messages
     */
    StreamingFolder(Path directory, String server) {
        this.directory = directory;
        this.server = server;
    }

    Path directory() {
        return directory;
    }

    String server() {
        return server;
    }

    Path resolve(WalSegmentName name) {
        return directory.resolve(name.fileName());
    }

    /**
     * Creates the folder ({@code rwx------}) when it is missing and removes the temporary files an interrupted run
     * left.
     */
    void prepare() {
        try {
            OwnerOnly.createFolders(directory);
        } catch (IOException e) {
            throw new FolderFailure("cannot create the streaming folder " + directory + ": " + reason(e), e);
        }
        if (!Files.isDirectory(directory)) {
            throw new FolderFailure("the streaming folder " + directory + " is not a folder", null);
        }
        boolean removed = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (WalSegmentName.isValid(name.substring(0, name.length() - TEMP_SUFFIX.length()))
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    LOG.debug("removing {}, left by an interrupted receive-wal", entry);
                    Files.delete(entry);
                    removed = true;
                }
            }
        } catch (IOException e) {
            throw new FolderFailure("cannot clean the streaming folder " + directory + ": " + reason(e), e);
        }
        if (removed) {
            sync();
        }
    }

    /** @return the WAL files of the folder (segments, partial segments, history files...), in the log's order */
    List<WalSegmentName> walFiles() {
        List<WalSegmentName> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (WalSegmentName.isValid(name) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(WalSegmentName.parse(name));
                }
            }
        } catch (IOException e) {
            throw new FolderFailure("cannot list the streaming folder " + directory + ": " + reason(e), e);
        }
        Collections.sort(names);
        return names;
    }

    /**
     * @return the newest segment or partial segment: of the highest timeline, then the highest position (so that
     *     the {@code .partial} a timeline switch left behind, or WAL of a branch the server abandoned, never wins
     *     over the timeline that followed)
     */
    Optional<WalSegmentName> newest() {
        return walFiles().stream()
                .filter(n -> n.kind() == WalSegmentName.Kind.SEGMENT || n.kind() == WalSegmentName.Kind.PARTIAL)
                .reduce((a, b) -> b);
    }

    /** @return the partial segments of the folder */
    List<WalSegmentName> partials() {
        return walFiles().stream().filter(n -> n.kind() == WalSegmentName.Kind.PARTIAL).toList();
    }

    /**
     * Opens the {@code .partial} of a segment to receive it: an existing one is reused (its earlier content is
     * checked against what the server sends), a missing one is created full size.
     *
     * @param segment the segment
     * @param segmentSize the segment size
     * @return the open file
     */
    SegmentFile open(WalSegmentName segment, long segmentSize) {
        WalSegmentName partial = partialOf(segment);
        Path path = resolve(partial);
        Lsn start = segment.startLsn(segmentSize);
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                long size = Files.size(path);
                if (size != segmentSize && size != 0) {
                    throw new BarmanException(partial + " in " + directory + " has " + size + " bytes, but the "
                            + "server's WAL segments have " + segmentSize + ": it is not a segment of this server. "
                            + "Move it away and start receive-wal again");
                }
                FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                try {
                    if (size == 0) {
                        fillWithZeros(channel, segmentSize);
                        channel.force(true);
                    }
                    long contentEnd = contentEnd(channel, segmentSize);
                    LOG.debug("resuming {}: it holds {} bytes of WAL", path, contentEnd);
                    prepareNext(segment, segmentSize);
                    return new SegmentFile(this, segment, start, segmentSize, channel, contentEnd);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(channel);
                    throw e;
                }
            }
            Path temp = tempPath(partial);
            FileChannel channel = takePrepared(partial, segmentSize);
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
                sync();
                prepareNext(segment, segmentSize);
                return new SegmentFile(this, segment, start, segmentSize, channel, 0);
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        } catch (IOException e) {
            throw failure("create", partial, e);
        }
    }

    /**
     * Completes a segment: fsyncs it, renames it to its final name, and fsyncs the folder. When the timeline goes
     * on, the next segment's {@code .partial} is created too, under a temporary name before the rename and under
     * its own name after it, so that the folder shows the receiver's position at every moment.
     *
     * @param file the segment, all received; closed
     * @param openNext whether to open the next segment
     * @param segmentSize the segment size
     * @return the next segment's file, or null when not asked for
     */
    SegmentFile complete(SegmentFile file, boolean openNext, long segmentSize) {
        file.sync();
        file.close();
        WalSegmentName next = file.segment().next(segmentSize);
        WalSegmentName nextPartial = partialOf(next);
        FileChannel nextChannel = null;
        if (openNext && !Files.exists(resolve(nextPartial), LinkOption.NOFOLLOW_LINKS)) {
            try {
                nextChannel = takePrepared(nextPartial, segmentSize);
            } catch (IOException e) {
                throw failure("create", nextPartial, e);
            }
        }
        try {
            Files.move(file.path(), resolve(file.segment()), StandardCopyOption.ATOMIC_MOVE);
            sync();
            if (nextChannel != null) {
                Files.move(tempPath(nextPartial), resolve(nextPartial), StandardCopyOption.ATOMIC_MOVE);
                sync();
                prepareNext(next, segmentSize);
                return new SegmentFile(this, next, next.startLsn(segmentSize), segmentSize, nextChannel, 0);
            }
        } catch (IOException e) {
            closeQuietly(nextChannel);
            throw failure("complete", file.segment(), e);
        } catch (RuntimeException e) {
            closeQuietly(nextChannel);
            throw e;
        }
        return openNext ? open(next, segmentSize) : null;
    }

    /**
     * Ends the folder's use by a receiver: an unused prepared file is removed and the preparing thread stops.
     */
    void close() {
        discardPrepared();
        if (preparer != null) {
            preparer.shutdownNow();
            preparer = null;
        }
    }

    private void prepareNext(WalSegmentName segment, long segmentSize) {
        WalSegmentName nextPartial = partialOf(segment.next(segmentSize));
        if (prepared != null && prepared.partial().equals(nextPartial)) {
            return;
        }
        discardPrepared();
        if (preparer == null) {
            preparer = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "barman-receive-wal-prepare");
                thread.setDaemon(true);
                return thread;
            });
        }
        Path temp = tempPath(nextPartial);
        prepared = new Prepared(nextPartial, preparer.submit(() -> createFull(temp, segmentSize)));
    }

    /**
     * @return the channel of the file prepared under the temporary name of {@code partial}, or of one created now
     */
    private FileChannel takePrepared(WalSegmentName partial, long segmentSize) throws IOException {
        if (prepared == null || !prepared.partial().equals(partial)) {
            discardPrepared();
            return createFull(tempPath(partial), segmentSize);
        }
        Future<FileChannel> channel = prepared.channel();
        prepared = null;
        try {
            return channel.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("preparing " + partial + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while preparing " + partial);
        }
    }

    private void discardPrepared() {
        if (prepared == null) {
            return;
        }
        Prepared unused = prepared;
        prepared = null;
        try {
            closeQuietly(unused.channel().get());
        } catch (ExecutionException e) {
            LOG.debug("preparing {} failed; it is not needed", unused.partial(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(tempPath(unused.partial()));
        } catch (IOException e) {
            LOG.debug("removing the unused {}", tempPath(unused.partial()), e);
        }
    }

    /**
     * Writes a timeline's history file durably, unless the folder already has the same one.
     *
     * @param timeline the timeline
     * @param content the history the server gave
     * @throws BarmanException when the folder has a different history for that timeline
     */
    void writeHistory(long timeline, String content) {
        WalSegmentName name = WalSegmentName.history(timeline);
        Path path = resolve(name);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                if (java.util.Arrays.equals(Files.readAllBytes(path), bytes)) {
                    return;
                }
                throw new BarmanException(name + " in " + directory + " differs from the server's history of "
                        + "timeline " + timeline + ": the folder holds WAL of another history. Check "
                        + "streaming_conninfo; move the folder's files away to start a new history");
            }
            Path temp = tempPath(name);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnly.file())) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            sync();
            LOG.info("wrote {} into {}", name, directory);
        } catch (IOException e) {
            throw failure("write", name, e);
        }
    }

    /**
     * Removes a file and makes the removal durable.
     *
     * @param name the file
     */
    void delete(WalSegmentName name) {
        try {
            Files.deleteIfExists(resolve(name));
            sync();
        } catch (IOException e) {
            throw failure("remove", name, e);
        }
    }

    /**
     * @param name a segment or partial segment of the folder
     * @param segmentSize the segment size
     * @return its long page header, or empty when it has none yet (or is unreadable)
     */
    Optional<WalPageHeader> header(WalSegmentName name, long segmentSize) {
        try (FileChannel channel = FileChannel.open(resolve(name), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(WalPageHeader.SIZE);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read the whole header
            }
            buffer.flip();
            return WalPageHeader.read(buffer);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    /**
     * @param name a partial segment of the folder
     * @return how many bytes of it hold WAL: up to its last byte that is not zero
     */
    long contentEnd(WalSegmentName name) {
        try (FileChannel channel = FileChannel.open(resolve(name), StandardOpenOption.READ)) {
            return contentEnd(channel, channel.size());
        } catch (IOException e) {
            throw failure("read", name, e);
        }
    }

    /** Fsyncs the folder, so that the names created, renamed or removed in it are durable. */
    void sync() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new FolderFailure("cannot fsync the streaming folder " + directory + ": " + reason(e), e);
        }
    }

    /**
     * @param action what failed, such as {@code write}
     * @param name the file
     * @param e the error
     * @return the failure to throw, naming the folder and the file
     */
    FolderFailure failure(String action, WalSegmentName name, IOException e) {
        return new FolderFailure("cannot " + action + " " + name + " in the streaming folder " + directory + " of "
                + "server '" + server + "': " + reason(e), e);
    }

    static WalSegmentName partialOf(WalSegmentName segment) {
        return new WalSegmentName(WalSegmentName.Kind.PARTIAL, segment.timeline(), segment.log(), segment.segment(),
                0);
    }

    private Path tempPath(WalSegmentName name) {
        return directory.resolve(name.fileName() + TEMP_SUFFIX);
    }

    private FileChannel createFull(Path path, long size) throws IOException {
        Files.deleteIfExists(path);
        FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), OwnerOnly.file());
        try {
            fillWithZeros(channel, size);
            channel.force(true);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            Files.deleteIfExists(path);
            throw e;
        }
    }

    private void fillWithZeros(FileChannel channel, long size) throws IOException {
        long position = 0;
        while (position < size) {
            ByteBuffer chunk = zeros.duplicate();
            chunk.limit((int) Math.min(ZEROS, size - position));
            while (chunk.hasRemaining()) {
                position += channel.write(chunk, position);
            }
        }
    }

    private static long contentEnd(FileChannel channel, long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(ZEROS);
        long end = size;
        while (end > 0) {
            long from = Math.max(0, end - ZEROS);
            buffer.clear().limit((int) (end - from));
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                // read the whole chunk
            }
            for (int i = buffer.position() - 1; i >= 0; i--) {
                if (buffer.get(i) != 0) {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing after a failure", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder: " + e.getMessage();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
