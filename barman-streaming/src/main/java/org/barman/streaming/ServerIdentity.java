package org.barman.streaming;

import org.barman.api.Lsn;

/**
 * What {@code IDENTIFY_SYSTEM} and {@code SHOW wal_segment_size} say about the server at the other end of a
 * replication connection.
 *
 * @param systemId the system identifier, the same for a primary and its standbys, different for another cluster
 * @param timeline the server's current timeline
 * @param position the server's current WAL flush position (on a standby: what it has received and flushed)
 * @param segmentSize the WAL segment size in bytes
 * @param majorVersion the PostgreSQL major version, such as 15
 */
record ServerIdentity(long systemId, long timeline, Lsn position, long segmentSize, int majorVersion) {

    /** @return whether the server answers {@code READ_REPLICATION_SLOT} (PostgreSQL 15 and later) */
    boolean readsSlots() {
        return majorVersion >= 15;
    }

    /**
     * Parses the value {@code SHOW wal_segment_size} prints, such as {@code 16MB} or {@code 1GB}.
     *
     * @param shown the setting as shown
     * @return the size in bytes
     * @throws IllegalArgumentException when it is not a size
     */
    static long parseSize(String shown) {
        String text = shown == null ? "" : shown.strip();
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("'" + shown + "' is not a size");
        }
        long number = Long.parseLong(text.substring(0, digits));
        long unit = switch (text.substring(digits).strip()) {
            case "", "B" -> 1;
            case "kB" -> 1024;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException("'" + shown + "' is not a size");
        };
        return number * unit;
    }
}
