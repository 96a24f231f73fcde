package org.barman.streaming.basebackup;

/**
 * What the check of a base backup against its {@code backup_manifest} covered.
 *
 * @param version the manifest format's version
 * @param files the files the manifest lists, each received with its size and checksum
 * @param bytes their total size
 * @param checksumAlgorithm the algorithm of the files' checksums, such as {@code SHA256}
 */
public record ManifestSummary(int version, long files, long bytes, String checksumAlgorithm) {
}
