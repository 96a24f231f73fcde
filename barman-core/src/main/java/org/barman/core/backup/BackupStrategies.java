package org.barman.core.backup;

import java.util.Set;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.core.config.BackupMethod;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.plugin.Plugins;

/**
 * The backup strategy a server's configuration asks for: with {@code backup_method = rsync} or
 * {@code local-rsync}, the one {@code backup_options} names ({@code concurrent_backup} unless
 * {@code exclusive_backup}); with {@code backup_method = postgres}, the strategy named {@value #POSTGRES}, which
 * the barman-streaming module provides.
 */
public final class BackupStrategies {

    /** The name of the strategy of {@code backup_method = postgres}. */
    public static final String POSTGRES = "postgres";

    private BackupStrategies() {
    }

    /**
     * @param config a server's configuration
     * @return the name of the strategy it asks for
     */
    public static String name(ServerConfig config) {
        if (config.get(ConfigOptions.BACKUP_METHOD) == BackupMethod.POSTGRES) {
            return POSTGRES;
        }
        Set<String> backupOptions = config.get(ConfigOptions.BACKUP_OPTIONS);
        return backupOptions.contains(ExclusiveBackupStrategy.NAME) ? ExclusiveBackupStrategy.NAME
                : ConcurrentBackupStrategy.NAME;
    }

    /**
     * @param config a server's configuration
     * @param plugins the installed plug-ins
     * @return the strategy it asks for
     * @throws BarmanException when that strategy is not installed, saying which module provides it
     */
    public static BackupStrategy of(ServerConfig config, Plugins plugins) {
        String name = name(config);
        if (name.equals(POSTGRES) && !plugins.hasBackupStrategy(POSTGRES)) {
            throw new BarmanException(config.originOf(ConfigOptions.BACKUP_METHOD) + " backup_method = postgres "
                    + "needs the backup strategy 'postgres' of the barman-streaming module, which is not installed "
                    + "(lib/barman-streaming-*.jar of the distribution): install it, or set backup_method = rsync");
        }
        return plugins.backupStrategy(name);
    }
}
