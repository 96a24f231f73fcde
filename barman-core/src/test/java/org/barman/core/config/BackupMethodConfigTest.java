package org.barman.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup_method}: Barman's values, and how {@code local-rsync} and {@code transport} go together. */
class BackupMethodConfigTest {

    @TempDir
    Path dir;

    private Path file;

    private BarmanConfig load(String content) throws IOException {
        file = dir.resolve("barman.conf");
        Files.writeString(file, content);
        URL jar = BackupMethodConfigTest.class.getResource("/broken-transport/");
        return ConfigLoader.load(file, Plugins.load(new URLClassLoader(new URL[] {jar},
                BackupMethodConfigTest.class.getClassLoader())));
    }

    @Test
    void rsyncIsTheDefaultAndKeepsTheTransportAsConfigured() throws IOException {
        BarmanConfig config = load("""
                [barman]
                [remote]
                conninfo = host=pg
                ssh_command = ssh postgres@pg
                [local]
                conninfo = host=/var/run/postgresql
                [plugin]
                conninfo = host=pg
                ssh_command = ssh postgres@pg
                transport = broken
                backup_method = rsync
                """);
        assertThat(config.server("remote").get(ConfigOptions.BACKUP_METHOD)).isEqualTo(BackupMethod.RSYNC);
        assertThat(config.server("remote").transportName()).isEqualTo("rsync");
        assertThat(config.server("local").transportName()).isEqualTo("local");
        assertThat(config.server("plugin").get(ConfigOptions.BACKUP_METHOD)).isEqualTo(BackupMethod.RSYNC);
        assertThat(config.server("plugin").transportName()).isEqualTo("broken");
    }

    @Test
    void localRsyncCopiesThroughTheLocalTransportWhateverSshCommandSays() throws IOException {
        BarmanConfig config = load("""
                [barman]
                backup_method = Local-Rsync
                [main]
                conninfo = host=pg
                ssh_command = ssh postgres@pg
                [explicit]
                conninfo = host=pg
                transport = local
                """);
        assertThat(config.server("main").get(ConfigOptions.BACKUP_METHOD)).isEqualTo(BackupMethod.LOCAL_RSYNC);
        assertThat(config.server("main").transportName()).isEqualTo("local");
        assertThat(config.server("explicit").transportName()).isEqualTo("local");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void localRsyncWithAnotherTransportIsRefusedNamingTheFileSectionAndOption() throws IOException {
        assertThatThrownBy(() -> load("""
                [barman]
                [main]
                conninfo = host=pg
                backup_method = local-rsync
                transport = broken
                """)).isInstanceOf(BarmanException.class)
                .hasMessage(file + " [main] transport: 'broken' contradicts backup_method = local-rsync, which "
                        + "copies with the local transport: remove transport, or set backup_method = rsync to copy "
                        + "through broken");
    }

    @Test
    void aContradictionAcrossSectionsNamesBothPlaces() throws IOException {
        assertThatThrownBy(() -> load("""
                [barman]
                transport = ssh
                [main]
                conninfo = host=pg
                backup_method = local-rsync
                """)).isInstanceOf(BarmanException.class)
                .hasMessageStartingWith(file + " [barman] transport: 'ssh' contradicts backup_method = local-rsync ("
                        + file + " [main])")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anUnknownMethodIsRefusedWithTheAcceptedValues() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=pg\nbackup_method = snapshot\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining(file + " [main] backup_method: invalid value 'snapshot'")
                .hasMessageContaining("expected rsync, local-rsync or postgres");
    }

    @Test
    void postgresLoadsWithoutItsStrategySoThatTheOtherCommandsStillWork() throws IOException {
        BarmanConfig config = load("[barman]\n[main]\nconninfo = host=pg\nbackup_method = postgres\n");
        assertThat(config.server("main").get(ConfigOptions.BACKUP_METHOD)).isEqualTo(BackupMethod.POSTGRES);
        assertThat(config.server("main").pluginOptions().values()).containsEntry("backup_method", "postgres");
    }
}
