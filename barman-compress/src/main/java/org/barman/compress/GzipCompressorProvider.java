package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@link GzipCompressor}, with {@code compression_level} as {@link GzipCompressor#LEVELS} accepts it. */
public final class GzipCompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return GzipCompressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        return new GzipCompressor(GzipCompressor.LEVELS.resolve(options));
    }
}
