package org.barman.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.barman.api.Compressor;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CompressionBenchmark} and prints the table of {@code docs/performance.md}: MB/s (10^6 bytes of
 * uncompressed WAL per second) to compress and to decompress, and the ratio (compressed size / original size).
 * Each MB/s figure is the best measurement iteration, then the mean of all of them: on a shared machine the best
 * iteration is the one least disturbed by other work, as the best of several runs is on the command-line side.
 * Arguments are JMH's own, for example {@code -p compression=zstd,lz4 -f 1}.
 */
public final class CompressionReport {

    private CompressionReport() {
    }

    /**
     * @param args JMH command-line options
     * @throws RunnerException when JMH fails
     * @throws IOException when the fixture cannot be read
     * @throws CommandLineOptionException when the options are wrong
     */
    public static void main(String[] args) throws RunnerException, IOException, CommandLineOptionException {
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(CompressionBenchmark.class.getName())
                .build();
        byte[] segment = WalFixture.segment();
        double megabytes = segment.length / 1e6;
        Map<String, double[]> rows = new TreeMap<>();
        for (RunResult result : new Runner(options).run()) {
            String compression = result.getParams().getParam("compression");
            String level = result.getParams().getParam("level");
            double[] row = rows.computeIfAbsent(compression + "\t" + level, k -> new double[5]);
            int column = result.getParams().getBenchmark().endsWith(".compress") ? 0 : 2;
            row[column] = best(result) * megabytes;
            row[column + 1] = result.getPrimaryResult().getScore() * megabytes;
            row[4] = ratio(compression, level, segment);
        }
        System.out.println();
        System.out.println("| compressor (Java) | level | compress MB/s best (mean) | decompress MB/s best (mean) | ratio |");
        System.out.println("|---|---|---:|---:|---:|");
        rows.forEach((key, row) -> {
            String[] parts = key.split("\t", -1);
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f (%.1f) | %.1f (%.1f) | %.4f |", parts[0],
                    parts[1].isEmpty() ? "default" : parts[1], row[0], row[1], row[2], row[3], row[4]));
        });
    }

    private static double best(RunResult result) {
        double best = 0;
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                best = Math.max(best, iteration.getPrimaryResult().getScore());
            }
        }
        return best;
    }

    private static double ratio(String compression, String level, byte[] segment) {
        Compressor compressor = WalFixture.compressor(compression,
                level.isEmpty() ? Map.of() : Map.of("compression_level", level));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = compressor.compress(out)) {
            compressing.write(segment);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return (double) out.size() / segment.length;
    }
}
