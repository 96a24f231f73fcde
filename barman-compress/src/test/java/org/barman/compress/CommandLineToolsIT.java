package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.barman.api.Compressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact compatibility with the standard tools, run for real: what our compressors write, {@code gzip -d},
 * {@code bzip2 -d}, {@code xz -d}, {@code zstd -d} and {@code lz4 -d} read (and test), and what those tools write,
 * at their levels and options, ours read. The tools come from Debian's gzip, bzip2, xz-utils, zstd and lz4.
 */
class CommandLineToolsIT {

    @TempDir
    Path dir;

    /** Inputs that matter: empty, one byte, incompressible, and a WAL-sized compressible segment. */
    private static Map<String, byte[]> inputs() {
        byte[] random = new byte[1_000_003];
        new Random(5).nextBytes(random);
        return Map.of(
                "empty", new byte[0],
                "one-byte", new byte[] {42},
                "random", random,
                "wal-sized", Samples.compressible(16 * 1024 * 1024, new Random(15)));
    }

    static Stream<Arguments> ourLevels() {
        return Stream.of(
                Arguments.of("gzip", "1", List.of("gzip", "-d", "-c"), List.of("gzip", "-t")),
                Arguments.of("gzip", "6", List.of("gzip", "-d", "-c"), List.of("gzip", "-t")),
                Arguments.of("gzip", "9", List.of("gzip", "-d", "-c"), List.of("gzip", "-t")),
                Arguments.of("bzip2", "1", List.of("bzip2", "-d", "-c"), List.of("bzip2", "-t")),
                Arguments.of("bzip2", "9", List.of("bzip2", "-d", "-c"), List.of("bzip2", "-t")),
                Arguments.of("xz", "0", List.of("xz", "-d", "-c"), List.of("xz", "-t")),
                Arguments.of("xz", "1", List.of("xz", "-d", "-c"), List.of("xz", "-t")),
                Arguments.of("xz", "6", List.of("xz", "-d", "-c"), List.of("xz", "-t")),
                Arguments.of("zstd", "1", List.of("zstd", "-q", "-d", "-c"), List.of("zstd", "-q", "-t")),
                Arguments.of("zstd", "3", List.of("zstd", "-q", "-d", "-c"), List.of("zstd", "-q", "-t")),
                Arguments.of("zstd", "19", List.of("zstd", "-q", "-d", "-c"), List.of("zstd", "-q", "-t")),
                Arguments.of("lz4", "1", List.of("lz4", "-q", "-d", "-c"), List.of("lz4", "-q", "-t")),
                Arguments.of("lz4", "9", List.of("lz4", "-q", "-d", "-c"), List.of("lz4", "-q", "-t")));
    }

    @ParameterizedTest(name = "{0} level {1} is read by {2}")
    @MethodSource("ourLevels")
    void theToolReadsWhatWeWrite(String name, String level, List<String> decompress, List<String> test)
            throws Exception {
        Compressor compressor = TestCompressors.create(name, Map.of("compression_level", level));
        for (Map.Entry<String, byte[]> input : inputs().entrySet()) {
            Path compressed = dir.resolve(input.getKey() + "." + name);
            try (OutputStream out = compressor.compress(Files.newOutputStream(compressed))) {
                out.write(input.getValue());
            }
            assertThat(run(test, compressed, null)).as("%s of %s", test, input.getKey()).isEmpty();
            byte[] back = run(decompress, compressed, null);
            assertThat(back).as("%s of %s", decompress, input.getKey()).isEqualTo(input.getValue());
        }
    }

    static Stream<Arguments> toolInvocations() {
        return Stream.of(
                Arguments.of("gzip", List.of("gzip", "-c", "-1")),
                Arguments.of("gzip", List.of("gzip", "-c", "-6")),
                Arguments.of("gzip", List.of("gzip", "-c", "-9", "-n")),
                Arguments.of("bzip2", List.of("bzip2", "-c", "-1")),
                Arguments.of("bzip2", List.of("bzip2", "-c", "-9")),
                Arguments.of("xz", List.of("xz", "-c", "-0", "-T1")),
                Arguments.of("xz", List.of("xz", "-c", "-6", "-T1")),
                Arguments.of("xz", List.of("xz", "-c", "-1", "-T2", "--block-size=1MiB")),
                Arguments.of("xz", List.of("xz", "-c", "-1", "--check=sha256")),
                Arguments.of("xz", List.of("xz", "-c", "-1", "--check=crc32")),
                Arguments.of("zstd", List.of("zstd", "-q", "-c", "-1")),
                Arguments.of("zstd", List.of("zstd", "-q", "-c", "-3")),
                Arguments.of("zstd", List.of("zstd", "-q", "-c", "-19", "--no-check")),
                Arguments.of("zstd", List.of("zstd", "-q", "-c", "-3", "-T2", "--long")),
                Arguments.of("lz4", List.of("lz4", "-q", "-c", "-1")),
                Arguments.of("lz4", List.of("lz4", "-q", "-c", "-9")),
                Arguments.of("lz4", List.of("lz4", "-q", "-c", "-1", "-BD", "-B4")),
                Arguments.of("lz4", List.of("lz4", "-q", "-c", "-1", "--no-frame-crc", "-BX")),
                Arguments.of("lz4", List.of("lz4", "-q", "-c", "-1", "--content-size")));
    }

    @ParameterizedTest(name = "{0} reads what {1} writes")
    @MethodSource("toolInvocations")
    void weReadWhatTheToolWrites(String name, List<String> compress) throws Exception {
        Compressor compressor = TestCompressors.create(name, Map.of());
        for (Map.Entry<String, byte[]> input : inputs().entrySet()) {
            Path plain = Files.write(dir.resolve(input.getKey()), input.getValue());
            byte[] compressed = run(compress, plain, null);
            assertThat(compressor.recognizes(RoundTripTest.header(compressed))).as("recognized").isTrue();
            assertThat(TestCompressors.decompress(compressor, compressed))
                    .as("%s of %s", compress, input.getKey()).isEqualTo(input.getValue());
        }
    }

    @Test
    void theGuidesCustomFiltersInteroperateWithGzip() throws Exception {
        byte[] data = Samples.compressible(5_000_000, new Random(2));
        Path plain = Files.write(dir.resolve("plain"), data);
        byte[] byTool = run(List.of("gzip", "-c"), plain, null);
        assertThat(TestCompressors.decompress(TestCompressors.customGzip(), byTool)).isEqualTo(data);
        Path ours = Files.write(dir.resolve("ours.gz"), TestCompressors.compress(TestCompressors.customGzip(), data));
        assertThat(run(List.of("gzip", "-d", "-c"), ours, null)).isEqualTo(data);
    }

    /**
     * Runs a tool on a file, as a DBA would, and fails with its error output when it exits non-zero.
     *
     * @return what it wrote to standard output
     */
    private byte[] run(List<String> command, Path file, byte[] stdin) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.add(file.toString());
        Process process;
        try {
            process = new ProcessBuilder(full).redirectError(dir.resolve("stderr").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": install Debian's gzip, bzip2, xz-utils, "
                    + "zstd and lz4 packages (" + e.getMessage() + ")", e);
        }
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        byte[] out;
        try (InputStream stdout = process.getInputStream()) {
            out = stdout.readAllBytes();
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", full).isTrue();
        assertThat(process.exitValue()).as("exit code of %s: %s", full,
                Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8)).isZero();
        return out;
    }
}
