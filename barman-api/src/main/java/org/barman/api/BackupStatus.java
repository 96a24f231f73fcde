package org.barman.api;

/** Where a base backup is in its life, as {@code backup.info} records it with Barman's spelling. */
public enum BackupStatus {
    /** Created but nothing copied yet. */
    EMPTY,
    /** The copy is running (or the process running it died: check the backup lock). */
    STARTED,
    /** The copy ended; the WAL file that makes it consistent has not been archived yet. */
    WAITING_FOR_WALS,
    /** Complete and consistent with the WAL archive: the only status a recovery or retention counts. */
    DONE,
    /** Being copied from another Barman (passive node). */
    SYNCING,
    /** The backup did not complete; {@code backup.info} has the reason. */
    FAILED;

    /**
     * @param text a status as {@code backup.info} writes it
     * @return the status
     * @throws IllegalArgumentException naming the accepted values
     */
    public static BackupStatus parse(String text) {
        for (BackupStatus status : values()) {
            if (status.name().equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a backup status: expected one of "
                + java.util.Arrays.toString(values()));
    }
}
