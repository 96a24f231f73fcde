package org.barman.core.transport;

import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * Registers the {@code local} transport, the default when a server has no {@code ssh_command}. It reads
 * {@code parallel_jobs} (default 1): how many threads copy files at once.
 */
public final class LocalTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return LocalTransport.NAME;
    }

    @Override
    public Transport create(PluginOptions options) {
        int parallelJobs = options.integer("parallel_jobs", 1);
        if (parallelJobs < 1) {
            throw options.invalid("parallel_jobs", "an integer (1 or more)");
        }
        return new LocalTransport(parallelJobs);
    }
}
