/**
 * Lock files that keep cron, backup and archiving of one server from running twice at once, and a backup in use
 * from being deleted.
 */
package org.barman.core.lock;
