/**
 * The PostgreSQL replication protocol for Barman: a {@link org.barman.api.WalReceiver} that streams WAL like a
 * standby. Private API: reached only through the interfaces of {@code barman-api}, found with
 * {@link java.util.ServiceLoader}.
 */
package org.barman.streaming;
