/**
 * The plug-in SPI of Barman for Java and its value types.
 *
 * <p>This package depends on nothing but the JDK. Plug-ins implement {@link org.barman.api.CompressorProvider},
 * {@link org.barman.api.TransportProvider} or {@link org.barman.api.RetentionPolicyProvider} and register them in
 * {@code META-INF/services}; the core finds them with {@link java.util.ServiceLoader} by the name the
 * configuration uses.
 */
package org.barman.api;
