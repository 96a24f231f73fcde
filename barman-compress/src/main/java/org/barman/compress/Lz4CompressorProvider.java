package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@link Lz4Compressor}, with {@code compression_level} as {@link Lz4Compressor#LEVELS} accepts it. */
public final class Lz4CompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return Lz4Compressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        return new Lz4Compressor(Lz4Compressor.LEVELS.resolve(options));
    }
}
