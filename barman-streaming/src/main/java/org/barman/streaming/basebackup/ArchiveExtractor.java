package org.barman.streaming.basebackup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.barman.api.BarmanException;
import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.barman.api.support.TreePaths;

/**
 * Writes one tar archive of {@code BASE_BACKUP} into its folder as it arrives: no temporary tar file. Each regular
 * file is written (never through a link, see {@link LocalTrees#inside}), its SHA-256 computed on the way, its
 * mode (owner bits only) and modification time set, and it is handed to the {@link FileSyncer}; folders get their
 * mode and time once the whole backup is written ({@link #finishFolders}).
 *
 * <p>The archive is not trusted: an unsafe name, a name given twice, an entry inside a link, a hard link or a
 * device fails the backup. The only links PostgreSQL sends are the tablespaces' in {@code pg_tblspc} of the data
 * folder's archive; each becomes a link to the folder the request gives that tablespace, never to what the archive
 * says.
 */
final class ArchiveExtractor {

    private static final Pattern TABLESPACE_LINK = Pattern.compile("pg_tblspc/([0-9]+)");
    private static final int BUFFER = 256 * 1024;
    private static final String BACKUP_LABEL = "backup_label";
    /** A {@code backup_label} is a few hundred bytes; one larger than this is not kept in memory. */
    private static final long MAX_LABEL = 1024 * 1024;

    /**
     * A folder written, whose mode and time are set at the end (writing into it changes its time).
     *
     * @param path the folder
     * @param mode its mode
     * @param modified its modification time
     */
    record Folder(Path path, int mode, FileTime modified) {
    }

    private final FileSyncer syncer;
    private final ReceivedFiles received;
    private final List<Folder> folders;
    private final LongConsumer progress;
    private final byte[] buffer = new byte[BUFFER];
    private final MessageDigest sha256;
    private long files;
    private long bytes;
    private Path writing;
    private String backupLabel;

    /**
     * @param syncer fsyncs the files written
     * @param received where each file's size and checksum go, by its path in the manifest
     * @param folders where each folder written goes
     * @param progress told the size of each chunk written
     */
    ArchiveExtractor(FileSyncer syncer, ReceivedFiles received, List<Folder> folders,
            LongConsumer progress) {
        this.syncer = syncer;
        this.received = received;
        this.folders = folders;
        this.progress = progress;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** @return the regular files written so far */
    long files() {
        return files;
    }

    /** @return their total size */
    long bytes() {
        return bytes;
    }

    /** @return the file being written when an extraction failed, else null */
    Path unfinished() {
        return writing;
    }

    /** @return the content of {@code backup_label} as the data folder's archive held it, or null if not seen */
    String backupLabel() {
        return backupLabel;
    }

    /**
     * Writes one archive.
     *
     * @param content the archive, as it arrives
     * @param archive its name, for messages
     * @param target the folder it goes to
     * @param manifestPrefix what the manifest puts before its paths ({@code ""} for the data folder,
     *     {@code pg_tblspc/<oid>/} for a tablespace)
     * @param tablespaceLinks the folder of each tablespace whose link the archive may hold, or null when it may hold
     *     none
     * @throws IOException when the archive cannot be read (a broken connection, a truncated or malformed tar)
     * @throws BarmanException when an entry is refused, or a local file cannot be written, naming it
     */
    void extract(InputStream content, String archive, Path target, String manifestPrefix,
            LongFunction<Path> tablespaceLinks) throws IOException {
        walk(content, archive, target, manifestPrefix, tablespaceLinks);
    }

    /**
     * Reads one archive that is stored as it is elsewhere: every file's size and SHA-256 is recorded for the check
     * against the manifest, and the entries are held to the same rules as {@link #extract} holds them, but nothing
     * is written. Reads up to the archive's end-of-archive marker; the caller reads what follows it.
     *
     * @param content the archive, uncompressed
     * @param archive its name, for messages
     * @param manifestPrefix what the manifest puts before its paths
     * @param tablespaceLinks non-null for each tablespace whose link the archive may hold, or null when it may hold
     *     none
     * @throws IOException when the archive cannot be read
     * @throws BarmanException when an entry is refused, naming it
     */
    void check(InputStream content, String archive, String manifestPrefix, LongFunction<Path> tablespaceLinks)
            throws IOException {
        walk(content, archive, null, manifestPrefix, tablespaceLinks);
    }

    private void walk(InputStream content, String archive, Path target, String manifestPrefix,
            LongFunction<Path> tablespaceLinks) throws IOException {
        String source = "the base backup's archive " + archive;
        TreePaths.Listing listing = TreePaths.folderListing(source);
        TarArchiveInputStream tar = new TarArchiveInputStream(content, "UTF-8");
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String name = TreePaths.tarEntryPath(entry.getName());
            listing.add(name, entry.isDirectory());
            Path local = target == null ? null : entryPath(target, name);
            if (entry.isDirectory()) {
                if (local != null) {
                    local(local, () -> LocalTrees.ensureFolder(local));
                    folders.add(new Folder(local, entry.getMode(), FileTime.from(entry.getModTime().toInstant())));
                }
            } else if (entry.isSymbolicLink()) {
                var matcher = TABLESPACE_LINK.matcher(name);
                if (tablespaceLinks == null || !matcher.matches()) {
                    throw new BarmanException(source + " holds the link '" + name + "' -> '" + entry.getLinkName()
                            + "': refused, since PostgreSQL sends links only for the tablespaces in pg_tblspc");
                }
                Path folder = tablespaceLinks.apply(Long.parseLong(matcher.group(1)));
                if (folder == null) {
                    throw new BarmanException(source + " holds the link '" + name + "' of a tablespace that is not "
                            + "in the server's tablespace list: refused");
                }
                if (local != null) {
                    local(local, () -> {
                        LocalTrees.createLink(local, folder.toAbsolutePath().toString());
                        return null;
                    });
                }
            } else if (entry.isFile() && !entry.isLink()) {
                write(tar, entry, local, manifestPrefix + name);
            } else {
                throw new BarmanException(source + " holds '" + name + "', which is neither a regular file, a "
                        + "folder nor a tablespace link: refused");
            }
        }
    }

