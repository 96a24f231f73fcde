package org.barman.core;

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
     * @param server the server
     * @param error what failed
     */
    default void failed(Server server, String error) {
    }
}
