package org.barman.core.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.wal.FileSystemWalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code barman delete}: removes one backup, then the WAL files no remaining backup needs, as Barman's
 * {@code delete_backup} does.
 *
 * <ul>
 *   <li>The whole deletion holds the server's backup lock: no backup runs meanwhile (a new backup may hard-link
 *       files of the previous one), and a running backup makes the deletion fail with the lock's busy message.
 *       (Barman only refuses to delete the running backup itself.)</li>
 *   <li>It holds the backup's own lock exclusively too ({@link Locks#backupRemoval}): a backup that a recovery,
 *       {@code list-files} or another reader holds is not deleted; the deletion fails, naming the backup and the
 *       reader's pid.</li>
 *   <li>A DONE backup is not deleted when the server would keep fewer than {@code minimum_redundancy} DONE
 *       backups.</li>
 *   <li>WAL files go only when the deleted backup had no available backup before it: those before the next
 *       available backup's {@code begin_wal}; with none, those before the deleted backup's own
 *       {@code begin_wal} ({@code concurrent_backup}) or all of them ({@code exclusive_backup}). History files,
 *       and WAL of timelines that another backup is on, always stay. When the limit's {@code begin_wal} is not
 *       known (a backup that failed early), no WAL file is removed: Barman would remove them all.</li>
 * </ul>
 */
public final class BackupDeleter {

    private static final Logger LOG = LoggerFactory.getLogger(BackupDeleter.class);
    /** Barman's {@code STATUS_ARCHIVING}: backups that need the WAL of their timeline. */
    private static final Set<BackupStatus> ARCHIVING = EnumSet.of(BackupStatus.STARTED,
            BackupStatus.WAITING_FOR_WALS, BackupStatus.DONE, BackupStatus.SYNCING);

    private final ServerConfig server;
    private final Catalog catalog;
    private final FileSystemWalArchive archive;

    /**
     * @param server the server's configuration ({@code minimum_redundancy}, {@code backup_options}, locks)
     * @param catalog its catalogue
     * @param archive its WAL archive
     */
    public BackupDeleter(ServerConfig server, Catalog catalog, FileSystemWalArchive archive) {
        this.server = server;
        this.catalog = catalog;
        this.archive = archive;
    }

    /**
     * @param reference a backup id or alias ({@code oldest}, {@code latest}...)
     * @return what was deleted
     * @throws org.barman.core.lock.LockBusyException when a backup (or another deletion) runs for the server, or
     *     when the backup is in use (a recovery reads it)
     * @throws BarmanException when the reference names no backup, when {@code minimum_redundancy} forbids the
     *     deletion, or when the files cannot be removed
     */
    public DeletionReport delete(String reference) {
        try (FileLock lock = Locks.server(server.lockDirectory(), server.name(), Locks.Kind.BACKUP)) {
            Instant started = Instant.now();
            BackupInfo backup = catalog.resolve(reference);
            try (FileLock removal = Locks.backupRemoval(server.lockDirectory(), server.name(), backup.id())) {
                List<BackupInfo> backups = catalog.oldestFirst();
                checkMinimumRedundancy(backup, backups);
                boolean oldest = catalog.previous(backup.id()).isEmpty();
                Optional<BackupInfo> next = catalog.next(backup.id());
                LOG.info("Deleting backup {} for server {}", backup.id(), server.name());
                catalog.remove(backup.id());
                removeLockFile(removal);
                List<WalFileInfo> removed = oldest ? removeUnneededWal(backup, next, backups) : List.of();
                catalog.removeLeftovers();
                Instant ended = Instant.now();
                LOG.info("Deleted backup {} for server {} ({} WAL files removed)", backup.id(), server.name(),
                        removed.size());
                return new DeletionReport(backup, removed, started, ended);
            }
        }
    }

    /**
     * Removes a DONE backup that the retention policy made obsolete, for a caller that already holds the server's
     * backup lock ({@code barman cron}). {@code minimum_redundancy} is checked again against the catalogue as it
     * is now. No WAL file is removed here: the caller removes the WAL no remaining backup needs once every
     * obsolete backup is gone.
     *
     * @param id the backup
     * @param backupLock the server's backup lock, held by the caller
     * @return what was deleted (no WAL files)
     * @throws IllegalArgumentException when the lock is not this server's backup lock
     * @throws org.barman.core.lock.LockBusyException when the backup is in use (a recovery reads it): it stays
     * @throws BarmanException when the backup does not exist or is not DONE, when {@code minimum_redundancy}
     *     forbids its deletion, or when its files cannot be removed
     */
    public DeletionReport removeObsolete(BackupId id, FileLock backupLock) {
        return removeObsolete(id, backupLock, backup -> { });
    }

