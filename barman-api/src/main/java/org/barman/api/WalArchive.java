package org.barman.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A server's archive of WAL files: the files that let a base backup be recovered to any later moment.
 *
 * <p>An implementation never loses a file: a file is listed only once it is durably stored, and a file leaves
 * the place it came from only after that.
 */
public interface WalArchive {

    /**
     * Stores one file that PostgreSQL delivered, then removes it from where it was.
     *
     * @param file a file in the incoming folder
     * @return what was stored
     * @throws BarmanException when it cannot be stored; the file is then left where it was (or moved to the
     *     errors folder when it can never be archived)
     */
    WalFileInfo archive(Path file);

    /**
     * @param name a WAL file name
     * @return its entry, when archived
     */
    Optional<WalFileInfo> find(WalSegmentName name);

    /**
     * @param name a WAL file name
     * @return its original, uncompressed bytes
     * @throws IOException when it cannot be read
     * @throws BarmanException when it is not in the archive
     */
    InputStream open(WalSegmentName name) throws IOException;

    /** @return every archived file, in WAL order */
    List<WalFileInfo> list();

    /**
     * Removes every segment, partial and backup label before {@code firstToKeep}; history files stay.
     *
     * @param firstToKeep the oldest segment still needed
     * @return the removed files
     */
    List<WalFileInfo> removeBefore(WalSegmentName firstToKeep);

    /**
     * Rebuilds the index from the files on disk.
     *
     * @return the number of files indexed
     */
    int rebuildIndex();
}
