/**
 * The {@code local} transport: copies of PostgreSQL's folders when PostgreSQL runs on the backup host itself, and
 * the rsync-style exclusion patterns it shares with the other transports.
 */
package org.barman.core.transport;
