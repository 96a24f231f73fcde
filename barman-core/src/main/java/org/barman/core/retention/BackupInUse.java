package org.barman.core.retention;

import org.barman.api.BackupInfo;

/**
 * An obsolete backup that retention left this time because something used it (a recovery, {@code list-files});
 * the next {@code barman cron} deletes it.
 *
 * @param backup the backup kept
 * @param reason why: who holds its lock, with the pid
 */
public record BackupInUse(BackupInfo backup, String reason) {
}
