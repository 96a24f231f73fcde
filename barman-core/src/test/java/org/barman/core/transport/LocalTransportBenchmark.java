package org.barman.core.transport;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;

/**
 * Times one pull of the local transport on a real tree, for docs/performance.md, "Local transport". Not a test:
 * run it by hand, as the page says, with the cache warmed and nothing else writing.
 */
final class LocalTransportBenchmark {

    private LocalTransportBenchmark() {
    }

    /**
     * @param args source folder, target folder (must not exist), parallel jobs, {@code durable} or {@code no-fsync},
     *     optionally comma-separated exclusions, and optionally how many copies to make in this JVM (into
     *     {@code target}, {@code target-2}...), to see what the JVM's warm-up costs
     */
    public static void main(String[] args) {
        Path source = Path.of(args[0]).toAbsolutePath();
        int jobs = Integer.parseInt(args[2]);
        List<String> exclusions = args.length > 4 && !args[4].isEmpty() ? List.of(args[4].split(",")) : List.of();
        int copies = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        for (int copy = 1; copy <= copies; copy++) {
            Path target = Path.of(args[1] + (copy == 1 ? "" : "-" + copy));
            time(source, target, jobs, args[3], exclusions);
        }
    }

    private static void time(Path source, Path target, int jobs, String mode, List<String> exclusions) {
        boolean durable = mode.equals("durable");
        long start = System.nanoTime();
        long[] planned = new long[1];
        CopyListener plan = new CopyListener() {
            @Override
            public void planned(long files, long bytes) {
                planned[0] = System.nanoTime();
            }
        };
        CopyResult result = new LocalTransport(jobs, durable).pull(new CopyJob(source.toString(), target, exclusions,
                ReuseMode.OFF, null, 0), plan);
        long elapsed = System.nanoTime() - start;
        Runtime runtime = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "jobs=%d %s: %.3f s in the JVM (plan %.3f s), %d files, %d bytes, heap used "
                + "%d MiB%n", jobs, mode, elapsed / 1e9, (planned[0] - start) / 1e9, result.files(),
                result.bytes(), (runtime.totalMemory() - runtime.freeMemory()) >> 20);
    }
}
