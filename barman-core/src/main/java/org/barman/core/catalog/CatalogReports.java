package org.barman.core.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;

/** Builds what {@code list-backup} and {@code show-backup} print, from one reading of the catalogue and archive. */
public final class CatalogReports {

    private CatalogReports() {
    }

    /**
     * @param backups the server's backups, oldest first
     * @param archive the archive's files, in WAL order
     * @param retention the retention status of a backup
     * @return one summary per backup, newest first
     */
    public static List<BackupSummary> list(List<BackupInfo> backups, List<WalFileInfo> archive,
            Function<BackupInfo, RetentionStatus> retention) {
        List<BackupSummary> summaries = new ArrayList<>();
        Optional<BackupInfo> nextAvailable = Optional.empty();
        for (int i = backups.size() - 1; i >= 0; i--) {
            BackupInfo backup = backups.get(i);
            if (Catalog.COPY_DONE.contains(backup.status())) {
                BackupWalSummary wal = BackupWals.summarize(backup, nextAvailable, archive);
                summaries.add(new BackupSummary(backup, backup.size() + wal.requiredSize(), wal.untilNextSize(),
                        retention.apply(backup)));
                nextAvailable = Optional.of(backup);
            } else {
                summaries.add(new BackupSummary(backup, 0, 0, retention.apply(backup)));
            }
        }
        return Collections.unmodifiableList(summaries);
    }

    /**
     * @param catalog the server's catalogue
     * @param archive the archive's files, in WAL order
     * @param id the backup
     * @param retention its retention status
     * @return what {@code show-backup} prints
     */
    public static BackupDetails details(Catalog catalog, List<WalFileInfo> archive, BackupId id,
            RetentionStatus retention) {
        BackupInfoFile.Content content = catalog.content(id).orElseThrow(() -> new org.barman.api.BarmanException(
                "server " + catalog.serverName() + " has no backup " + id));
        BackupInfo backup = content.info();
        if (!Catalog.COPY_DONE.contains(backup.status())) {
            return new BackupDetails(backup, content.otherFields(), BackupWalSummary.EMPTY, Optional.empty(),
                    Optional.empty(), retention);
        }
        Optional<BackupInfo> next = catalog.next(id);
        return new BackupDetails(backup, new TreeMap<>(content.otherFields()),
                BackupWals.summarize(backup, next, archive), catalog.previous(id).map(BackupInfo::id),
                next.map(BackupInfo::id), retention);
    }
}
