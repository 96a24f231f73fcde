/**
 * The built-in compressors of Barman for Java: {@code gzip}, {@code bzip2}, {@code xz}, {@code zstd}, {@code lz4}
 * and {@code custom} (external filter commands).
 *
 * <p>Private API, no compatibility guarantees: the core and the command line reach these classes only through
 * {@link org.barman.api.CompressorProvider} and {@link java.util.ServiceLoader}.
 */
package org.barman.compress;
