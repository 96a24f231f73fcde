package org.barman.api;

/**
 * Service-provider entry for a {@link Transport}, found with {@link java.util.ServiceLoader} and chosen by the
 * name in {@code transport =}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.barman.api.TransportProvider}.
 */
public interface TransportProvider {

    /** @return the name used in {@code transport =}: lower case, unique among providers */
    String name();

    /**
     * @param options the server's effective options: {@code ssh_command} says how to reach the remote side
     *     (for a recovery, the {@code --remote-ssh-command} replaces it), plus {@code network_compression},
     *     {@code parallel_jobs} and any option of the plug-in's own
     * @return a transport for one operation
     * @throws BarmanException naming the option when an option is invalid
     */
    Transport create(PluginOptions options);

    /** @return the plug-in API version this provider was built against; see {@link BarmanApi#VERSION} */
    default String apiVersion() {
        return BarmanApi.VERSION;
    }
}
