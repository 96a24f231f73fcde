package org.barman.api;

/**
 * Service-provider entry for a {@link Compressor}, found with {@link java.util.ServiceLoader} and chosen by the
 * name in {@code compression =}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.barman.api.CompressorProvider}. It needs a
 * public no-argument constructor and should do no work until {@link #create(PluginOptions)}.
 */
public interface CompressorProvider {

    /** How many leading bytes of a file are passed to {@link Compressor#recognizes(byte[])}. */
    int HEADER_LENGTH = 64;

    /** @return the name used in {@code compression =}: lower case, unique among providers */
    String name();

    /**
     * @param options the server's effective options (for example {@code compression_level})
     * @return a compressor configured with them
     * @throws BarmanException naming the option when an option is invalid
     */
    Compressor create(PluginOptions options);

    /** @return the plug-in API version this provider was built against; see {@link BarmanApi#VERSION} */
    default String apiVersion() {
        return BarmanApi.VERSION;
    }
}
