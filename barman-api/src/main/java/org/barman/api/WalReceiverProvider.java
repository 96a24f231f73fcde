package org.barman.api;

/**
 * Service-provider entry for a {@link WalReceiver}, found with {@link java.util.ServiceLoader}: {@code barman
 * receive-wal} and {@code cron} use the one the distribution holds.
 *
 * <p>Register an implementation in {@code META-INF/services/org.barman.api.WalReceiverProvider}.
 */
public interface WalReceiverProvider {

    /** @return a short name for messages, unique among providers, such as {@code streaming} */
    String name();

    /**
     * @param options the server's effective options, for any option of the plug-in's own
     * @return a receiver for one run of {@code receive-wal}
     * @throws BarmanException naming the option when an option is invalid
     */
    WalReceiver create(PluginOptions options);

    /** @return the plug-in API version this provider was built against; see {@link BarmanApi#VERSION} */
    default String apiVersion() {
        return BarmanApi.VERSION;
    }
}
