package org.barman.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.ServiceLoader;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/**
 * The benchmarks' input: one real 16 MiB WAL segment written by PostgreSQL 15 under pgbench, stored in the jar
 * compressed with {@code zstd -19} ({@code scripts/make-wal-fixture.sh} made it), and compressors found the way
 * the core finds them.
 */
final class WalFixture {

    /** The resource holding the segment. */
    static final String RESOURCE = "pgbench-wal-segment.zst";

    private WalFixture() {
    }

    /**
     * @return the uncompressed segment
     * @throws IOException when the resource is missing or damaged
     */
    static byte[] segment() throws IOException {
        InputStream resource = WalFixture.class.getResourceAsStream(RESOURCE);
        if (resource == null) {
            throw new IOException("resource " + RESOURCE + " is missing from the benchmarks jar");
        }
        try (InputStream in = compressor("zstd", Map.of()).decompress(resource)) {
            return in.readAllBytes();
        }
    }

    /**
     * @param name a {@code compression =} value
     * @param options options such as {@code compression_level}
     * @return the compressor its provider creates
     */
    static Compressor compressor(String name, Map<String, String> options) {
        for (CompressorProvider provider : ServiceLoader.load(CompressorProvider.class)) {
            if (provider.name().equals(name)) {
                return provider.create(PluginOptions.of(options));
            }
        }
        throw new IllegalArgumentException("no compressor named " + name + " on the class path");
    }
}
