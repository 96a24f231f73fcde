package org.barman.examples.snappy;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/**
 * The plug-in's entry point: registered in {@code META-INF/services/org.barman.api.CompressorProvider}, found by
 * Barman's {@link java.util.ServiceLoader} on its class path or in its {@code plugins/} folder, and chosen by
 * {@code compression = snappy}.
 */
public final class SnappyCompressorProvider implements CompressorProvider {

    /** The {@code compression =} value this plug-in answers to. */
    public static final String NAME = "snappy";

    @Override
    public String name() {
        return NAME;
    }

    /** Snappy has no levels: {@code compression_level}, like every option this plug-in does not know, is ignored. */
    @Override
    public Compressor create(PluginOptions options) {
        return new SnappyCompressor();
    }
}
