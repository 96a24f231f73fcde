/** Lock files that keep cron, backup and archiving of one server from running twice at once. */
package org.barman.core.lock;
