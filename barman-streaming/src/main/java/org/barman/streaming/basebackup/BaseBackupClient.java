package org.barman.streaming.basebackup;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

import org.barman.api.BarmanException;
import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a base backup with {@code BASE_BACKUP} on a replication connection, PostgreSQL 13 and later, without any
 * PostgreSQL client program: the archives are extracted into their folders as they arrive, every file is fsynced,
 * and every file is checked against the server's {@code backup_manifest} (size and SHA-256, none missing, none
 * extra) before the backup is reported done. The manifest is kept as {@code backup_manifest} in the data folder,
 * written there only once the check passed: a copy without it is not a complete backup.
 *
 * <p>The connection is a PostgreSQL JDBC driver connection in replication mode, such as
 * {@link org.barman.api.ReplicationConnector} opens. The driver's copy API cannot read {@code BASE_BACKUP}'s answer
 * (result sets around the COPY streams), so the command's exchange goes through the driver's protocol stream
 * directly ({@link DriverWire}); after a failure the connection must be closed.
 */
public final class BaseBackupClient {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackupClient.class);
    /** The manifest's name in the data folder while it is written and checked. */
    static final String MANIFEST_PART = "backup_manifest.part";
    static final String MANIFEST = "backup_manifest";
    /** The suffix of the log of received files, beside the data folder, while the backup runs. */
    static final String RECEIVED_LOG = ".received";
    private static final long PROGRESS_STEP = 1024 * 1024;
    private static final int ARCHIVE_BUFFER = 256 * 1024;

    private final BaseBackupRequest request;
    private final BaseBackupListener listener;
    private final List<ArchiveExtractor.Folder> folders = new ArrayList<>();
    private BaseBackupResponse response;
    private long sinceReport;
    private long total = -1;
    private long done;
    private long storedBytes;
    private Path storing;

    private BaseBackupClient(BaseBackupRequest request, BaseBackupListener listener) {
        this.request = request;
        this.listener = listener;
    }

    /**
     * Takes a base backup.
     *
     * @param connection a replication connection of the PostgreSQL JDBC driver, idle; the caller closes it, and
     *     must after a failure
     * @param request what to ask and where to write
     * @param listener hears the start position (before any file comes) and the progress
     * @return where the backup starts and ends, and what was written and checked
     * @throws BarmanException when the server is older than 13, a target folder is not empty, the server refuses or
     *     fails the backup, the connection breaks, a file cannot be written, or the files do not match the manifest:
     *     one line naming what and where; the file being written is removed, and no {@code backup_manifest} is left
     *     in the data folder
     */
    public static BaseBackupResult backup(Connection connection, BaseBackupRequest request,
            BaseBackupListener listener) {
        int major;
        try {
            major = connection.getMetaData().getDatabaseMajorVersion();
        } catch (SQLException e) {
            throw new BarmanException("cannot start a base backup: " + e.getMessage(), e);
        }
        if (major < BaseBackupCommand.MIN_MAJOR) {
            throw new BarmanException("cannot take a base backup of PostgreSQL " + major + " over the replication "
                    + "protocol: this needs PostgreSQL " + BaseBackupCommand.MIN_MAJOR + " or later (the first with "
                    + "backup manifests)");
        }
        return new BaseBackupClient(request, listener == null ? BaseBackupListener.NONE : listener)
                .run(DriverWire.of(connection), major);
    }

    /**
     * Takes a base backup over a wire whose session is established.
     *
     * @param wire the wire
     * @param major the server's major version
     * @param request what to ask and where to write
     * @param listener hears the start and the progress
     * @return the result
     */
    static BaseBackupResult backup(Wire wire, int major, BaseBackupRequest request, BaseBackupListener listener) {
        return new BaseBackupClient(request, listener).run(wire, major);
    }

    private BaseBackupResult run(Wire wire, int major) {
        BackendMessages messages = new BackendMessages(wire);
        response = new BaseBackupResponse(messages, major);
        FileSyncer syncer = FileSyncer.atTheEnd();
        Path data = request.dataFolder().toAbsolutePath();
        Path log = data.resolveSibling(data.getFileName() + RECEIVED_LOG);
        ReceivedFiles received = null;
        ArchiveExtractor extractor = null;
        String where = "nothing received yet";
        boolean finished = false;
        try {
            List<Path> parents = LocalTrees.createParents(data);
            requireEmpty(data, "data");
            Files.deleteIfExists(log);
            received = new ReceivedFiles(log);
            extractor = new ArchiveExtractor(syncer, received, folders, this::progress);
            String command = BaseBackupCommand.text(request, major);
            LOG.debug("sending {}", command);
            wire.sendQuery(command);
            BaseBackupResponse.Position startPosition = response.start();
            where = "at the start";
            BaseBackupStart start = start(startPosition, response.tablespaces());
            total = start.totalSizeBytes();
            LOG.info("base backup started at {} on timeline {}", start.position(), start.timeline());
            listener.started(start);
            ManifestDigest manifestDigest = null;
            Optional<BaseBackupResponse.Section> section;
            while ((section = response.next()).isPresent()) {
                BaseBackupResponse.Section current = section.get();
                where = "in " + current.name();
                if (current.kind() == BaseBackupResponse.Kind.MANIFEST) {
                    manifestDigest = writeManifest(response.content(), data.resolve(MANIFEST_PART), syncer);
                } else if (request.compression().keepArchives()) {
                    storedBytes += storeArchive(response.content(), current, data, extractor, syncer,
                            oid -> tablespaceFolder(start, oid));
                } else if (current.tablespaceOid() < 0) {
                    extractArchive(extractor, response.content(), current.name(), data, "",
                            oid -> tablespaceFolder(start, oid));
                } else {
                    Path folder = tablespaceFolder(start, current.tablespaceOid());
                    parents.addAll(LocalTrees.createParents(folder));
                    requireEmpty(folder, "tablespace " + current.tablespaceOid() + "'s");
                    extractArchive(extractor, response.content(), current.name(), folder,
                            "pg_tblspc/" + current.tablespaceOid() + "/", null);
                    syncer.syncFolder(folder);
                }
            }
            where = "at the end";
            BaseBackupResponse.Position end = response.end();
            listener.progress(done, total);
            if (manifestDigest == null) {
                throw new BarmanException("the server sent no backup manifest with the base backup");
            }
            ArchiveExtractor.finishFolders(folders, syncer);
            syncer.syncFolder(data);
            for (Path parent : parents) {
                syncer.syncFolder(parent);
            }
            syncer.finish();
            ManifestSummary summary = ManifestCheck.verify(data.resolve(MANIFEST_PART), manifestDigest, received);
            Files.move(data.resolve(MANIFEST_PART), data.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
            syncFolder(data);
            finished = true;
            LOG.info("base backup ended at {} on timeline {}: {} files, {} bytes, checked against its manifest",
                    end.position(), end.timeline(), extractor.files(), extractor.bytes());
            long stored = request.compression().keepArchives() ? storedBytes : extractor.bytes();
            return new BaseBackupResult(start, end.position(), end.timeline(), extractor.files(), extractor.bytes(),
                    summary, stored, extractor.backupLabel());
        } catch (BaseBackupResponse.ServerError e) {
            throw serverFailure(e.error());
        } catch (SQLException e) {
            throw serverFailure(e);
        } catch (InterruptedException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("the base backup was interrupted " + where, e);
        } catch (IOException e) {
            SQLException serverError = serverError(e);
            if (serverError != null) {
                throw serverFailure(serverError);
            }
            throw new BarmanException("the base backup failed " + where + " (" + response.received() + " bytes "
                    + "received): " + reason(e), e);
        } finally {
            if (!finished) {
                syncer.abandon();
                removeUnfinished(extractor == null ? null : extractor.unfinished(), data);
                removeUnfinished(storing, data);
            }
            if (received != null) {
                received.close();
            }
        }
    }

    private BaseBackupStart start(BaseBackupResponse.Position position, List<ServerTablespace> rows) {
        List<ServerTablespace> tablespaces = new ArrayList<>();
        long dataSize = -1;
        for (ServerTablespace row : rows) {
            if (row.oid() < 0) {
                dataSize = row.sizeBytes();
            } else {
                tablespaces.add(row);
            }
        }
        return new BaseBackupStart(position.position(), position.timeline(), tablespaces, dataSize);
    }

    private Path tablespaceFolder(BaseBackupStart start, long oid) {
        for (ServerTablespace tablespace : start.tablespaces()) {
            if (tablespace.oid() == oid) {
                Path folder = request.tablespaceFolder().apply(oid);
                if (folder == null) {
                    throw new BarmanException("the base backup has no folder for the tablespace " + oid + " ("
                            + tablespace.location() + ")");
                }
                return folder.toAbsolutePath();
            }
        }
        return null;
    }

    private void progress(long bytes) {
        done += bytes;
        sinceReport += bytes;
        if (sinceReport >= PROGRESS_STEP) {
            sinceReport = 0;
            listener.progress(done, total);
        }
    }

    /** Extracts one archive into its folder, decompressing it first when the server compressed it. */
    private void extractArchive(ArchiveExtractor extractor, InputStream content, String name, Path folder,
            String manifestPrefix, LongFunction<Path> tablespaceLinks) throws IOException {
        ArchiveCompression compression = request.compression();
        if (!compression.onServer()) {
            extractor.extract(content, name, folder, manifestPrefix, tablespaceLinks);
            return;
        }
        try (InputStream tar = compression.compressor().decompress(content)) {
            extractor.extract(tar, name, folder, manifestPrefix, tablespaceLinks);
            TeeInputStream.drain(tar, new byte[64 * 1024]);
        }
    }

    /**
     * Stores one archive compressed, as Barman names it ({@code base.tar.gz}, {@code <oid>.tar.gz}) in the data
     * folder, while every file in it is checked on the way: the server's compressed bytes are written as they come
     * and decompressed to be read, or the uncompressed archive is read and compressed here.
     *
     * @return the bytes stored
     */
    private long storeArchive(InputStream content, BaseBackupResponse.Section section, Path data,
            ArchiveExtractor extractor, FileSyncer syncer, LongFunction<Path> tablespaceLinks) throws IOException {
        ArchiveCompression compression = request.compression();
        long oid = section.tablespaceOid();
        String name = (oid < 0 ? "base" : Long.toString(oid)) + ".tar." + compression.extension();
        String prefix = oid < 0 ? "" : "pg_tblspc/" + oid + "/";
        LongFunction<Path> links = oid < 0 ? tablespaceLinks : null;
        Path file = data.resolve(name);
        storing = file;
        FileChannel channel = LocalTrees.createFile(file);
        boolean handedOver = false;
        try {
            OutputStream out = new BufferedOutputStream(new ChannelOutput(channel, file), ARCHIVE_BUFFER);
            if (compression.onServer()) {
                TeeInputStream tee = new TeeInputStream(content, out);
                try (InputStream tar = compression.compressor().decompress(tee)) {
                    extractor.check(tar, section.name(), prefix, links);
                    TeeInputStream.drain(tar, new byte[64 * 1024]);
                    tee.drain();
                }
                out.flush();
            } else {
                CompressingThread compressed = new CompressingThread(compression.compressor().compress(out), name);
                boolean checked = false;
                try {
                    TeeInputStream tee = new TeeInputStream(content, compressed);
                    extractor.check(tee, section.name(), prefix, links);
                    tee.drain();
                    checked = true;
                } finally {
                    if (checked) {
                        compressed.close();
                    } else {
                        compressed.abandon();
                    }
                }
            }
            long size = channel.size();
            syncer.syncAndClose(channel, file);
            handedOver = true;
            storing = null;
            LOG.debug("stored {} ({} bytes)", file, size);
            return size;
        } finally {
            if (!handedOver) {
                channel.close();
            }
        }
    }

    private ManifestDigest writeManifest(InputStream content, Path file, FileSyncer syncer) throws IOException {
        ManifestDigest digest = new ManifestDigest();
        FileChannel out = LocalTrees.createFile(file);
        boolean handedOver = false;
        try {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = content.read(buffer, 0, buffer.length)) > 0) {
                digest.update(buffer, 0, read);
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
            syncer.syncAndClose(out, file);
            handedOver = true;
        } finally {
            if (!handedOver) {
                out.close();
            }
        }
        return digest;
    }

    /**
     * Makes sure a folder the backup writes exists and is empty, so that what it holds at the end is exactly what
     * the manifest lists (a failed attempt's copy must be removed before the next).
     */
    private static void requireEmpty(Path folder, String what) throws IOException {
        if (LocalTrees.ensureFolder(folder)) {
            try (var entries = Files.newDirectoryStream(folder)) {
                if (entries.iterator().hasNext()) {
                    throw new BarmanException("the base backup's " + what + " folder " + folder + " is not empty: "
                            + "a base backup is written only into an empty folder (remove what a failed attempt "
                            + "left there)");
                }
            }
        }
    }

    private static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void removeUnfinished(Path unfinished, Path data) {
        for (Path path : new Path[] {unfinished, data.resolve(MANIFEST_PART)}) {
            if (path == null) {
                continue;
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("cannot remove {}, which the failed base backup left unfinished: {}", path,
                        LocalTrees.reason(e));
            }
        }
    }

    private static BarmanException serverFailure(SQLException e) {
        return new BarmanException("the server failed the base backup: " + e.getMessage(), e);
    }

    /** The server's error behind a failed read, which the tar reader may have wrapped. */
    private static SQLException serverError(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BaseBackupResponse.ServerError error) {
                return error.error();
            }
        }
        return null;
    }

    private static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException) {
                return "the connection to the server ended (was the WAL sender terminated, or the server stopped?)";
            }
        }
        return LocalTrees.reason(e);
    }
}
