/**
 * Retention: the built-in policies ({@code REDUNDANCY n}, {@code RECOVERY WINDOW OF n units}) and their
 * enforcement by {@code barman cron} (obsolete backups, then the WAL no remaining backup needs).
 */
package org.barman.core.retention;
