package org.barman.core.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.plugin.Plugins;

/** {@code barman backup} in a process of its own, for tests that kill it. */
public final class BackupProcess {

    private BackupProcess() {
    }

    /**
     * @param args the configuration file and the server name
     */
    public static void main(String[] args) {
        Barman barman = Barman.load(Path.of(args[0]), Plugins.load());
        barman.server(args[1]).takeBackup(new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);
    }

    /**
     * @param config the configuration file
     * @param server the server to back up
     * @return the running process
     * @throws IOException when it cannot start
     */
    public static Process start(Path config, String server) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BackupProcess.class.getName(),
                config.toString(), server).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
