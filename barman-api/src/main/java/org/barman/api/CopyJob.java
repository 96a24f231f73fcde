package org.barman.api;

import java.nio.file.Path;
import java.util.List;

/**
 * One folder tree to move between the PostgreSQL host (the remote side, which is this host for the local
 * transport) and the backup host.
 *
 * <p>Exclusions use rsync's anchored form, relative to the tree's root: {@code /postmaster.pid} excludes one
 * file, {@code /pg_wal/*} keeps the {@code pg_wal} folder but none of its content, and a pattern without a
 * leading slash, such as {@code pgsql_tmp*}, matches a name at any depth. In a pattern {@code *} matches any
 * characters but {@code /}, {@code **} any characters, {@code ?} one character but {@code /}, {@code [...]} one of a
 * set, and a trailing {@code /} matches folders only. An excluded folder is not entered. Symbolic links are copied as
 * links, never followed.
 *
 * <p>Reuse compares a file with the file of the same relative path under {@code reference}: when both have the same
 * size, modification time and permission bits, the file is taken from {@code reference} (hard link or local copy)
 * instead of read from the source.
 *
 * @param remotePath the tree on the remote side (absolute)
 * @param localPath the tree on the backup host
 * @param exclusions what not to copy, in the form above
 * @param reuseMode what to do with files unchanged since {@code reference} (pull only)
 * @param reference the same tree in the previous backup, or null when there is none (pull only)
 * @param bandwidthLimitKbps the limit for this tree in kilobytes (1024 bytes) per second as rsync's
 *     {@code --bwlimit}, for all parallel streams together, 0 for none
 */
public record CopyJob(String remotePath, Path localPath, List<String> exclusions, ReuseMode reuseMode,
        Path reference, long bandwidthLimitKbps) {

    /**
     * Checks the fields and copies the list.
     *
     * @param remotePath the tree on the remote side (absolute)
     * @param localPath the tree on the backup host
     * @param exclusions what not to copy, in the form above
     * @param reuseMode what to do with files unchanged since {@code reference} (pull only)
     * @param reference the same tree in the previous backup, or null when there is none (pull only)
     * @param bandwidthLimitKbps the limit for this tree in kilobytes (1024 bytes) per second as rsync's
     *     {@code --bwlimit}, for all parallel streams together, 0 for none
     */
    public CopyJob {
        if (remotePath == null || !remotePath.startsWith("/")) {
            throw new IllegalArgumentException("the remote path of a copy must be absolute: " + remotePath);
        }
        if (localPath == null) {
            throw new IllegalArgumentException("the local path of a copy is null");
        }
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        reuseMode = reuseMode == null ? ReuseMode.OFF : reuseMode;
        if (bandwidthLimitKbps < 0) {
            throw new IllegalArgumentException("bandwidth limit must be 0 or more: " + bandwidthLimitKbps);
        }
    }

    /**
     * @param remotePath the tree on the remote side
     * @param localPath the tree on the backup host
     * @return a job with no exclusion, no reuse and no limit
     */
    public static CopyJob of(String remotePath, Path localPath) {
        return new CopyJob(remotePath, localPath, List.of(), ReuseMode.OFF, null, 0);
    }
}
