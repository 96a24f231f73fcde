package org.barman.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.barman.api.Compressor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compresses and decompresses one real 16 MiB WAL segment with each compressor, at the level Barman uses by
 * default, one thread, as {@code archive-wal} and {@code get-wal} do. The score is segments per second:
 * {@link CompressionReport} turns it into MB/s and adds the ratio.
 *
 * <p>Data moves in 64 KiB writes and reads, as when copying a file, into a sink that discards it, as
 * {@code tool -c > /dev/null} does on the command-line side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
public class CompressionBenchmark {

    private static final int CHUNK = 64 * 1024;

    /** The {@code compression =} value. */
    @Param({"gzip", "bzip2", "xz", "zstd", "lz4"})
    public String compression;

    /** The {@code compression_level}, empty for the default. */
    @Param({""})
    public String level;

    private Compressor compressor;
    private byte[] segment;
    private byte[] compressed;
    private final byte[] readBuffer = new byte[CHUNK];

    /**
     * Loads the segment and compresses it once, for the decompression benchmark.
     *
     * @throws IOException when the fixture cannot be read
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        compressor = WalFixture.compressor(compression, level.isEmpty() ? Map.of() : Map.of("compression_level", level));
        segment = WalFixture.segment();
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length);
        try (OutputStream compressing = compressor.compress(out)) {
            compressing.write(segment);
        }
        compressed = out.toByteArray();
    }

    /**
     * @return the compressed size, so that the work is not optimised away
     * @throws IOException never, in memory
     */
    @Benchmark
    public long compress() throws IOException {
        DiscardingOutputStream sink = new DiscardingOutputStream();
        try (OutputStream out = compressor.compress(sink)) {
            for (int offset = 0; offset < segment.length; offset += CHUNK) {
                out.write(segment, offset, Math.min(CHUNK, segment.length - offset));
            }
        }
        return sink.count();
    }

    /**
     * @return the decompressed size, so that the work is not optimised away
     * @throws IOException never, in memory
     */
    @Benchmark
    public long decompress() throws IOException {
        long total = 0;
        try (InputStream in = compressor.decompress(new ByteArrayInputStream(compressed))) {
            int n;
            while ((n = in.read(readBuffer)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /** Counts what it is given and keeps none of it, like {@code /dev/null}. */
    static final class DiscardingOutputStream extends OutputStream {

        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }

        long count() {
            return count;
        }
    }
}
