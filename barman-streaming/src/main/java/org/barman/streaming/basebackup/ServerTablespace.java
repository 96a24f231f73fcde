package org.barman.streaming.basebackup;

/**
 * A tablespace as {@code BASE_BACKUP} announces it.
 *
 * @param oid its OID
 * @param location its folder on the server
 * @param sizeBytes its size as the server estimated it (to the kB), or -1 when the backup did not ask for progress
 */
public record ServerTablespace(long oid, String location, long sizeBytes) {
}
