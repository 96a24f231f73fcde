package org.barman.streaming.basebackup;

import org.barman.api.Lsn;

/**
 * A base backup received, written, made durable and checked against its manifest.
 *
 * @param start where it starts, and its tablespaces
 * @param endPosition where it ends: a copy is consistent once recovery has replayed the WAL up to here
 * @param endTimeline the timeline of that position
 * @param files the regular files received
 * @param bytes their total size
 * @param manifest what the check against the manifest covered
 * @param storedBytes the bytes written to disk: {@code bytes} for plain files, the archives' size when they are
 *     stored compressed
 * @param backupLabel the content of {@code backup_label} as received, or null if the server sent none
 */
public record BaseBackupResult(BaseBackupStart start, Lsn endPosition, long endTimeline, long files, long bytes,
        ManifestSummary manifest, long storedBytes, String backupLabel) {
}
