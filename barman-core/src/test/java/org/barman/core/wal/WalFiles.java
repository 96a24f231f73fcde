package org.barman.core.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Fake but real-sized WAL files for tests that do not need PostgreSQL. */
final class WalFiles {

    static final int SEGMENT_SIZE = 16 * 1024 * 1024;

    private WalFiles() {
    }

    /** Writes a 16 MiB segment whose content depends on the seed: half random, half zeros, as WAL often is. */
    static byte[] write(Path file, long seed) throws IOException {
        byte[] content = new byte[SEGMENT_SIZE];
        new Random(seed).nextBytes(content);
        java.util.Arrays.fill(content, SEGMENT_SIZE / 2, SEGMENT_SIZE, (byte) 0);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return content;
    }
}
