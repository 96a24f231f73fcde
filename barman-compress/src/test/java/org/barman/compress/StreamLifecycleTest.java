package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.barman.api.Compressor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Streams are closed on every path, and failures of the file underneath are reported as what they are. */
class StreamLifecycleTest {

    static Stream<Compressor> compressors() {
        return RoundTripTest.defaults();
    }

    private static byte[] input() {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(11).nextBytes(data);
        return data;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void aFullDiskFailsTheWriteOrTheCloseAndTheTargetIsClosed(Compressor compressor) {
        TrackedStreams.Target target = new TrackedStreams.Target(100_000);
        assertThatThrownBy(() -> {
            try (OutputStream out = compressor.compress(target)) {
                out.write(input());
            }
        }).isInstanceOf(IOException.class).hasStackTraceContaining("No space left on device");
        assertThat(target.closed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void closingTwiceIsHarmlessAndWritingAfterCloseFails(Compressor compressor) throws IOException {
        TrackedStreams.Target target = new TrackedStreams.Target(Long.MAX_VALUE);
        OutputStream out = compressor.compress(target);
        out.write(new byte[] {1, 2, 3});
        out.close();
        out.close();
        assertThat(target.closed()).isTrue();
        assertThatThrownBy(() -> out.write(4)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThat(TestCompressors.decompress(compressor, target.bytes())).containsExactly(1, 2, 3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void aBrokenSourceIsReportedAsSuchNotAsCorruptionAndIsClosed(Compressor compressor) throws IOException {
        byte[] compressed = TestCompressors.compress(compressor, input());
        TrackedStreams.Source source = new TrackedStreams.Source(compressed, compressed.length / 2);
        assertThatThrownBy(() -> {
            try (InputStream in = compressor.decompress(source)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class)
                .hasMessageContaining("Connection reset by peer")
                .hasMessageNotContaining("corrupted");
        assertThat(source.closed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void theSourceIsClosedAfterACorruptedFile(Compressor compressor) throws IOException {
        byte[] compressed = TestCompressors.compress(compressor, input());
        TrackedStreams.Source source = new TrackedStreams.Source(Arrays.copyOf(compressed, compressed.length - 9));
        assertThatThrownBy(() -> {
            try (InputStream in = compressor.decompress(source)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
        assertThat(source.closed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void theSourceIsClosedWhenItIsNotOfThisFormat(Compressor compressor) {
        TrackedStreams.Source source = new TrackedStreams.Source(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        if (compressor.name().equals("custom")) {
            assertThatThrownBy(() -> compressor.decompress(source)).isInstanceOf(IOException.class)
                    .hasMessage("not custom compressed data: it starts with 50 4b 03 where custom compressed data "
                            + "starts with 1f 8b 08");
        } else {
            assertThatThrownBy(() -> compressor.decompress(source)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("not " + compressor.name() + " data: it starts with 50 4b");
        }
        assertThat(source.closed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void closingBeforeTheEndClosesTheSource(Compressor compressor) throws IOException {
        byte[] compressed = TestCompressors.compress(compressor, input());
        TrackedStreams.Source source = new TrackedStreams.Source(compressed);
        try (InputStream in = compressor.decompress(source)) {
            assertThat(in.readNBytes(1000)).hasSize(1000);
        }
        assertThat(source.closed()).isTrue();
    }
}
