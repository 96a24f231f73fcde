package org.barman.core.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

import org.barman.api.BarmanApi;
import org.barman.api.BarmanException;
import org.barman.api.BackupStrategy;
import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionPolicyProvider;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverProvider;

/**
 * The providers found on the class path: compressors, transports, retention policies, backup strategies and WAL
 * receivers.
 *
 * <p>This is the one place that uses {@link ServiceLoader}. A provider that fails to load, reports an
 * incompatible API version, or reuses a name already taken is an error naming its class, so that a broken
 * plug-in jar is found at once rather than in the middle of a backup.
 */
public final class Plugins {

    /** The system property that chooses the WAL receiver when several are installed. */
    public static final String WAL_RECEIVER_PROPERTY = "barman.wal_receiver";

    private final Map<String, CompressorProvider> compressors;
    private final Map<String, TransportProvider> transports;
    private final List<RetentionPolicyProvider> retentionPolicies;
    private final Map<String, BackupStrategy> backupStrategies;
    private final Map<String, WalReceiverProvider> walReceivers;

    private Plugins(ClassLoader loader) {
        compressors = byName(load(CompressorProvider.class, loader), CompressorProvider::name,
                CompressorProvider::apiVersion, "compressor");
        transports = byName(load(TransportProvider.class, loader), TransportProvider::name,
                TransportProvider::apiVersion, "transport");
        List<RetentionPolicyProvider> policies = load(RetentionPolicyProvider.class, loader);
        byName(policies, RetentionPolicyProvider::name, RetentionPolicyProvider::apiVersion, "retention policy");
        retentionPolicies = List.copyOf(policies);
        backupStrategies = byName(load(BackupStrategy.class, loader), BackupStrategy::name,
                BackupStrategy::apiVersion, "backup strategy");
        walReceivers = byName(load(WalReceiverProvider.class, loader), WalReceiverProvider::name,
                WalReceiverProvider::apiVersion, "WAL receiver");
    }

    /**
     * @param loader the class loader whose {@code META-INF/services} files list the providers
     * @return the providers it finds
     * @throws BarmanException when a provider is broken or a name is taken twice
     */
    public static Plugins load(ClassLoader loader) {
        return new Plugins(loader);
    }

    /** @return the providers visible to the class loader that loaded Barman */
    public static Plugins load() {
        return load(Plugins.class.getClassLoader());
    }

