package org.barman.compress;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;

/** The compressors under test, found as the core finds them, and small helpers to run bytes through them. */
final class TestCompressors {

    /** The filters of Barman's guide, with gzip's magic number so that detection works for them too. */
    static final Map<String, String> CUSTOM_GZIP = Map.of(
            "custom_compression_filter", "gzip -c",
            "custom_decompression_filter", "gzip -c -d",
            "custom_compression_magic", "0x1f8b08");

    private TestCompressors() {
    }

    /** @return every provider registered in META-INF/services */
    static List<CompressorProvider> providers() {
        List<CompressorProvider> providers = new ArrayList<>();
        ServiceLoader.load(CompressorProvider.class).forEach(providers::add);
        return providers;
    }

    /**
     * @param name a provider name
     * @param options the server's options
     * @return that provider's compressor
     */
    static Compressor create(String name, Map<String, String> options) {
        return providers().stream().filter(provider -> provider.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no provider named " + name))
                .create(PluginOptions.of(options));
    }

    /** @return the library compressors at their default levels */
    static Stream<Compressor> libraryCompressors() {
        return Stream.of("gzip", "bzip2", "xz", "zstd", "lz4").map(name -> create(name, Map.of()));
    }

    /** @return the library compressors at their lowest, default and highest levels */
    static Stream<Compressor> libraryCompressorsAtEveryWord() {
        return Stream.of("gzip", "bzip2", "xz", "zstd", "lz4")
                .flatMap(name -> Stream.of("low", "medium", "high")
                        .map(level -> create(name, Map.of("compression_level", level))));
    }

    /** @return the custom compressor running gzip */
    static Compressor customGzip() {
        return create("custom", CUSTOM_GZIP);
    }

    static byte[] compress(Compressor compressor, byte[] data) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = compressor.compress(compressed)) {
            out.write(data);
        }
        return compressed.toByteArray();
    }

    static byte[] decompress(Compressor compressor, byte[] compressed) throws IOException {
        try (InputStream in = compressor.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }
}
