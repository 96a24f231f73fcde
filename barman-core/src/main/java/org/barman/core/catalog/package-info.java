/**
 * The catalogue of base backups of a server, in Barman's layout and {@code backup.info} format: listing, alias
 * resolution, WAL accounting per backup, file lists and deletion.
 */
package org.barman.core.catalog;
