package org.barman.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run behind the distribution's class-data sharing archive ({@code lib/barman.jsa}): the build runs
 * it once with {@code -XX:ArchiveClassesAtExit}, so that the classes the common commands load are mapped from the
 * archive instead of read from the jars. It archives a WAL file with every built-in compression and reads it back
 * with {@code get-wal}, which PostgreSQL runs once per WAL file during a recovery, and runs the commands cron and
 * DBAs run most. Not a command of its own.
 */
final class CdsTraining {

    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "bzip2", "xz", "zstd", "lz4");
    private static final String WAL = "000000010000000000000001";

    private CdsTraining() {
    }

    /**
     * @param args ignored
     * @throws IOException when the temporary files cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("barman-cds-training");
        try {
            Path config = home.resolve("barman.conf");
            StringBuilder text = new StringBuilder("[barman]\nbarman_home = " + home + "\nbarman_user = "
                    + System.getProperty("user.name") + "\n");
            for (String compression : COMPRESSIONS) {
                text.append("\n[").append(compression).append("]\nconninfo = host=127.0.0.1\n");
                if (!compression.equals("none")) {
                    text.append("compression = ").append(compression).append('\n');
                }
                Path incoming = home.resolve(compression).resolve("incoming");
                Files.createDirectories(incoming);
                byte[] segment = new byte[1024 * 1024];
                for (int i = 0; i < segment.length; i += 8192) {
                    segment[i] = (byte) i;
                }
                Files.write(incoming.resolve(WAL), segment);
            }
            Files.writeString(config, text);
            PrintWriter quiet = new PrintWriter(Writer.nullWriter());
            run(quiet, "-c", config.toString(), "-q", "cron");
            for (String compression : COMPRESSIONS) {
                run(quiet, "-c", config.toString(), "get-wal", compression, WAL);
            }
            run(quiet, "-c", config.toString(), "get-wal", "none", "000000010000000000000009");
            run(quiet, "-c", config.toString(), "list-server");
            run(quiet, "-c", config.toString(), "show-server", "all");
            run(quiet, "-c", config.toString(), "list-backup", "all");
            run(quiet, "--help");
        } finally {
            try (Stream<Path> paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(PrintWriter quiet, String... args) {
        Main.run(args, quiet, quiet, OutputStream.nullOutputStream());
    }
}
