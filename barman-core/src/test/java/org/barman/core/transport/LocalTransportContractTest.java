package org.barman.core.transport;

import org.barman.api.TransportProvider;
import org.barman.testkit.transport.TransportContract;

/** The transport contract, run for the local transport. */
class LocalTransportContractTest extends TransportContract {

    @Override
    protected TransportProvider provider() {
        return new LocalTransportProvider();
    }
}
