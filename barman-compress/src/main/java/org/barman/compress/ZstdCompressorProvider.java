package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@link ZstdCompressor}, with {@code compression_level} as {@link ZstdCompressor#LEVELS} accepts it. */
public final class ZstdCompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return ZstdCompressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        return new ZstdCompressor(ZstdCompressor.LEVELS.resolve(options));
    }
}
