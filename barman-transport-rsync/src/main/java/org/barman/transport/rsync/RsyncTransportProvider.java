package org.barman.transport.rsync;

import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;

/**
 * Registers the {@code rsync} transport, the default when a server has an {@code ssh_command}. It reads
 * {@code ssh_command} (required), {@code network_compression} and {@code parallel_jobs}; see {@link RsyncTransport}.
 */
public final class RsyncTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return RsyncTransport.NAME;
    }

    @Override
    public Transport create(PluginOptions options) {
        return new RsyncTransport(RsyncSettings.from(options));
    }
}
