package org.barman.streaming;

import org.barman.api.BarmanException;

/**
 * The streaming folder cannot be written (full, read-only, failing disk): the receiver stops, since what it cannot
 * keep on disk it must not report as flushed.
 */
final class FolderFailure extends BarmanException {

    /**
     * @param message what could not be done, naming the folder and the file
     * @param cause the file system's error
     */
    FolderFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
