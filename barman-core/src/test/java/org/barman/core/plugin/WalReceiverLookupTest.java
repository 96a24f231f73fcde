package org.barman.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How receive-wal finds its WAL receiver among the installed plug-ins. */
class WalReceiverLookupTest {

    @TempDir
    Path dir;

    @AfterEach
    void forgetTheChoice() {
        System.clearProperty(Plugins.WAL_RECEIVER_PROPERTY);
    }

    /** A receiver that receives nothing, under a name of its own. */
    public static class First implements WalReceiverProvider {
        @Override
        public String name() {
            return "first";
        }

        @Override
        public WalReceiver create(PluginOptions options) {
            return (job, listener) -> { };
        }
    }

    /** Another one. */
    public static class Second extends First {
        @Override
        public String name() {
            return "second";
        }
    }

    private Plugins pluginsWith(Class<?>... providers) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        StringBuilder names = new StringBuilder();
        for (Class<?> provider : providers) {
            names.append(provider.getName()).append('\n');
        }
        Files.writeString(services.resolve(WalReceiverProvider.class.getName()), names);
        return Plugins.load(new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()));
    }

    @Test
    void theOneInstalledIsUsed() throws IOException {
        Plugins plugins = pluginsWith(First.class);
        assertThat(plugins.walReceiverNames()).containsExactly("first");
        assertThat(plugins.walReceiverProvider().name()).isEqualTo("first");
        assertThat(plugins.walReceiver(PluginOptions.of(Map.of()))).isNotNull();
    }

    @Test
    void noneInstalledSaysWhatIsMissing() throws IOException {
        Plugins plugins = pluginsWith();
        assertThatThrownBy(plugins::walReceiverProvider).isInstanceOf(BarmanException.class)
                .hasMessage("no WAL receiver is installed: barman receive-wal needs the barman-streaming module "
                        + "(lib/barman-streaming-*.jar of the distribution) or a WalReceiverProvider plug-in in the "
                        + "plugins folder");
    }

    @Test
    void severalInstalledNeedAChoiceAndTheChoiceMustExist() throws IOException {
        Plugins plugins = pluginsWith(First.class, Second.class);
        assertThatThrownBy(plugins::walReceiverProvider).isInstanceOf(BarmanException.class)
                .hasMessageContaining("several WAL receivers are installed (first, second)")
                .hasMessageContaining("-Dbarman.wal_receiver=NAME");

        System.setProperty(Plugins.WAL_RECEIVER_PROPERTY, "second");
        assertThat(plugins.walReceiverProvider().name()).isEqualTo("second");

        System.setProperty(Plugins.WAL_RECEIVER_PROPERTY, "third");
        assertThatThrownBy(plugins::walReceiverProvider).isInstanceOf(BarmanException.class)
                .hasMessage("the WAL receiver 'third' chosen with -Dbarman.wal_receiver is not installed: installed "
                        + "are first, second");
    }
}
