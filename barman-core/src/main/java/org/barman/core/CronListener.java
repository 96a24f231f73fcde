package org.barman.core;

import org.barman.api.BackupInfo;
import org.barman.core.retention.EnforcementReport;
import org.barman.core.wal.ArchiveReport;

/** Hears what {@code barman cron} does, to print it. Every method does nothing by default. */
public interface CronListener {

    /**
     * @param server the server whose WAL archiving starts
     */
    default void archivingStarted(Server server) {
    }

    /**
     * @param server the server
     * @param report what archiving did
     */
    default void archived(Server server, ArchiveReport report) {
    }

    /**
     * @param server the server
     * @param reason why its work was skipped this time (another process holds its lock)
     */
    default void skipped(Server server, String reason) {
    }

    /**
     * @param server a server with {@code streaming_archiver = on} and {@code create_slot = auto}
     * @param slot its replication slot, just created
     */
    default void slotCreated(Server server, String slot) {
    }

    /**
     * @param server a server with {@code streaming_archiver = on} whose {@code receive-wal} is not running, about
     *     to be started
     */
    default void receiverStarting(Server server) {
    }

    /**
     * @param server the server
     * @param pid the process of the {@code receive-wal} started in the background
     */
    default void receiverStarted(Server server, long pid) {
    }

    /**
     * @param server a server with {@code streaming_archiver = off}
     * @param pid the process of its {@code receive-wal}, still running, now stopped
     */
    default void receiverStopped(Server server, long pid) {
    }

    /**
     * @param server the server
     * @param backup a backup that a process which ended left STARTED, now recorded FAILED (with the reason in its
     *     error)
     */
    default void abandonedBackupFailed(Server server, BackupInfo backup) {
    }

    /**
     * @param server the server
     * @param backup a backup its retention policy made obsolete, about to be deleted
     */
    default void removingObsoleteBackup(Server server, BackupInfo backup) {
    }

    /**
     * @param server the server
     * @param backup a backup its retention policy made obsolete, kept this time because something uses it (a
     *     recovery, {@code list-files}); the next {@code cron} deletes it
     * @param reason who holds it, with the pid
     */
    default void obsoleteBackupInUse(Server server, BackupInfo backup, String reason) {
    }

    /**
     * @param server the server
     * @param report what enforcing its retention policy did
     */
    default void retentionEnforced(Server server, EnforcementReport report) {
    }

    /**
     * @param server the server
     * @param reason why its retention policy was not enforced this time (a backup of it runs); the next
     *     {@code cron} enforces it
     */
    default void retentionSkipped(Server server, String reason) {
    }

    /**
     * @param server the server
     * @param error what failed
     */
    default void failed(Server server, String error) {
    }
}
