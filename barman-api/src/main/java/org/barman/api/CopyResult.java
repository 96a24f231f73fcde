package org.barman.api;

/**
 * What a copy did.
 *
 * @param files regular files in the copied tree (reused ones included; folders and links are not counted)
 * @param bytes bytes of those files, as copied (a file that changed size during the copy counts what was copied)
 * @param reusedFiles files taken from the previous backup instead of the source
 * @param linkedBytes bytes of files hard-linked to the previous backup: they take no new space
 */
public record CopyResult(long files, long bytes, long reusedFiles, long linkedBytes) {

    /** A copy of nothing. */
    public static final CopyResult EMPTY = new CopyResult(0, 0, 0, 0);

    /**
     * @param other another result
     * @return the sum of both
     */
    public CopyResult plus(CopyResult other) {
        return new CopyResult(files + other.files, bytes + other.bytes, reusedFiles + other.reusedFiles,
                linkedBytes + other.linkedBytes);
    }
}
