package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@link XzCompressor}, with {@code compression_level} as {@link XzCompressor#LEVELS} accepts it. */
public final class XzCompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return XzCompressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        return new XzCompressor(XzCompressor.LEVELS.resolve(options));
    }
}
