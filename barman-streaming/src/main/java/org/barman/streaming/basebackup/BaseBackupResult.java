package org.barman.streaming.basebackup;

import org.barman.api.Lsn;

/**
 * A base backup received, written, made durable and checked against its manifest.
 *
 * @param start where it starts, and its tablespaces
 * @param endPosition where it ends: a copy is consistent once recovery has replayed the WAL up to here
 * @param endTimeline the timeline of that position
 * @param files the regular files written
 * @param bytes their total size
 * @param manifest what the check against the manifest covered
 */
public record BaseBackupResult(BaseBackupStart start, Lsn endPosition, long endTimeline, long files, long bytes,
        ManifestSummary manifest) {
}
