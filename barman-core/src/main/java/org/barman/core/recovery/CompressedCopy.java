package org.barman.core.recovery;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Tablespace;
import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.barman.api.support.TreePaths;

/**
 * Unpacks a backup stored as compressed tar archives ({@code backup_compression_format = tar}: {@code base.tar.gz}
 * and one {@code <oid>.tar.gz} per tablespace in the data folder, as Barman stores them) into plain folders on
 * this host, decompressing with the {@link Compressor} plug-in named in {@code backup.info}.
 *
 * <p>The archives are held to the rules of any copy Barman writes: every name is checked ({@link TreePaths}), no
 * entry is written through a link ({@link LocalTrees#inside}), hard links and devices are refused, and the only
 * links accepted are the tablespaces' in {@code pg_tblspc}, which are not written: the recovery links each to the
 * folder chosen for it. Files get their owner's mode bits and their time, and are fsynced.
 */
final class CompressedCopy {

    private static final Pattern TABLESPACE_LINK = Pattern.compile("pg_tblspc/[0-9]+");
    private static final int BUFFER = 256 * 1024;

    private final Compressor compressor;
    private final CopyListener listener;
    private final FileSyncer syncer = new FileSyncer();
    private final byte[] buffer = new byte[BUFFER];
    private final List<Folder> folders = new ArrayList<>();
    private long files;
    private long bytes;

    private record Folder(Path path, int mode, FileTime modified) {
    }

    private CompressedCopy(Compressor compressor, CopyListener listener) {
        this.compressor = compressor;
        this.listener = listener;
    }

    /**
     * @param backup a backup whose {@code compression} is set
     * @param extension the suffix of its archives after {@code .tar.}, such as {@code gz}
     * @param compressor the compressor that wrote them
     * @param archives the backup's data folder, which holds them
     * @param data the folder the data folder's archive goes to; created if missing, else empty
     * @param tablespaces the folder each tablespace's archive goes to, by OID; created if missing, else empty
     * @param listener hears the progress
     * @return the files and bytes written
     * @throws BarmanException naming the archive or the entry when one is missing, damaged or refused, or a file
     *     cannot be written
     */
    static CopyResult unpack(BackupInfo backup, String extension, Compressor compressor, Path archives, Path data,
            Map<Long, Path> tablespaces, CopyListener listener) {
        CompressedCopy copy = new CompressedCopy(compressor, listener);
        try {
            for (Tablespace tablespace : backup.tablespaces()) {
                copy.unpackArchive(archives.resolve(tablespace.oid() + ".tar." + extension),
                        tablespaces.get(tablespace.oid()), false);
            }
            copy.unpackArchive(archives.resolve("base.tar." + extension), data, true);
            copy.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            copy.syncer.abandon();
            throw new BarmanException("interrupted while unpacking backup " + backup.id(), e);
        } catch (IOException | RuntimeException e) {
            copy.syncer.abandon();
            throw e instanceof BarmanException barman ? barman : new BarmanException("cannot unpack backup "
                    + backup.id() + ": " + (e instanceof IOException io ? LocalTrees.reason(io) : e.getMessage()), e);
        }
        return new CopyResult(copy.files, copy.bytes, 0, 0);
    }

    private void unpackArchive(Path archive, Path target, boolean tablespaceLinks) throws IOException {
        if (!Files.isRegularFile(archive, NOFOLLOW_LINKS)) {
            throw new BarmanException("the backup's archive " + archive + " is missing: the backup cannot be "
                    + "recovered");
        }
        LocalTrees.createParents(target);
        if (LocalTrees.ensureFolder(target)) {
            try (var entries = Files.newDirectoryStream(target)) {
                if (entries.iterator().hasNext()) {
                    throw new BarmanException(target + " is not empty: a backup is unpacked only into an empty "
                            + "folder");
                }
            }
        }
        String source = "the backup's archive " + archive;
        TreePaths.Listing listing = TreePaths.listing(source);
        try (InputStream compressed = Files.newInputStream(archive, NOFOLLOW_LINKS);
                InputStream in = compressor.decompress(compressed);
                TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = TreePaths.tarEntryPath(entry.getName());
                listing.add(name, entry.isDirectory());
                if (entry.isSymbolicLink()) {
                    if (!tablespaceLinks || !TABLESPACE_LINK.matcher(name).matches()) {
                        throw new BarmanException(source + " holds the link '" + name + "': refused, since only the "
                                + "tablespaces of pg_tblspc are links");
                    }
                    continue;
                }
                Path local = LocalTrees.inside(target, name);
                if (entry.isDirectory()) {
                    LocalTrees.ensureFolder(local);
                    folders.add(new Folder(local, entry.getMode(), FileTime.from(entry.getModTime().toInstant())));
                } else if (entry.isFile() && !entry.isLink()) {
                    write(tar, entry, local, source);
                } else {
                    throw new BarmanException(source + " holds '" + name + "', which is neither a regular file, a "
                            + "folder nor a tablespace link: refused");
                }
            }
            drain(in);
        } catch (IOException e) {
            throw new BarmanException("cannot unpack " + archive + ": " + LocalTrees.reason(e), e);
        }
        syncer.syncFolder(target);
    }

    private void write(InputStream tar, TarArchiveEntry entry, Path local, String source) throws IOException {
        FileChannel out = LocalTrees.createFile(local);
        boolean handedOver = false;
        try {
            long size = 0;
            int read;
            while ((read = tar.read(buffer, 0, buffer.length)) > 0) {
                ByteBuffer data = ByteBuffer.wrap(buffer, 0, read);
                while (data.hasRemaining()) {
                    out.write(data);
                }
                size += read;
                listener.transferred(read);
            }
            if (size != entry.getSize()) {
                throw new BarmanException(source + " ends inside " + entry.getName() + ": it is damaged");
            }
            OwnerOnly.applyModeAndTime(local, entry.getMode(), FileTime.from(entry.getModTime().toInstant()));
            syncer.syncAndClose(out, local);
            handedOver = true;
            files++;
            bytes += size;
        } finally {
            if (!handedOver) {
                out.close();
            }
        }
    }

    private void finish() throws IOException, InterruptedException {
        for (int i = folders.size() - 1; i >= 0; i--) {
            Folder folder = folders.get(i);
            OwnerOnly.applyModeAndTime(folder.path(), folder.mode() | 0700, folder.modified());
            syncer.syncFolder(folder.path());
        }
        syncer.finish();
    }

    /** Reads a stream to its end, so that the decompressor checks the archive's trailer. */
    private void drain(InputStream in) throws IOException {
        while (in.read(buffer, 0, buffer.length) >= 0) {
            // read to the end
        }
    }
}
