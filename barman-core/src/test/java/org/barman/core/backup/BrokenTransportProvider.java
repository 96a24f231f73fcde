package org.barman.core.backup;

import java.util.concurrent.atomic.AtomicInteger;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * {@code transport = broken}, registered only through {@code broken-transport/META-INF/services}: every copy fails,
 * as a network that drops in the middle of a backup would. Counts the attempts.
 */
public final class BrokenTransportProvider implements TransportProvider {

    /** How many copies were attempted since the class was loaded. */
    static final AtomicInteger PULLS = new AtomicInteger();

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public Transport create(PluginOptions options) {
        return new Transport() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CopyResult pull(CopyJob job, CopyListener listener) {
                PULLS.incrementAndGet();
                throw new BarmanException("connection to the PostgreSQL host lost while copying " + job.remotePath());
            }

            @Override
            public CopyResult push(CopyJob job, CopyListener listener) {
                throw new BarmanException("push is not used by backups");
            }

            @Override
            public CommandResult run(String command) {
                throw new BarmanException("run is not used before the copy");
            }
        };
    }
}
