/**
 * Base backups over the replication protocol: {@link org.barman.streaming.basebackup.BaseBackupClient} runs
 * {@code BASE_BACKUP} on PostgreSQL 13 and later, writes the archives into their folders as they arrive and checks
 * every file against the server's backup manifest. Private API of {@code barman-streaming}: no compatibility
 * guarantees.
 */
package org.barman.streaming.basebackup;
