package org.barman.core.catalog;

import java.util.Optional;
import java.util.function.UnaryOperator;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes {@code barman cron} makes to the {@code backup.info} of backups that no backup process works on
 * (completing a backup waiting for its WAL, failing one a dead process left STARTED). Each change holds the
 * backup's lock shared, so no deletion runs meanwhile, and starts from the file as it is under that lock: a
 * backup deleted since the catalogue was read is left deleted, never written again.
 */
public final class BackupStatusChanges {

    private static final Logger LOG = LoggerFactory.getLogger(BackupStatusChanges.class);

    private final ServerConfig server;
    private final Catalog catalog;

    /**
     * @param server the server's configuration (its lock folder)
     * @param catalog its catalogue
     */
    public BackupStatusChanges(ServerConfig server, Catalog catalog) {
        this.server = server;
        this.catalog = catalog;
    }

    /**
     * @param id a backup
     * @param change the new version of the backup given its current one; the same object to leave it as it is
     * @return the new version when one was written; empty when there was no change, or the backup is gone or
     *     being deleted
     * @throws org.barman.api.BarmanException when {@code backup.info} cannot be read or written
     */
    public Optional<BackupInfo> change(BackupId id, UnaryOperator<BackupInfo> change) {
        try (FileLock inUse = Locks.backupInUse(server.lockDirectory(), server.name(), id)) {
            Optional<BackupInfo> current = catalog.find(id);
            if (current.isEmpty()) {
                LOG.info("Backup {} of server {} was deleted meanwhile: left as it is", id, server.name());
                return Optional.empty();
            }
            BackupInfo changed = change.apply(current.get());
            if (changed == current.get()) {
                return Optional.empty();
            }
            catalog.save(changed);
            return Optional.of(changed);
        } catch (LockBusyException busy) {
            LOG.info("Backup {} of server {} left as it is: {}", id, server.name(), busy.getMessage());
            return Optional.empty();
        }
    }
}
