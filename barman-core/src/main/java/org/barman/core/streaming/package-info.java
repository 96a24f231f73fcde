/**
 * WAL streaming ({@code streaming_archiver = on}): running {@code barman receive-wal} with the installed
 * {@link org.barman.api.WalReceiver}, its lock and replication slot, its supervision by {@code cron}, and what
 * PostgreSQL says of its replication clients ({@code replication-status}).
 */
package org.barman.core.streaming;
