package org.barman.core.catalog;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups left STARTED by a process that ended without recording how its backup ended ({@code kill -9}, a host
 * that stopped). A backup is STARTED only while its process holds the server's backup lock, and the operating
 * system releases that lock when the process ends: so when nobody holds the lock, every STARTED backup is
 * abandoned. Left STARTED, it would keep every WAL file from its {@code begin_wal} on, for ever.
 */
public final class AbandonedBackups {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedBackups.class);

    private final ServerConfig server;
    private final Catalog catalog;

    /**
     * @param server the server's configuration (its lock folder)
     * @param catalog its catalogue
     */
    public AbandonedBackups(ServerConfig server, Catalog catalog) {
        this.server = server;
        this.catalog = catalog;
    }

    /**
     * @return the error recorded in a backup marked FAILED because its process ended
     */
    public String reason() {
        return "the backup process ended without recording the result (killed, or its host stopped): barman cron "
                + "found the backup STARTED and no process holding the backup lock of server " + server.name();
    }

    /**
     * @return the abandoned backups, oldest first; none while a process holds the server's backup lock (one of
     *     them may be its backup)
     * @throws org.barman.api.BarmanException when the catalogue cannot be read
     */
    public List<BackupInfo> find() {
        List<BackupInfo> started = catalog.oldestFirst(EnumSet.of(BackupStatus.STARTED));
        if (started.isEmpty()) {
            return started;
        }
        try (FileLock backupLock = Locks.server(server.lockDirectory(), server.name(), Locks.Kind.BACKUP)) {
            return catalog.oldestFirst(EnumSet.of(BackupStatus.STARTED));
        } catch (LockBusyException busy) {
            return List.of();
        }
    }

    /**
     * Marks every abandoned backup FAILED, with {@link #reason()} as its error, under the server's backup lock and
     * each backup's own lock. Does nothing while a process holds the server's backup lock.
     *
     * @return the backups marked FAILED, as recorded
     * @throws org.barman.api.BarmanException when a {@code backup.info} cannot be read or written
     */
    public List<BackupInfo> fail() {
        List<BackupInfo> failed = new ArrayList<>();
        if (catalog.oldestFirst(EnumSet.of(BackupStatus.STARTED)).isEmpty()) {
            return failed;
        }
        try (FileLock backupLock = Locks.server(server.lockDirectory(), server.name(), Locks.Kind.BACKUP)) {
            BackupStatusChanges changes = new BackupStatusChanges(server, catalog);
            for (BackupInfo listed : catalog.oldestFirst(EnumSet.of(BackupStatus.STARTED))) {
                changes.change(listed.id(), info -> info.status() == BackupStatus.STARTED
                        ? info.toBuilder().status(BackupStatus.FAILED).error(reason()).build() : info)
                        .ifPresent(backup -> {
                            LOG.warn("Backup {} of server {} was STARTED, but no process works on it any more: marked "
                                    + "FAILED (its WAL is no longer kept for it)", backup.id(), server.name());
                            failed.add(backup);
                        });
            }
        } catch (LockBusyException busy) {
            LOG.debug("Backups of server {} left STARTED are not looked at this time: {}", server.name(),
                    busy.getMessage());
        }
        return failed;
    }
}
