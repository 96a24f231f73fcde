package org.barman.api;

/**
 * Hears how a copy progresses, to draw a progress bar. Called from the copying threads; implementations must be
 * thread-safe and fast.
 */
public interface CopyListener {

    /** A listener that ignores everything. */
    CopyListener NONE = new CopyListener() {
    };

    /**
     * The copy knows how much it will move (called at most once per job, before the first file).
     *
     * @param files the number of files
     * @param bytes their size in bytes
     */
    default void planned(long files, long bytes) {
    }

    /**
     * Bytes arrived (called often, in chunks).
     *
     * @param bytes how many more bytes were copied or reused
     */
    default void transferred(long bytes) {
    }

    /**
     * A regular file is complete (copied or reused).
     *
     * @param relativePath its path relative to the tree root, with {@code /} separators and no leading one
     */
    default void fileDone(String relativePath) {
    }
}
