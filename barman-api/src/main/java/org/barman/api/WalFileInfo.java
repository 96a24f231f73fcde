package org.barman.api;

/**
 * One file of a server's WAL archive, as a line of {@code xlog.db} records it.
 *
 * @param name the WAL file name
 * @param size its size on disk, after compression
 * @param time its modification time in epoch seconds (with fractions)
 * @param compression the compressor that wrote it, or null when it is stored as is
 */
public record WalFileInfo(WalSegmentName name, long size, double time, String compression) {

    /**
     * Requires a name and a non-negative size.
     *
     * @param name the WAL file name
     * @param size its size on disk, after compression
     * @param time its modification time in epoch seconds (with fractions)
     * @param compression the compressor that wrote it, or null when it is stored as is
     */
    public WalFileInfo {
        if (name == null) {
            throw new IllegalArgumentException("a WAL file needs a name");
        }
        if (size < 0) {
            throw new IllegalArgumentException(name + ": negative size " + size);
        }
    }
}
