/**
 * {@code transport = mounted}: an example third-party transport for Barman for Java. The PostgreSQL host's files
 * are reached through a folder mounted on the backup host (NFS, sshfs, a snapshot of a SAN volume), so a backup is
 * a throttled copy between two local folders, and remote commands run through {@code ssh_command} when it is set.
 * It depends on {@code barman-api} only and passes the transport contract suite of {@code barman-testkit}.
 */
package org.barman.examples.mounted;
