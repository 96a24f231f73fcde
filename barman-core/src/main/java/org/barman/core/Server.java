package org.barman.core;

import java.util.Map;
import java.util.TreeMap;

import org.barman.core.config.ConfigOption;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.OptionScope;
import org.barman.core.config.ServerConfig;

/** One configured PostgreSQL server and what Barman does for it. */
public final class Server {

    private final Barman barman;
    private final ServerConfig config;

    Server(Barman barman, ServerConfig config) {
        this.barman = barman;
        this.config = config;
    }

    /** @return the server's name */
    public String name() {
        return config.name();
    }

    /** @return the server's configuration */
    public ServerConfig config() {
        return config;
    }

    /** @return the Barman this server belongs to */
    public Barman barman() {
        return barman;
    }

    /**
     * Every effective option of the server, as {@code show-server} prints it: sorted by name, unset options as
     * {@code None}, the transport as chosen and the retention policy as understood.
     *
     * @return option name to value
     */
    public Map<String, String> effectiveOptions() {
        Map<String, String> shown = new TreeMap<>();
        for (ConfigOption<?> option : ConfigOptions.all()) {
            if (option.scope() == OptionScope.GLOBAL && option != ConfigOptions.BARMAN_HOME
                    && option != ConfigOptions.BARMAN_LOCK_DIRECTORY) {
                continue;
            }
            shown.put(option.name(), config.texts().getOrDefault(option.name(), "None"));
        }
        shown.put(ConfigOptions.TRANSPORT.name(), config.transportName());
        String policy = config.get(ConfigOptions.RETENTION_POLICY);
        if (policy != null) {
            shown.put(ConfigOptions.RETENTION_POLICY.name(), barman.plugins().retentionPolicy(policy).describe());
        }
        return shown;
    }
}
