/** Hook scripts around backups and WAL archiving, with Barman's retry semantics and environment. */
package org.barman.core.hook;
