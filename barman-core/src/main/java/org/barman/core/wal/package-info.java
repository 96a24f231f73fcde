/** The WAL archive of a server: incoming files to {@code wals/}, {@code xlog.db}, get-wal and rebuilds. */
package org.barman.core.wal;
