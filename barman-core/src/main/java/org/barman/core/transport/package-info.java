/**
 * The {@code local} transport: copies of PostgreSQL's folders when PostgreSQL runs on the backup host itself. Its
 * exclusion patterns are {@link org.barman.api.Exclusions}, shared with the other transports.
 */
package org.barman.core.transport;
