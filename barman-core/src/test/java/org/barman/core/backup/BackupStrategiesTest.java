package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.barman.core.config.BarmanConfig;
import org.barman.core.config.ConfigLoader;
import org.barman.core.config.ServerConfig;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which strategy a configuration gets, what each of core's two refuses and how it records its mode; and the one
 * line when {@code backup_method = postgres} has no strategy installed.
 */
class BackupStrategiesTest {

    @TempDir
    Path dir;

    private final Plugins plugins = Plugins.load();

    private Path file;

    private ServerConfig server(String options) throws IOException {
        file = dir.resolve("barman.conf");
        Files.writeString(file, "[barman]\n[main]\nconninfo = host=pg\n" + options);
        BarmanConfig config = ConfigLoader.load(file, plugins);
        return config.server("main");
    }

    @Test
    void backupOptionsChooseBetweenCoresStrategiesForBothFileCopyMethods() throws IOException {
        assertThat(BackupStrategies.of(server(""), plugins)).isInstanceOf(ConcurrentBackupStrategy.class);
        assertThat(BackupStrategies.of(server("backup_options = exclusive_backup\n"), plugins).name())
                .isEqualTo("exclusive_backup");
        assertThat(BackupStrategies.of(server("backup_method = local-rsync\n"
                + "backup_options = exclusive_backup, external_configuration\n"), plugins).name())
                .isEqualTo("exclusive_backup");
        assertThat(BackupStrategies.of(server("backup_method = local-rsync\n"), plugins).name())
                .isEqualTo("concurrent_backup");
    }

    @Test
    void postgresWithoutItsStrategyFailsWithOneLineNamingTheModule() throws IOException {
        ServerConfig config = server("backup_method = postgres\nbackup_options = exclusive_backup\n");
        assertThat(plugins.hasBackupStrategy("postgres")).isFalse();
        assertThat(BackupStrategies.name(config)).isEqualTo("postgres");
        assertThatThrownBy(() -> BackupStrategies.of(config, plugins)).isInstanceOf(BarmanException.class)
                .hasMessage(file + " [main] backup_method = postgres needs the backup strategy 'postgres' of the "
                        + "barman-streaming module, which is not installed (lib/barman-streaming-*.jar of the "
                        + "distribution): install it, or set backup_method = rsync");
    }

    @Test
    void theModeIsTheTransportAndTheApi() {
        assertThat(new ConcurrentBackupStrategy().mode("rsync")).isEqualTo("rsync-concurrent");
        assertThat(new ConcurrentBackupStrategy().mode("local")).isEqualTo("local-concurrent");
        assertThat(new ExclusiveBackupStrategy().mode("ssh")).isEqualTo("ssh-exclusive");
    }

    @Test
    void exclusiveRefusesFifteenAndStandbysConcurrentNeither() {
        BackupStrategy exclusive = new ExclusiveBackupStrategy();
        exclusive.checkSupported(140000, false);
        assertThatThrownBy(() -> exclusive.checkSupported(150002, false))
                .hasMessage("backup_options = exclusive_backup cannot work with PostgreSQL 15: PostgreSQL 15 removed "
                        + "exclusive backups; set backup_options = concurrent_backup");
        assertThatThrownBy(() -> exclusive.checkSupported(140010, true))
                .hasMessage("backup_options = exclusive_backup cannot back up a standby (conninfo points to one): "
                        + "set backup_options = concurrent_backup");
        BackupStrategy concurrent = new ConcurrentBackupStrategy();
        concurrent.checkSupported(130000, true);
        concurrent.checkSupported(180000, false);
    }

    @Test
    void theFileCopyMethodsRefuseBackupCompression() {
        BackupStrategy concurrent = new ConcurrentBackupStrategy();
        assertThatThrownBy(() -> concurrent.checkSupported(150000, false, new PluginOptions("/etc/barman.conf [main]",
                Map.of("backup_compression", "gzip")))).hasMessage("/etc/barman.conf [main]: backup_compression = "
                        + "gzip needs backup_method = postgres; the rsync and local-rsync methods copy the files as "
                        + "they are (set backup_compression = none, or backup_method = postgres)");
        concurrent.checkSupported(150000, false, PluginOptions.of(Map.of("backup_compression", "none")));
    }
}
