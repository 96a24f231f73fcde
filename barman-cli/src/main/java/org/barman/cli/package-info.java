/** The {@code barman} command line: picocli commands over the {@link org.barman.core.Barman} facade. */
package org.barman.cli;
