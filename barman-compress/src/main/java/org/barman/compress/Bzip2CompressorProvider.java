package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** Provides {@link Bzip2Compressor}, with {@code compression_level} as {@link Bzip2Compressor#LEVELS} accepts it. */
public final class Bzip2CompressorProvider implements CompressorProvider {

    @Override
    public String name() {
        return Bzip2Compressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        return new Bzip2Compressor(Bzip2Compressor.LEVELS.resolve(options));
    }
}
