package org.barman.streaming.basebackup;

/** Hears how a base backup goes; called on the thread that runs it. */
public interface BaseBackupListener {

    /** A listener that ignores everything. */
    BaseBackupListener NONE = new BaseBackupListener() {
    };

    /**
     * The server has started the backup, before any file comes: the moment to record where it starts.
     *
     * @param start the start position, timeline and tablespaces
     */
    default void started(BaseBackupStart start) {
    }

    /**
     * More of the backup's archives have been received.
     *
     * @param bytesDone the archive bytes received so far
     * @param bytesTotal the estimated total, or -1 when the backup did not ask for progress
     */
    default void progress(long bytesDone, long bytesTotal) {
    }
}