    private static <S> List<S> load(Class<S> type, ClassLoader loader) {
        List<S> found = new ArrayList<>();
        var iterator = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError e) {
                throw new BarmanException("cannot load a " + type.getSimpleName() + " plug-in: " + e.getMessage()
                        + " (check the jars in the plugins folder)", e);
            }
        }
        return found;
    }

    private static <S> Map<String, S> byName(List<S> providers, Function<S, String> name,
            Function<S, String> version, String kind) {
        Map<String, S> map = new TreeMap<>();
        for (S provider : providers) {
            String providerName = name.apply(provider);
            String apiVersion = version.apply(provider);
            if (!BarmanApi.isCompatible(apiVersion)) {
                throw new BarmanException("the " + kind + " plug-in " + provider.getClass().getName()
                        + " was built for Barman plug-in API " + apiVersion + ", but this Barman provides "
                        + BarmanApi.VERSION + ": use a version of the plug-in built for " + BarmanApi.VERSION);
            }
            S previous = map.put(providerName, provider);
            if (previous != null) {
                throw new BarmanException("two " + kind + " plug-ins are named '" + providerName + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName()
                        + " (remove one of the jars)");
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** @return the names accepted by {@code compression =}, sorted */
    public List<String> compressorNames() {
        return List.copyOf(compressors.keySet());
    }

    /** @return the names accepted by {@code transport =}, sorted */
    public List<String> transportNames() {
        return List.copyOf(transports.keySet());
    }

    /** @return the names of the installed backup strategies ({@code backup_options} and methods), sorted */
    public List<String> backupStrategyNames() {
        return List.copyOf(backupStrategies.keySet());
    }

    /**
     * @param name a compressor name
     * @param options the server's options
     * @return the compressor
     * @throws BarmanException when no compressor has that name, listing the available ones
     */
    public Compressor compressor(String name, PluginOptions options) {
        CompressorProvider provider = compressors.get(name);
        if (provider == null) {
            throw new BarmanException(options.origin() + ": unknown compression '" + name
                    + "': available compressors are " + String.join(", ", compressorNames()));
        }
        return provider.create(options);
    }

    /**
     * Magic-number detection: the server's own compressor is asked first (a custom magic may look like another
     * format's), then every other one that can be created with these options, by name.
     *
     * @param header the first bytes of a file
     * @param options the server's options (the custom compressor needs its own)
     * @param preferred the server's {@code compression}, or null
     * @return the name of the compressor that wrote the file, empty when none recognises it
     */
    public Optional<String> detectCompression(byte[] header, PluginOptions options, String preferred) {
        List<CompressorProvider> order = new ArrayList<>();
        if (preferred != null && compressors.containsKey(preferred)) {
            order.add(compressors.get(preferred));
        }
        compressors.values().stream().filter(provider -> !provider.name().equals(preferred)).forEach(order::add);
        for (CompressorProvider provider : order) {
            Compressor compressor;
            try {
                compressor = provider.create(options);
            } catch (BarmanException e) {
                continue;
            }
            if (compressor.recognizes(header)) {
                return Optional.of(provider.name());
            }
        }
        return Optional.empty();
    }

    /**
     * @param name a transport name
     * @param options the options it is created with
     * @return the transport
     * @throws BarmanException when no transport has that name, listing the available ones
     */
    public Transport transport(String name, PluginOptions options) {
        TransportProvider provider = transports.get(name);
        if (provider == null) {
            throw new BarmanException(options.origin() + ": unknown transport '" + name
                    + "': available transports are " + String.join(", ", transportNames()));
        }
        return provider.create(options);
    }

    /**
     * @param name a transport name
     * @return whether such a transport is installed
     */
    public boolean hasTransport(String name) {
        return transports.containsKey(name);
    }

    /**
     * @param name a backup strategy name
     * @return whether such a strategy is installed
     */
    public boolean hasBackupStrategy(String name) {
        return backupStrategies.containsKey(name);
    }

    /**
     * @param name a backup strategy name: a {@code backup_options} value, or a method such as {@code postgres}
     * @return the strategy
     * @throws BarmanException when none has that name
     */
    public BackupStrategy backupStrategy(String name) {
        BackupStrategy strategy = backupStrategies.get(name);
        if (strategy == null) {
            throw new BarmanException("unknown backup strategy '" + name + "': available strategies are "
                    + String.join(", ", backupStrategyNames()));
        }
        return strategy;
    }

    /** @return the names of the installed WAL receivers, sorted */
    public List<String> walReceiverNames() {
        return List.copyOf(walReceivers.keySet());
    }

    /**
     * The WAL receiver of {@code barman receive-wal}: the one installed, or, when several are, the one the system
     * property {@value #WAL_RECEIVER_PROPERTY} names.
     *
     * @return its provider
     * @throws BarmanException when none is installed, or several are and none is chosen
     */
    public WalReceiverProvider walReceiverProvider() {
        String chosen = System.getProperty(WAL_RECEIVER_PROPERTY);
        if (chosen != null && !chosen.isBlank()) {
            WalReceiverProvider provider = walReceivers.get(chosen.strip());
            if (provider == null) {
                throw new BarmanException("the WAL receiver '" + chosen.strip() + "' chosen with -D"
                        + WAL_RECEIVER_PROPERTY + " is not installed" + (walReceivers.isEmpty() ? " (none is)"
                        : ": installed are " + String.join(", ", walReceiverNames())));
            }
            return provider;
        }
        if (walReceivers.isEmpty()) {
            throw new BarmanException("no WAL receiver is installed: barman receive-wal needs the barman-streaming "
                    + "module (lib/barman-streaming-*.jar of the distribution) or a WalReceiverProvider plug-in in "
                    + "the plugins folder");
        }
        if (walReceivers.size() > 1) {
            throw new BarmanException("several WAL receivers are installed (" + String.join(", ",
                    walReceiverNames()) + "): remove the jars of the ones not wanted, or choose one with -D"
                    + WAL_RECEIVER_PROPERTY + "=NAME (in BARMAN_JAVA_OPTS)");
        }
        return walReceivers.values().iterator().next();
    }

    /**
     * @param options the server's options
     * @return a receiver for one run of {@code receive-wal}, from {@link #walReceiverProvider()}
     * @throws BarmanException when none can be chosen, or the provider rejects an option
     */
    public WalReceiver walReceiver(PluginOptions options) {
        return walReceiverProvider().create(options);
    }

    /**
     * @param text the value of {@code retention_policy}
     * @return the policy read by the first provider that recognises the text
     * @throws IllegalArgumentException when no provider recognises it, or one recognises it with a bad value
     */
    public RetentionPolicy retentionPolicy(String text) {
        String trimmed = text.strip();
        for (RetentionPolicyProvider provider : retentionPolicies) {
            Optional<RetentionPolicy> policy = provider.parse(trimmed);
            if (policy.isPresent()) {
                return policy.get();
            }
        }
        throw new IllegalArgumentException("not a retention policy");
    }

    /** @return the syntaxes of every installed retention policy, joined with {@code |} */
    public String retentionPolicySyntax() {
        return String.join(" | ", retentionPolicies.stream().map(RetentionPolicyProvider::syntax).toList());
    }

}