    /**
     * Like {@link #removeObsolete(BackupId, FileLock)}, telling the caller once the backup is about to go: when
     * it is DONE, {@code minimum_redundancy} allows its deletion and nothing uses it.
     *
     * @param id the backup
     * @param backupLock the server's backup lock, held by the caller
     * @param beforeRemoval hears the backup just before it is deleted
     * @return what was deleted (no WAL files)
     * @throws IllegalArgumentException when the lock is not this server's backup lock
     * @throws org.barman.core.lock.LockBusyException when the backup is in use (a recovery reads it): it stays
     * @throws BarmanException when the backup does not exist or is not DONE, when {@code minimum_redundancy}
     *     forbids its deletion, or when its files cannot be removed
     */
    public DeletionReport removeObsolete(BackupId id, FileLock backupLock, Consumer<BackupInfo> beforeRemoval) {
        Path expected = Locks.path(server.lockDirectory(), server.name(), Locks.Kind.BACKUP);
        if (!backupLock.path().equals(expected)) {
            throw new IllegalArgumentException("removing an obsolete backup needs the lock " + expected + ", not "
                    + backupLock.path());
        }
        Instant started = Instant.now();
        BackupInfo backup = catalog.get(id);
        if (!backup.isDone()) {
            throw new BarmanException("backup " + id + " of server " + server.name() + " is " + backup.status()
                    + ": retention only deletes DONE backups");
        }
        checkMinimumRedundancy(backup, catalog.oldestFirst());
        try (FileLock removal = Locks.backupRemoval(server.lockDirectory(), server.name(), id)) {
            beforeRemoval.accept(backup);
            LOG.info("Deleting obsolete backup {} for server {}", id, server.name());
            catalog.remove(id);
            removeLockFile(removal);
            catalog.removeLeftovers();
            return new DeletionReport(backup, List.of(), started, Instant.now());
        }
    }

    /**
     * The lock file of a deleted backup goes too, while still held: a process that opened it earlier finds the
     * lock taken, one that comes later creates a new file, and both then find the backup gone.
     */
    private static void removeLockFile(FileLock removal) {
        try {
            Files.deleteIfExists(removal.path());
        } catch (IOException e) {
            LOG.warn("Could not remove lock file {} of a deleted backup: {}", removal.path(), e.getMessage());
        }
    }

    private void checkMinimumRedundancy(BackupInfo backup, List<BackupInfo> backups) {
        int minimum = server.get(ConfigOptions.MINIMUM_REDUNDANCY);
        long done = backups.stream().filter(BackupInfo::isDone).count();
        if (backup.isDone() && minimum >= done) {
            throw new BarmanException("Skipping delete of backup " + backup.id() + " for server " + server.name()
                    + " due to minimum redundancy requirements (minimum redundancy = " + minimum
                    + ", current redundancy = " + done + ")");
        }
    }

    private List<WalFileInfo> removeUnneededWal(BackupInfo deleted, Optional<BackupInfo> next,
            List<BackupInfo> backups) {
        boolean concurrent = !server.get(ConfigOptions.BACKUP_OPTIONS).contains("exclusive_backup");
        BackupInfo removeUntil = next.orElse(concurrent ? deleted : null);
        if (removeUntil != null && removeUntil.beginWal() == null) {
            LOG.warn("Backup {} of server {} has no begin_wal: no WAL file removed", removeUntil.id(),
                    server.name());
            return List.of();
        }
        Set<Long> protectedTimelines = new HashSet<>();
        if (removeUntil != null) {
            for (BackupInfo backup : backups) {
                if (!backup.id().equals(deleted.id()) && ARCHIVING.contains(backup.status())) {
                    protectedTimelines.add(backup.timeline());
                }
            }
            protectedTimelines.remove(removeUntil.timeline());
        }
        WalSegmentName keepFrom = removeUntil == null ? null : removeUntil.beginWal();
        List<WalFileInfo> removed = archive.removeIf(name -> name.hasPosition()
                && !protectedTimelines.contains(name.timeline())
                && (keepFrom == null || name.segmentName().compareTo(keepFrom) < 0));
        LOG.info("Removed {} WAL files of server {} no backup needs any more{}", removed.size(), server.name(),
                keepFrom == null ? " (all of them)" : " (before " + keepFrom + ")");
        return removed;
    }
}
