package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import org.barman.api.Compressor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compression = custom}: real shell filters, their failures, and nothing left running afterwards. */
class CustomCompressorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Compressor custom(String compression, String decompression) {
        return TestCompressors.create("custom", Map.of("custom_compression_filter", compression,
                "custom_decompression_filter", decompression));
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @AfterEach
    void noFilterThreadIsLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> running;
        do {
            running = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.contains("barman-filter")).collect(Collectors.toSet());
            if (running.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertThat(running).as("filter threads still running").isEmpty();
    }

    @Test
    void writesWhatTheGuidesGzipFilterWritesAndReadsItBack() throws IOException {
        byte[] data = Samples.compressible(3_000_000, new Random(1));
        byte[] compressed = TestCompressors.compress(TestCompressors.customGzip(), data);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(TestCompressors.decompress(TestCompressors.customGzip(), compressed)).isEqualTo(data);
    }

    @Test
    void aCompressionFilterThatFailsNamesItselfItsExitCodeAndItsErrorOutput() {
        Compressor failing = custom("echo 'lzop: no space left' >&2; exit 3", "cat");
        for (int size : new int[] {10, 8 * 1024 * 1024}) {
            TrackedStreams.Target target = new TrackedStreams.Target(Long.MAX_VALUE);
            assertTimeoutPreemptively(PATIENCE, () -> assertThatThrownBy(() -> {
                try (OutputStream out = failing.compress(target)) {
                    out.write(random(size));
                }
            }).isInstanceOf(IOException.class).hasMessage("custom_compression_filter 'echo 'lzop: no space left' "
                    + ">&2; exit 3' failed with exit code 3: lzop: no space left"));
            assertThat(target.closed()).as("target closed after %d bytes", size).isTrue();
        }
    }

    @Test
    void noOutputFileSurvivesAFailingFilterWhenTheCallerKeepsTheContract() throws IOException {
        Path source = Files.write(dir.resolve("000000010000000000000001"), random(1_000_000));
        Path temporary = dir.resolve("000000010000000000000001.tmp");
        Compressor failing = custom("head -c 1000; exit 1", "cat");
        assertThatThrownBy(() -> {
            try {
                try (InputStream in = Files.newInputStream(source);
                     OutputStream out = failing.compress(Files.newOutputStream(temporary))) {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("failed with exit code 1");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(source);
        }
    }

    @Test
    void aDecompressionFilterThatFailsIsNeverTakenForShortOutput() {
        Compressor failing = custom("cat", "head -c 10; echo 'corrupt input' >&2; exit 2");
        assertTimeoutPreemptively(PATIENCE, () -> assertThatThrownBy(
                () -> TestCompressors.decompress(failing, random(100_000)))
                .isInstanceOf(IOException.class)
                .hasMessage("custom_decompression_filter 'head -c 10; echo 'corrupt input' >&2; exit 2' failed "
                        + "with exit code 2: corrupt input"));
    }

    @Test
    void aFilterThatStopsReadingItsInputIsAnError() {
        Compressor lazy = custom("true", "cat");
        assertTimeoutPreemptively(PATIENCE, () -> assertThatThrownBy(() -> {
            try (OutputStream out = lazy.compress(new ByteArrayOutputStream())) {
                for (int i = 0; i < 64; i++) {
                    out.write(random(65_536));
                }
            }
        }).isInstanceOf(IOException.class)
                .hasMessageStartingWith("custom_compression_filter 'true' stopped reading its input: "));
    }

    @Test
    void aFilterThatCannotBeFoundIsReportedWithTheShellsMessage() {
        Compressor missing = custom("no-such-compressor -c", "cat");
        assertThatThrownBy(() -> TestCompressors.compress(missing, new byte[10]))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("custom_compression_filter 'no-such-compressor -c' failed with exit code 127")
                .hasMessageContaining("not found");
    }

    @Test
    void onlyTheEndOfALongErrorOutputIsKept() {
        Compressor chatty = custom("cat >/dev/null; for i in $(seq 1 2000); do echo \"line $i\" >&2; done; exit 1",
                "cat");
        assertThatThrownBy(() -> TestCompressors.compress(chatty, new byte[10]))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("line 1999 | line 2000")
                .hasMessageNotContaining("line 1 |")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(3000));
    }

    @Test
    void closingBeforeTheEndStopsAFilterThatWouldNeverEnd() {
        Compressor endless = custom("cat", "yes barman");
        assertTimeoutPreemptively(PATIENCE, () -> {
            TrackedStreams.Source source = new TrackedStreams.Source(new byte[10]);
            try (InputStream in = endless.decompress(source)) {
                assertThat(new String(in.readNBytes(14), StandardCharsets.US_ASCII)).isEqualTo("barman\nbarman\n");
            }
            assertThat(source.closed()).isTrue();
        });
    }

    @Test
    void aFailingTargetIsReportedAndTheFilterDoesNotHang() {
        TrackedStreams.Target target = new TrackedStreams.Target(10_000);
        assertTimeoutPreemptively(PATIENCE, () -> assertThatThrownBy(() -> {
            try (OutputStream out = custom("cat", "cat").compress(target)) {
                for (int i = 0; i < 100; i++) {
                    out.write(random(65_536));
                }
            }
        }).isInstanceOf(IOException.class)
                .hasMessage("writing the output of custom_compression_filter 'cat' failed: No space left on device"));
        assertThat(target.closed()).isTrue();
    }

    @Test
    void theFilterRunsInTheShellWithPipesAndVariables() throws IOException {
        Compressor piped = custom("gzip -1 | cat", "X=-d; gzip -c $X");
        byte[] data = "pipes and variables work".getBytes(StandardCharsets.UTF_8);
        assertThat(TestCompressors.decompress(piped, TestCompressors.compress(piped, data))).isEqualTo(data);
    }
}
