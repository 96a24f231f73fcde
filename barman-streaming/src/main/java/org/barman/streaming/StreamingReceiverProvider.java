package org.barman.streaming;

import org.barman.api.PluginOptions;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverProvider;

/** Provides {@link StreamingWalReceiver} under the name {@value #NAME}. */
public final class StreamingReceiverProvider implements WalReceiverProvider {

    /** The provider's name. */
    public static final String NAME = "streaming";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public StreamingReceiverProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public WalReceiver create(PluginOptions options) {
        return new StreamingWalReceiver();
    }
}
