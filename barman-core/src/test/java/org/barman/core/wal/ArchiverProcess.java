package org.barman.core.wal;

import java.nio.file.Path;

import org.barman.core.Barman;
import org.barman.core.lock.LockBusyException;
import org.barman.core.plugin.Plugins;

/** {@code barman archive-wal} in a process of its own, for tests that kill it or run two at once. */
public final class ArchiverProcess {

    private ArchiverProcess() {
    }

    /**
     * @param args the configuration file and the server name
     */
    public static void main(String[] args) {
        Barman barman = Barman.load(Path.of(args[0]), Plugins.load());
        System.out.println("started");
        System.out.flush();
        try {
            ArchiveReport report = barman.server(args[1]).archiveWal();
            System.out.println("archived " + report.archived().size() + " duplicates " + report.duplicates().size());
            System.exit(report.succeeded() ? 0 : 1);
        } catch (LockBusyException busy) {
            System.out.println("busy");
            System.exit(3);
        }
    }

    static Process start(Path config, String server) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ArchiverProcess.class.getName(),
                config.toString(), server).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
