package org.barman.core.config;

import java.nio.file.Path;
import java.util.Map;

import org.barman.api.PluginOptions;

/**
 * The effective, validated configuration of one server: every option of its section, inherited from
 * {@code [barman]} or defaulted, typed. Immutable.
 */
public final class ServerConfig extends ResolvedOptions {

    /** The name of the transport that copies on the backup host itself. */
    public static final String LOCAL_TRANSPORT = "local";

    private final String name;
    private final Path configFile;
    private final Map<String, String> extraOptions;

    ServerConfig(String name, Path configFile, String origin, Map<ConfigOption<?>, Object> values,
            Map<String, String> texts, Map<String, String> origins, Map<String, String> extraOptions) {
        super(origin, values, texts, origins);
        this.name = name;
        this.configFile = configFile;
        this.extraOptions = Map.copyOf(extraOptions);
    }

    /** @return the server's name: its section name */
    public String name() {
        return name;
    }

    /** @return the main configuration file (for hooks' {@code BARMAN_CONFIGURATION}) */
    public Path configFile() {
        return configFile;
    }

    /**
     * @return the options handed to plug-ins: every effective option as text, plus the options of the section
     *     that Barman itself does not know (a plug-in's own)
     */
    public PluginOptions pluginOptions() {
        Map<String, String> all = new java.util.TreeMap<>(extraOptions);
        all.putAll(texts());
        all.put("name", name);
        return new PluginOptions(origin(), all);
    }

    /**
     * @return the server's transport: local with {@code backup_method = local-rsync}, else {@code transport} when
     *     set, else local without ssh_command, else rsync
     */
    public String transportName() {
        if (get(ConfigOptions.BACKUP_METHOD) == BackupMethod.LOCAL_RSYNC) {
            return LOCAL_TRANSPORT;
        }
        String transport = get(ConfigOptions.TRANSPORT);
        if (transport != null) {
            return transport;
        }
        return get(ConfigOptions.SSH_COMMAND) == null ? LOCAL_TRANSPORT : "rsync";
    }

    /** @return the server's folder */
    public Path backupDirectory() {
        return get(ConfigOptions.BACKUP_DIRECTORY);
    }

    /** @return the base backups folder */
    public Path basebackupsDirectory() {
        return get(ConfigOptions.BASEBACKUPS_DIRECTORY);
    }

    /** @return the WAL archive folder */
    public Path walsDirectory() {
        return get(ConfigOptions.WALS_DIRECTORY);
    }

    /** @return the folder archive_command delivers into */
    public Path incomingWalsDirectory() {
        return get(ConfigOptions.INCOMING_WALS_DIRECTORY);
    }

    /** @return the folder barman receive-wal writes the streamed WAL into */
    public Path streamingWalsDirectory() {
        return get(ConfigOptions.STREAMING_WALS_DIRECTORY);
    }

    /** @return {@code streaming_conninfo}, else {@code conninfo}, else null */
    public String streamingConninfo() {
        String streaming = get(ConfigOptions.STREAMING_CONNINFO);
        return streaming != null ? streaming : get(ConfigOptions.CONNINFO);
    }

    /** @return the option {@link #streamingConninfo()} comes from, for messages */
    public ConfigOption<String> streamingConninfoOption() {
        return isSet(ConfigOptions.STREAMING_CONNINFO) ? ConfigOptions.STREAMING_CONNINFO : ConfigOptions.CONNINFO;
    }

    /** @return the folder of WAL files that could not be archived */
    public Path errorsDirectory() {
        return get(ConfigOptions.ERRORS_DIRECTORY);
    }

    /** @return the lock folder */
    public Path lockDirectory() {
        return get(ConfigOptions.BARMAN_LOCK_DIRECTORY);
    }

    @Override
    public String toString() {
        return "server " + name;
    }
}
