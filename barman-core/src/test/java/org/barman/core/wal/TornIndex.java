package org.barman.core.wal;

import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * An index as archiving writes it (entries appended by batches, segments, history and backup label files, every
 * compression) cut short at a random byte, as a crash or a full disk leaves it. QuickTheories stays behind
 * {@link #forAll}, so it could be swapped.
 *
 * @param batches the entries, appended one batch at a time, in this order
 * @param cut how many bytes of the index survived
 */
record TornIndex(List<List<WalFileInfo>> batches, int cut) {

    private static final List<String> COMPRESSIONS = new ArrayList<>(List.of("gzip", "bzip2", "xz", "zstd", "lz4",
            "custom", "None"));

    /** @return every entry, in file order */
    List<WalFileInfo> entries() {
        return batches.stream().flatMap(List::stream).toList();
    }

    /** @return the whole index, before the cut */
    String text() {
        StringBuilder text = new StringBuilder();
        entries().forEach(entry -> text.append(XlogDb.format(entry)));
        return text.toString();
    }

    /** @return the entries whose line, newline included, is within the bytes that survived */
    List<WalFileInfo> complete() {
        List<WalFileInfo> complete = new ArrayList<>();
        int end = 0;
        for (WalFileInfo entry : entries()) {
            end += XlogDb.format(entry).length();
            if (end <= cut) {
                complete.add(entry);
            }
        }
        return complete;
    }

    /** @return the index's text and where it is cut, short enough to read in a failure */
    String describe() {
        String text = text();
        return "cut at byte " + cut + " of " + text.length() + ":\n" + text.substring(0, cut) + "<--cut-->"
                + text.substring(cut);
    }

    /**
     * Checks a property of random torn indexes; a failure reports the smallest failing one found.
     *
     * @param examples how many indexes
     * @param property the property
     */
    static void forAll(int examples, Consumer<TornIndex> property) {
        Gen<TornIndex> gen = TornIndex::generate;
        qt().withExamples(examples).withShrinkCycles(100).forAll(gen.describedAs(TornIndex::describe))
                .checkAssert(property);
    }

    private static long pick(RandomnessSource in, long min, long max) {
        return in.next(Constraint.between(min, max));
    }

    private static TornIndex generate(RandomnessSource in) {
        int count = (int) pick(in, 1, 30);
        long segment = pick(in, 1, 0xFFFF_FFFFL);
        List<List<WalFileInfo>> batches = new ArrayList<>();
        List<WalFileInfo> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            WalSegmentName name = switch ((int) pick(in, 0, 5)) {
                case 0 -> WalSegmentName.history(pick(in, 2, 40));
                case 1 -> WalSegmentName.parse(WalSegmentName.ofSegmentNumber(1, segment,
                        WalSegmentName.DEFAULT_SEGMENT_SIZE).fileName() + String.format(".%08X.backup",
                                pick(in, 0, 0xFFFFFF)));
                default -> WalSegmentName.ofSegmentNumber(pick(in, 1, 3), segment++,
                        WalSegmentName.DEFAULT_SEGMENT_SIZE);
            };
            String compression = COMPRESSIONS.get((int) pick(in, 0, COMPRESSIONS.size() - 1));
            double time = pick(in, 0, 2_000_000_000L) + pick(in, 0, 3) / 4.0;
            batch.add(new WalFileInfo(name, pick(in, 0, 1L << 31), time, compression.equals("None") ? null
                    : compression));
            if (pick(in, 0, 3) == 0) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        int length = batches.stream().flatMap(List::stream).mapToInt(entry -> XlogDb.format(entry).length()).sum();
        return new TornIndex(batches, (int) pick(in, 0, length));
    }
}
