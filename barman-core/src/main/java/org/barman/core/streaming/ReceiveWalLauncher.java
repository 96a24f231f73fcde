package org.barman.core.streaming;

import org.barman.api.BarmanException;
import org.barman.core.Server;

/**
 * Starts {@code barman receive-wal} for a server so that it runs on its own, after the program that started it
 * ends: what {@code barman cron} does for every server with {@code streaming_archiver = on} whose receiver is not
 * running. The command line starts it as a detached process of the same launcher and configuration; a program
 * that embeds Barman gives its own ({@link org.barman.core.Barman#withReceiveWalLauncher}).
 */
@FunctionalInterface
public interface ReceiveWalLauncher {

    /** A launcher that cannot start anything: cron reports each receiver it would start as a failure. */
    ReceiveWalLauncher NONE = server -> {
        throw new BarmanException("receive-wal of server " + server.name() + " is not running and this program "
                + "cannot start it (no ReceiveWalLauncher was given to Barman); run barman cron, or barman "
                + "receive-wal " + server.name());
    };

    /**
     * @param server a server with {@code streaming_archiver = on}
     * @return the process started, which takes the server's receive-wal lock as soon as it runs
     * @throws BarmanException when it cannot be started
     */
    ProcessHandle launch(Server server);
}
