/** Recovery of a backup to any point in time, locally or on a remote host. */
package org.barman.core.recovery;
