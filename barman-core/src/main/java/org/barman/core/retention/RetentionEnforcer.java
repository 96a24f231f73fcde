package org.barman.core.retention;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.catalog.BackupDeleter;
import org.barman.core.catalog.Catalog;
import org.barman.core.catalog.DeletionReport;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.core.wal.FileSystemWalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces a server's retention policy, as {@code barman cron} does when {@code retention_policy_mode = auto}:
 * deletes the OBSOLETE backups oldest first, then the WAL files no remaining backup needs.
 *
 * <ul>
 *   <li>Everything happens under the server's backup lock, so no backup runs meanwhile (a new backup may
 *       hard-link the files of the previous one, and needs the WAL from its start). While a backup runs,
 *       {@link #enforce} fails at once with the lock's busy message and deletes nothing.</li>
 *   <li>Only DONE backups are deleted, and each deletion checks {@code minimum_redundancy} again against the
 *       catalogue as it is then.</li>
 *   <li>An obsolete backup in use (a recovery or {@code list-files} holds its lock) is kept this time, with a log
 *       line, and the following ones are still deleted; the next run deletes it. It still holds its WAL.</li>
 *   <li>The WAL limit comes from the catalogue as it is after the deletions: every backup still there that did
 *       not fail (DONE, WAITING_FOR_WALS, or STARTED: {@code barman cron} marks FAILED first those that a process
 *       which ended left STARTED) keeps the WAL from its
 *       {@code begin_wal} on. Files before the oldest of those go from {@code xlog.db} and from the disk;
 *       history files stay. When no backup needs WAL, or a DONE backup's {@code begin_wal} is unknown, no WAL
 *       file is removed.</li>
 * </ul>
 */
public final class RetentionEnforcer {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionEnforcer.class);

    private final ServerConfig server;
    private final RetentionPolicy policy;
    private final Catalog catalog;
    private final FileSystemWalArchive archive;
    private final Clock clock;

    /**
     * @param server the server's configuration ({@code minimum_redundancy}, locks)
     * @param policy its retention policy
     * @param catalog its catalogue
     * @param archive its WAL archive
     * @param clock what "now" is, for recovery windows
     */
    public RetentionEnforcer(ServerConfig server, RetentionPolicy policy, Catalog catalog,
            FileSystemWalArchive archive, Clock clock) {
        this.server = Objects.requireNonNull(server, "server is null");
        this.policy = Objects.requireNonNull(policy, "policy is null");
        this.catalog = Objects.requireNonNull(catalog, "catalog is null");
        this.archive = Objects.requireNonNull(archive, "archive is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /**
     * @param beforeRemoval hears each obsolete backup just before it is deleted (not those in use)
     * @return what was done
     * @throws org.barman.core.lock.LockBusyException when a backup (or a deletion) of the server is running:
     *     nothing was done
     * @throws BarmanException when the catalogue cannot be read
     */
    public EnforcementReport enforce(Consumer<BackupInfo> beforeRemoval) {
        try (FileLock lock = Locks.server(server.lockDirectory(), server.name(), Locks.Kind.BACKUP)) {
            List<BackupInfo> backups = catalog.oldestFirst();
            RetentionReport evaluation = policy.evaluate(backups, clock.instant(),
                    server.get(ConfigOptions.MINIMUM_REDUNDANCY));
            List<DeletionReport> deleted = new ArrayList<>();
            List<BackupInUse> inUse = new ArrayList<>();
            String failure = null;
            BackupDeleter deleter = new BackupDeleter(server, catalog, archive);
            for (BackupInfo backup : backups) {
                if (evaluation.statusOf(backup.id()) != RetentionStatus.OBSOLETE) {
                    continue;
                }
                if (!backup.isDone()) {
                    LOG.warn("Retention policy {} calls backup {} of server {} obsolete, but it is {}: kept",
                            policy.describe(), backup.id(), server.name(), backup.status());
                    continue;
                }
                try {
                    deleted.add(deleter.removeObsolete(backup.id(), lock, removing -> {
                        LOG.info("Enforcing retention policy {}: removing backup {} for server {}",
                                policy.describe(), removing.id(), server.name());
                        beforeRemoval.accept(removing);
                    }));
                } catch (LockBusyException busy) {
                    LOG.info("Retention policy {}: obsolete backup {} of server {} kept this time: {}; the next "
                            + "barman cron deletes it", policy.describe(), backup.id(), server.name(),
                            busy.getMessage());
                    inUse.add(new BackupInUse(backup, busy.getMessage()));
                } catch (BarmanException e) {
                    failure = "retention policy " + policy.describe() + " of server " + server.name()
                            + ": cannot delete obsolete backup " + backup.id() + ": " + e.getMessage();
                    LOG.error("{}; the next barman cron tries again", failure);
                    break;
                }
            }
            Optional<WalSegmentName> firstWal = RetentionEvaluation.firstWalNeeded(catalog.oldestFirst(),
                    backup -> backup.status() != BackupStatus.FAILED);
            List<WalFileInfo> removed = List.of();
            if (firstWal.isPresent()) {
                try {
                    removed = archive.removeBefore(firstWal.get());
                    if (!removed.isEmpty()) {
                        LOG.info("Retention policy {}: removed {} WAL files of server {} older than {}, which no "
                                + "remaining backup needs", policy.describe(), removed.size(), server.name(),
                                firstWal.get());
                    }
                } catch (BarmanException e) {
                    String walFailure = "retention policy " + policy.describe() + " of server " + server.name()
                            + ": " + e.getMessage();
                    LOG.error(walFailure);
                    failure = failure == null ? walFailure : failure + "; " + walFailure;
                }
            } else {
                LOG.debug("Retention policy {}: no WAL file of server {} can be removed", policy.describe(),
                        server.name());
            }
            return new EnforcementReport(policy.describe(), evaluation, deleted, inUse, firstWal, removed,
                    Optional.ofNullable(failure));
        }
    }
}
