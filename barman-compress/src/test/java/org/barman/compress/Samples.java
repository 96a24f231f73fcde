package org.barman.compress;

import static org.quicktheories.QuickTheory.qt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property checks over the inputs a compressor sees: the one place that uses QuickTheories, so that it could be
 * swapped. A {@link Sample} is an input of some shape (empty, one byte, random, highly compressible, text) with a
 * seed that decides how it is cut into odd-sized writes and reads, and where a test truncates or corrupts it.
 */
final class Samples {

    private Samples() {
    }

    /** The shapes of inputs generated. */
    enum Shape {
        EMPTY, ONE_BYTE, RANDOM, COMPRESSIBLE, TEXT
    }

    /**
     * Checks a property for generated samples; it fails with the smallest sample QuickTheories finds.
     *
     * @param examples how many samples to try
     * @param maxLength the largest sample, in bytes
     * @param property the property, which fails by throwing
     */
    static void forAll(int examples, int maxLength, IoConsumer<Sample> property) {
        qt().withExamples(examples).withShrinkCycles(50).forAll(samples(maxLength)).checkAssert(sample -> {
            try {
                property.accept(sample);
            } catch (IOException e) {
                throw new UncheckedIOException(sample + ": " + e.getMessage(), e);
            }
        });
    }

    private static Gen<Sample> samples(int maxLength) {
        Gen<Shape> shapes = Generate.pick(List.of(Shape.values()));
        return shapes.zip(Generate.range(0, maxLength), Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE),
                Samples::sample).describedAs(Sample::toString);
    }

    private static Sample sample(Shape shape, int length, long seed) {
        Random random = new Random(seed);
        byte[] data;
        switch (shape) {
            case EMPTY:
                data = new byte[0];
                break;
            case ONE_BYTE:
                data = new byte[] {(byte) random.nextInt()};
                break;
            case RANDOM:
                data = new byte[length];
                random.nextBytes(data);
                break;
            case COMPRESSIBLE:
                data = compressible(length, random);
                break;
            default:
                data = text(length, random);
                break;
        }
        return new Sample(shape, data, seed);
    }

    /** Short patterns repeated, with a little noise: what WAL full-page images and zeroed pages look like. */
    static byte[] compressible(int length, Random random) {
        byte[] data = new byte[length];
        int i = 0;
        while (i < length) {
            int run = Math.min(length - i, 1 + random.nextInt(4096));
            int period = 1 + random.nextInt(16);
            byte[] pattern = new byte[period];
            if (random.nextInt(3) > 0) {
                random.nextBytes(pattern);
            }
            for (int j = 0; j < run; j++) {
                data[i + j] = pattern[j % period];
            }
            i += run;
            if (i < length && random.nextInt(8) == 0) {
                data[i++] = (byte) random.nextInt();
            }
        }
        return data;
    }

    private static byte[] text(int length, Random random) {
        String[] words = {"barman", "postgres", "wal", "segment", "archive", "backup", "recovery", "timeline",
            "checkpoint", "INSERT", "UPDATE", "pgbench_accounts", "0/16B3748", "\n"};
        StringBuilder text = new StringBuilder(length + 20);
        while (text.length() < length) {
            text.append(words[random.nextInt(words.length)]).append(' ');
        }
        return text.substring(0, length).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A property that may fail with an I/O error. */
    @FunctionalInterface
    interface IoConsumer<T> {
        void accept(T value) throws IOException;
    }

    /**
     * One generated input.
     *
     * @param shape what kind of input it is
     * @param data the bytes
     * @param seed decides chunk sizes, cut points and corrupted bytes
     */
    record Sample(Shape shape, byte[] data, long seed) {

        /** @return a random source for this sample's chunking, cutting and corrupting */
        Random random() {
            return new Random(seed ^ 0x5DEECE66DL);
        }

        /**
         * Writes the data in odd-sized pieces: single bytes through {@code write(int)}, small and large arrays.
         *
         * @param out where to write
         * @throws IOException when writing fails
         */
        void writeInChunks(OutputStream out) throws IOException {
            Random random = random();
            int position = 0;
            while (position < data.length) {
                int size = chunkSize(random, data.length - position);
                if (size == 1 && random.nextBoolean()) {
                    out.write(data[position]);
                } else {
                    out.write(data, position, size);
                }
                position += size;
            }
        }

        /**
         * Reads a stream to its end in odd-sized pieces, single-byte {@code read()} calls included.
         *
         * @param in what to read
         * @return every byte read
         * @throws IOException when reading fails
         */
        byte[] readInChunks(InputStream in) throws IOException {
            Random random = new Random(seed);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[200_000];
            while (true) {
                int size = chunkSize(random, buffer.length - 7);
                if (size == 1 && random.nextBoolean()) {
                    int b = in.read();
                    if (b < 0) {
                        return all.toByteArray();
                    }
                    all.write(b);
                } else {
                    int n = in.read(buffer, 7, size);
                    if (n < 0) {
                        return all.toByteArray();
                    }
                    all.write(buffer, 7, n);
                }
            }
        }

        private static int chunkSize(Random random, int remaining) {
            int size;
            switch (random.nextInt(4)) {
                case 0:
                    size = 1;
                    break;
                case 1:
                    size = 1 + random.nextInt(97);
                    break;
                case 2:
                    size = 1 + random.nextInt(70_000);
                    break;
                default:
                    size = 65_536 + random.nextInt(3);
                    break;
            }
            return Math.max(1, Math.min(size, remaining));
        }

        @Override
        public String toString() {
            return shape + " sample of " + data.length + " bytes (seed " + seed + ")";
        }
    }
}
