package org.barman.core.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.barman.core.Barman;
import org.barman.core.hook.HookScripts;
import org.barman.core.plugin.Plugins;

/** A Barman with a configuration written into a temporary barman_home, for tests. */
public final class TestBarman {

    private TestBarman() {
    }

    /**
     * @param home the barman_home folder (the configuration file is written into it)
     * @param serverOptions lines of the [main] section, such as {@code compression = gzip}
     * @return Barman with one server, main, run by the current user, retry hooks pausing 10 ms
     * @throws IOException when the file cannot be written
     */
    public static Barman withServer(Path home, String... serverOptions) throws IOException {
        Files.createDirectories(home);
        Path config = home.resolve("barman.conf");
        StringBuilder text = new StringBuilder("[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\ndescription = test server\n");
        if (java.util.Arrays.stream(serverOptions).noneMatch(line -> line.startsWith("conninfo"))) {
            text.append("conninfo = host=127.0.0.1\n");
        }
        for (String line : serverOptions) {
            text.append(line).append('\n');
        }
        Files.writeString(config, text);
        return Barman.load(config, Plugins.load()).withHookPause(
                new HookScripts.RetryPause(Duration.ofMillis(10), 2, Duration.ofMillis(20)));
    }
}
