/** Taking a base backup: the strategies that tell PostgreSQL it starts and stops, and the run itself. */
package org.barman.core.backup;
