package org.barman.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.core.Barman;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming options of barman.conf: Barman's names and defaults, and the combinations refused. */
class StreamingConfigTest {

    @TempDir
    Path dir;

    private Path write(String server) throws IOException {
        Path file = dir.resolve("barman.conf");
        Files.writeString(file, "[barman]\nbarman_home = /var/lib/barman\n\n[main]\nconninfo = host=pg user=barman "
                + "password=s3cret\n" + server);
        return file;
    }

    private BarmanConfig load(String server) throws IOException {
        return ConfigLoader.load(write(server), Plugins.load());
    }

    @Test
    void defaultsAreBarmans() throws IOException {
        ServerConfig main = load("").server("main");

        assertThat(main.get(ConfigOptions.ARCHIVER)).isTrue();
        assertThat(main.get(ConfigOptions.STREAMING_ARCHIVER)).isFalse();
        assertThat(main.get(ConfigOptions.SLOT_NAME)).isNull();
        assertThat(main.get(ConfigOptions.CREATE_SLOT)).isEqualTo("manual");
        assertThat(main.get(ConfigOptions.STREAMING_ARCHIVER_NAME)).isEqualTo("barman_receive_wal");
        assertThat(main.streamingWalsDirectory()).isEqualTo(Path.of("/var/lib/barman/main/streaming"));
        assertThat(main.streamingConninfo()).as("streaming_conninfo defaults to conninfo")
                .isEqualTo("host=pg user=barman password=s3cret");
        assertThat(main.streamingConninfoOption()).isEqualTo(ConfigOptions.CONNINFO);
    }

    @Test
    void streamingOptionsAreRead() throws IOException {
        BarmanConfig config = load("""
                streaming_archiver = on
                archiver = off
                streaming_conninfo = host=pg user=streaming_barman
                slot_name = Barman_Slot
                create_slot = AUTO
                streaming_archiver_name = barman_main
                streaming_wals_directory = /srv/stream/main
                """);
        ServerConfig main = config.server("main");

        assertThat(main.get(ConfigOptions.STREAMING_ARCHIVER)).isTrue();
        assertThat(main.get(ConfigOptions.ARCHIVER)).isFalse();
        assertThat(main.streamingConninfo()).isEqualTo("host=pg user=streaming_barman");
        assertThat(main.get(ConfigOptions.SLOT_NAME)).as("lower-cased, as Barman does").isEqualTo("barman_slot");
        assertThat(main.get(ConfigOptions.CREATE_SLOT)).isEqualTo("auto");
        assertThat(main.get(ConfigOptions.STREAMING_ARCHIVER_NAME)).isEqualTo("barman_main");
        assertThat(main.streamingWalsDirectory()).isEqualTo(Path.of("/srv/stream/main"));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void bothArchiversOffIsRefusedNamingTheServerAndBothOptions() {
        assertThatThrownBy(() -> load("archiver = off\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("[main]: archiver and streaming_archiver are both off")
                .hasMessageContaining("no WAL would reach server main")
                .hasMessageContaining("turn on archiver (archive_command), streaming_archiver (barman receive-wal), "
                        + "or both");
    }

    @Test
    void streamingAloneWithoutASlotIsRefusedAndBesidesArchivingItIsAWarning() throws IOException {
        assertThatThrownBy(() -> load("archiver = off\nstreaming_archiver = on\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("streaming_archiver = on with archiver = off needs slot_name")
                .hasMessageContaining("barman receive-wal --create-slot main");

        BarmanConfig both = load("streaming_archiver = on\n");
        assertThat(both.warnings()).singleElement().asString()
                .contains("[main] streaming_archiver = on without slot_name");
    }

    @Test
    void malformedSlotNameAndCreateSlotAreRefusedWithTheExpectedValues() {
        assertThatThrownBy(() -> load("slot_name = barman-main\n"))
                .hasMessageContaining("slot_name: invalid value 'barman-main'")
                .hasMessageContaining("lower-case letters, digits and _");
        assertThatThrownBy(() -> load("create_slot = sometimes\n"))
                .hasMessageContaining("create_slot: invalid value 'sometimes'")
                .hasMessageContaining("expected auto or manual");
    }

    @Test
    void showServerMasksTheStreamingConninfoPasswordAndShowsConninfoWhenUnset() throws IOException {
        Map<String, String> inherited = Barman.load(write("streaming_archiver = on\nslot_name = barman\n"))
                .server("main").effectiveOptions();
        assertThat(inherited.get("streaming_conninfo")).isEqualTo("host=pg user=barman password=********");

        Map<String, String> own = Barman.load(write("streaming_conninfo = postgresql://streamer:t0p@pg/x\n"))
                .server("main").effectiveOptions();
        assertThat(own.get("streaming_conninfo")).doesNotContain("t0p").contains("password=********");
        assertThat(own.get("streaming_archiver")).isEqualTo("off");
        assertThat(own.get("streaming_wals_directory")).isEqualTo("/var/lib/barman/main/streaming");
    }
}
