package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever goes through a compressor comes back unchanged, however it is written and read. */
class RoundTripTest {

    private static final int WAL_SEGMENT_SIZE = 16 * 1024 * 1024;

    static Stream<Compressor> everyLevel() {
        return Stream.concat(TestCompressors.libraryCompressorsAtEveryWord(), Stream.of(TestCompressors.customGzip()));
    }

    static Stream<Compressor> defaults() {
        return Stream.concat(TestCompressors.libraryCompressors(), Stream.of(TestCompressors.customGzip()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyLevel")
    void givesBackWhatItCompressedWrittenAndReadInOddSizedChunks(Compressor compressor) {
        Samples.forAll(30, 300_000, sample -> {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream out = compressor.compress(compressed)) {
                sample.writeInChunks(out);
            }
            byte[] back;
            try (InputStream in = compressor.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
                back = sample.readInChunks(in);
            }
            assertThat(Arrays.equals(back, sample.data()))
                    .as("%s gives back the %d bytes of %s (got %d bytes)", compressor, sample.data().length, sample,
                            back.length)
                    .isTrue();
            assertThat(compressor.recognizes(header(compressed.toByteArray())))
                    .as("%s recognizes its own output", compressor).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void givesBackAWalSizedInputWrittenAndReadInOddSizedChunks(Compressor compressor) throws Exception {
        Samples.Sample segment = new Samples.Sample(Samples.Shape.COMPRESSIBLE,
                Samples.compressible(WAL_SEGMENT_SIZE, new Random(16)), 16);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = compressor.compress(compressed)) {
            segment.writeInChunks(out);
        }
        assertThat(compressed.size()).as("compressed size").isLessThan(WAL_SEGMENT_SIZE / 2);
        byte[] back;
        try (InputStream in = compressor.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
            back = segment.readInChunks(in);
        }
        assertThat(Arrays.equals(back, segment.data())).as("%s gives back the segment", compressor).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void givesBackAnIncompressibleInputThatGrowsOnlyALittle(Compressor compressor) throws Exception {
        byte[] random = new byte[1024 * 1024 + 3];
        new Random(3).nextBytes(random);
        byte[] compressed = TestCompressors.compress(compressor, random);
        assertThat(compressed.length).isLessThan(random.length + random.length / 50 + 1024);
        assertThat(Arrays.equals(TestCompressors.decompress(compressor, compressed), random)).isTrue();
    }

    static byte[] header(byte[] file) {
        return Arrays.copyOf(file, Math.min(file.length, CompressorProvider.HEADER_LENGTH));
    }
}
