package org.barman.streaming.basebackup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongFunction;

import org.barman.api.BarmanException;

/**
 * What to ask of {@code BASE_BACKUP}, and where its files go.
 *
 * @param label the backup label, recorded in {@code backup_label}
 * @param fastCheckpoint whether to ask for an immediate checkpoint (else the server spreads it)
 * @param maxRateKbPerSecond the server's transfer limit in kB/s (32 to 1048576), or 0 for none
 * @param progress whether the server first sizes the data (an extra pass over it) so that progress has a total
 * @param dataFolder where the data folder's files go
 * @param tablespaceFolder the folder of each tablespace, by OID; the copy's {@code pg_tblspc/<oid>} links to it
 *     (unused when the archives are stored as they are: they all go into the data folder)
 * @param compression how the archives are compressed and stored
 */
public record BaseBackupRequest(String label, boolean fastCheckpoint, long maxRateKbPerSecond, boolean progress,
        Path dataFolder, LongFunction<Path> tablespaceFolder, ArchiveCompression compression) {

    /** The lowest limit the server accepts, in kB/s. */
    public static final long MIN_RATE = 32;
    /** The highest limit the server accepts, in kB/s. */
    public static final long MAX_RATE = 1024 * 1024;

    /**
     * @param label the backup label
     * @param fastCheckpoint whether to ask for an immediate checkpoint
     * @param maxRateKbPerSecond the transfer limit in kB/s, or 0 for none
     * @param progress whether to size the data first
     * @param dataFolder where the data folder's files go
     * @param tablespaceFolder the folder of each tablespace, by OID
     * @param compression how the archives are compressed and stored
     * @throws BarmanException when the limit is out of the server's range, or the label holds a NUL character
     */
    public BaseBackupRequest {
        Objects.requireNonNull(compression, "compression is null");
        Objects.requireNonNull(label, "label is null");
        if (label.indexOf('\0') >= 0) {
            throw new BarmanException("a base backup's label cannot hold a NUL character");
        }
        Objects.requireNonNull(dataFolder, "dataFolder is null");
        Objects.requireNonNull(tablespaceFolder, "tablespaceFolder is null");
        if (maxRateKbPerSecond != 0 && (maxRateKbPerSecond < MIN_RATE || maxRateKbPerSecond > MAX_RATE)) {
            throw new BarmanException("a base backup's transfer limit must be between " + MIN_RATE + " kB/s and "
                    + MAX_RATE + " kB/s (PostgreSQL's MAX_RATE), or 0 for none; got " + maxRateKbPerSecond);
        }
    }

    /**
     * A backup stored as plain files, uncompressed.
     *
     * @param label the backup label
     * @param fastCheckpoint whether to ask for an immediate checkpoint
     * @param maxRateKbPerSecond the transfer limit in kB/s, or 0 for none
     * @param progress whether to size the data first
     * @param dataFolder where the data folder's files go
     * @param tablespaceFolder the folder of each tablespace, by OID
     */
    public BaseBackupRequest(String label, boolean fastCheckpoint, long maxRateKbPerSecond, boolean progress,
            Path dataFolder, LongFunction<Path> tablespaceFolder) {
        this(label, fastCheckpoint, maxRateKbPerSecond, progress, dataFolder, tablespaceFolder,
                ArchiveCompression.NONE);
    }
}
