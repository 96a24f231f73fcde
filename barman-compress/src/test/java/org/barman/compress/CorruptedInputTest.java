package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.barman.api.Compressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A damaged file gives a clear error, never short or wrong output. */
class CorruptedInputTest {

    static Stream<Compressor> compressors() {
        return RoundTripTest.defaults();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void aTruncatedFileFailsWhereverItIsCut(Compressor compressor) {
        Samples.forAll(40, 200_000, sample -> {
            byte[] compressed = TestCompressors.compress(compressor, sample.data());
            int cut = sample.random().nextInt(compressed.length);
            byte[] truncated = Arrays.copyOf(compressed, cut);
            assertThatThrownBy(() -> TestCompressors.decompress(compressor, truncated))
                    .as("%s cut at %d of %d bytes", sample, cut, compressed.length)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(compressor.name().equals("custom") ? "custom" : compressor.name());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void aCorruptedFileFailsOrGivesTheOriginalBackNeverWrongBytes(Compressor compressor) {
        Samples.forAll(40, 200_000, sample -> {
            byte[] compressed = TestCompressors.compress(compressor, sample.data());
            Random random = sample.random();
            int position = random.nextInt(compressed.length);
            byte[] corrupted = compressed.clone();
            corrupted[position] ^= (byte) (1 + random.nextInt(255));
            byte[] back;
            try {
                back = TestCompressors.decompress(compressor, corrupted);
            } catch (IOException e) {
                assertThat(e.getMessage()).isNotBlank();
                return;
            }
            assertThat(Arrays.equals(back, sample.data()))
                    .as("%s with byte %d of %d changed decompressed without error, to different bytes", sample,
                            position, compressed.length)
                    .isTrue();
        });
    }

    @Test
    void dataOfAnotherFormatIsRejectedAtOnceNamingBothFormats() throws IOException {
        byte[] zstd = TestCompressors.compress(TestCompressors.create("zstd", java.util.Map.of()), new byte[100]);
        Compressor gzip = TestCompressors.create("gzip", java.util.Map.of());
        assertThatThrownBy(() -> gzip.decompress(new java.io.ByteArrayInputStream(zstd)))
                .isInstanceOf(IOException.class)
                .hasMessage("not gzip data: it starts with 28 b5 2f where gzip data starts with 1f 8b 08");
    }

    @Test
    void anEmptyFileIsNotMistakenForEmptyContent() {
        TestCompressors.libraryCompressors().forEach(compressor -> assertThatThrownBy(
                () -> TestCompressors.decompress(compressor, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessage("not " + compressor.name() + " data: the input is empty"));
    }

    @Test
    void aChecksumMismatchInTheContentIsReportedAsCorruption() throws IOException {
        byte[] data = Samples.compressible(1 << 20, new Random(7));
        TestCompressors.libraryCompressors().forEach(compressor -> {
            try {
                byte[] compressed = TestCompressors.compress(compressor, data);
                byte[] corrupted = compressed.clone();
                corrupted[compressed.length / 2] ^= 0x55;
                assertThatThrownBy(() -> TestCompressors.decompress(compressor, corrupted))
                        .as(compressor.name())
                        .isInstanceOf(IOException.class)
                        .hasMessageStartingWith(compressor.name() + " data is corrupted or truncated: ");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void concatenatedGzipMembersAreReadWholeFromAPipeThatNeverSaysMoreIsComing() throws IOException {
        Compressor gzip = TestCompressors.create("gzip", java.util.Map.of());
        byte[] first = TestCompressors.compress(gzip, "first member, ".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] second = TestCompressors.compress(gzip, "second member".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        java.io.InputStream pipe = new java.io.ByteArrayInputStream(both) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                // a read ends exactly where the first member does, as a pipe's may
                return super.read(b, off, pos < first.length ? Math.min(len, first.length - pos) : len);
            }

            @Override
            public synchronized int available() {
                return 0;
            }
        };
        try (java.io.InputStream in = gzip.decompress(pipe)) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("first member, second member");
        }
    }

    @Test
    void concatenatedFilesAreReadWhole() throws IOException {
        byte[] first = "first part, ".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] second = "second part".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (Compressor compressor : TestCompressors.libraryCompressors().toList()) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(TestCompressors.compress(compressor, first));
            both.write(TestCompressors.compress(compressor, second));
            assertThat(new String(TestCompressors.decompress(compressor, both.toByteArray()),
                    java.nio.charset.StandardCharsets.UTF_8))
                    .as(compressor.name()).isEqualTo("first part, second part");
        }
    }
}
