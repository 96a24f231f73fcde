package org.barman.compress;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/**
 * Provides {@link ZstdCompressor}, with {@code compression_level} as {@link ZstdCompressor#LEVELS} accepts it, and
 * {@code compression_workers} threads (Barman's {@code backup_compression_workers}, which core passes under that
 * name for base backups; WAL files are compressed in one thread).
 */
public final class ZstdCompressorProvider implements CompressorProvider {

    /** The option that sets the number of compressing threads. */
    static final String WORKERS = "compression_workers";

    @Override
    public String name() {
        return ZstdCompressor.NAME;
    }

    @Override
    public Compressor create(PluginOptions options) {
        int workers = options.get(WORKERS).map(text -> {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return -1;
            }
        }).orElse(0);
        if (workers < 0) {
            throw options.invalid(WORKERS, "'" + options.get(WORKERS).orElse("") + "' is not a number of threads "
                    + "(0 or more)");
        }
        return new ZstdCompressor(ZstdCompressor.LEVELS.resolve(options), workers);
    }
}
