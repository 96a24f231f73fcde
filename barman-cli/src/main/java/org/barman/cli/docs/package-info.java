/**
 * The reference pages generated from the code, {@code barman(1)} from the picocli model and {@code barman.conf(5)}
 * from the table of configuration options, rendered as roff for {@code man} and as Markdown for {@code docs/}.
 */
package org.barman.cli.docs;
