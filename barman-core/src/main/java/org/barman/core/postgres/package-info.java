/**
 * Talking to PostgreSQL: the translation of libpq connection strings ({@code conninfo},
 * {@code streaming_conninfo}) into PostgreSQL JDBC driver connections, and the queries Barman needs.
 */
package org.barman.core.postgres;
