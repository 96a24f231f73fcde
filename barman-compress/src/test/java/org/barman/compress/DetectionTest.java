package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.barman.api.Compressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Magic-number detection: which compressor wrote a file, from its first bytes (for {@code rebuild-xlogdb}). */
class DetectionTest {

    @ParameterizedTest(name = "{0} starts with {1}")
    @CsvSource({
        "gzip, 1f8b08", "bzip2, 425a68", "xz, fd377a585a00", "zstd, 28b52ffd", "lz4, 04224d18",
    })
    void outputStartsWithTheMagicNumberBarmanKnows(String name, String magic) throws IOException {
        byte[] compressed = TestCompressors.compress(TestCompressors.create(name, Map.of()), new byte[1000]);
        assertThat(HexFormat.of().formatHex(compressed)).startsWith(magic);
    }

    @Test
    void exactlyOneLibraryCompressorRecognizesEachOutput() {
        List<Compressor> all = TestCompressors.libraryCompressors().toList();
        Samples.forAll(20, 10_000, sample -> {
            for (Compressor writer : all) {
                byte[] header = RoundTripTest.header(TestCompressors.compress(writer, sample.data()));
                List<String> recognizing = all.stream().filter(reader -> reader.recognizes(header))
                        .map(Compressor::name).toList();
                assertThat(recognizing).as("compressors recognizing %s output", writer.name())
                        .containsExactly(writer.name());
            }
        });
    }

    @Test
    void uncompressedWalIsRecognizedByNone() {
        byte[] walHeader = HexFormat.of().parseHex("10d1050001000000000000010000000000000000"); // PG 15 page magic
        TestCompressors.libraryCompressors().forEach(c -> assertThat(c.recognizes(walHeader)).isFalse());
        assertThat(TestCompressors.customGzip().recognizes(walHeader)).isFalse();
    }

    @Test
    void aHeaderShorterThanTheMagicNumberIsNotRecognized() {
        TestCompressors.libraryCompressors().forEach(compressor -> {
            assertThat(compressor.recognizes(new byte[0])).isFalse();
            assertThat(compressor.recognizes(null)).isFalse();
        });
        assertThat(TestCompressors.create("gzip", Map.of()).recognizes(new byte[] {0x1f, (byte) 0x8b})).isFalse();
    }

    @Test
    void customRecognizesItsConfiguredMagicInAnySpelling() {
        for (String magic : List.of("0x1f8b", "1F8B", "0X1F8B08")) {
            Compressor custom = TestCompressors.create("custom", Map.of("custom_compression_filter", "gzip -c",
                    "custom_decompression_filter", "gzip -c -d", "custom_compression_magic", magic));
            assertThat(custom.recognizes(new byte[] {0x1f, (byte) 0x8b, 0x08, 0})).as(magic).isTrue();
            assertThat(custom.recognizes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd})).as(magic).isFalse();
        }
    }

    @Test
    void customWithoutMagicRecognizesNothing() {
        Compressor custom = TestCompressors.create("custom", Map.of("custom_compression_filter", "gzip -c",
                "custom_decompression_filter", "gzip -c -d"));
        assertThat(custom.recognizes(new byte[] {0x1f, (byte) 0x8b, 0x08, 0})).isFalse();
    }
}
