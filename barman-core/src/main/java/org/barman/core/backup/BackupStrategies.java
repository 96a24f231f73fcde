package org.barman.core.backup;

import java.util.Set;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.plugin.Plugins;

/**
 * The backup strategy a server's configuration asks for: the one {@code backup_options} names
 * ({@code concurrent_backup} unless {@code exclusive_backup}).
 */
public final class BackupStrategies {

    private BackupStrategies() {
    }

    /**
     * @param config a server's configuration
     * @return the name of the strategy it asks for
     */
    public static String name(ServerConfig config) {
        Set<String> backupOptions = config.get(ConfigOptions.BACKUP_OPTIONS);
        return backupOptions.contains(ExclusiveBackupStrategy.NAME) ? ExclusiveBackupStrategy.NAME
                : ConcurrentBackupStrategy.NAME;
    }

    /**
     * @param config a server's configuration
     * @param plugins the installed plug-ins
     * @return the strategy it asks for
     * @throws BarmanException when that strategy is not installed
     */
    public static BackupStrategy of(ServerConfig config, Plugins plugins) {
        return plugins.backupStrategy(name(config));
    }
}
