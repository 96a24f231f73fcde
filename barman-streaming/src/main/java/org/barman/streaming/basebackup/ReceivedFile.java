package org.barman.streaming.basebackup;

/**
 * A regular file of a base backup as it was written.
 *
 * @param size its size
 * @param sha256 the SHA-256 of its content
 */
record ReceivedFile(long size, byte[] sha256) {
}