    private static Path entryPath(Path target, String name) {
        return local(target.resolve(name), () -> LocalTrees.inside(target, name));
    }

    private void write(InputStream tar, TarArchiveEntry entry, Path local, String manifestPath) throws IOException {
        boolean label = manifestPath.equals(BACKUP_LABEL) && entry.getSize() <= MAX_LABEL;
        ByteArrayOutputStream labelBytes = label ? new ByteArrayOutputStream() : null;
        writing = local;
        FileChannel out = local == null ? null : local(local, () -> LocalTrees.createFile(local));
        boolean handedOver = false;
        try {
            sha256.reset();
            long size = 0;
            int read;
            while ((read = tar.read(buffer, 0, buffer.length)) > 0) {
                sha256.update(buffer, 0, read);
                if (labelBytes != null) {
                    labelBytes.write(buffer, 0, read);
                }
                if (out != null) {
                    ByteBuffer data = ByteBuffer.wrap(buffer, 0, read);
                    local(local, () -> {
                        while (data.hasRemaining()) {
                            out.write(data);
                        }
                        return null;
                    });
                }
                size += read;
                progress.accept(read);
            }
            if (size != entry.getSize()) {
                throw new IOException("the archive ended inside " + manifestPath);
            }
            if (out != null) {
                local(local, () -> {
                    OwnerOnly.applyModeAndTime(local, entry.getMode(), FileTime.from(entry.getModTime().toInstant()));
                    return null;
                });
                syncer.syncAndClose(out, local);
            }
            handedOver = true;
            received.add(manifestPath, size, sha256.digest());
            if (labelBytes != null) {
                backupLabel = labelBytes.toString(StandardCharsets.UTF_8);
            }
            files++;
            bytes += size;
            writing = null;
        } finally {
            if (!handedOver && out != null) {
                out.close();
            }
        }
    }

    /**
     * Gives the folders written their modes and times, deepest first, and has them fsynced.
     *
     * @param folders the folders, in the order they were written
     * @param syncer fsyncs them
     */
    static void finishFolders(List<Folder> folders, FileSyncer syncer) {
        for (int i = folders.size() - 1; i >= 0; i--) {
            Folder folder = folders.get(i);
            local(folder.path(), () -> {
                OwnerOnly.applyModeAndTime(folder.path(), folder.mode() | 0700, folder.modified());
                return null;
            });
            syncer.syncFolder(folder.path());
        }
    }

    @FunctionalInterface
    private interface LocalIo<T> {
        T run() throws IOException;
    }

    /** Runs local I/O, so that its failures name the local file and are never taken for a broken stream. */
    private static <T> T local(Path local, LocalIo<T> io) {
        try {
            return io.run();
        } catch (IOException e) {
            throw new BarmanException("cannot write " + local + ": " + LocalTrees.reason(e), e);
        }
    }
}
