/**
 * An example third-party compressor plug-in: {@code compression = snappy}, the Snappy framing format (as
 * {@code python-snappy} and Barman 3 write it) through snappy-java. It depends on {@code barman-api} only.
 */
package org.barman.examples.snappy;
