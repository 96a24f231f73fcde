package org.barman.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command as a process of its own (the built distribution, {@code tar}, {@code man}, a shell), with
 * what it printed.
 *
 * @param exitCode the exit code
 * @param out standard output, byte for byte (get-wal prints a WAL segment there)
 * @param err standard error
 */
record ProcessRun(int exitCode, byte[] out, String err) {

    /** @return standard output decoded as UTF-8 */
    String text() {
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs a command in the test's own environment: see {@link #of(ProcessBuilder, Path, Duration)}. */
    static ProcessRun of(List<String> command, Path tempFolder, Duration timeout)
            throws IOException, InterruptedException {
        return of(new ProcessBuilder(command), tempFolder, timeout);
    }

    /**
     * Starts a process and waits for it. What it prints goes into files in {@code tempFolder}, deleted afterwards,
     * so that no output is too large for it to finish; a process still running after {@code timeout} is killed
     * and fails the test.
     */
    static ProcessRun of(ProcessBuilder builder, Path tempFolder, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(tempFolder, "out", ".bin");
        Path err = Files.createTempFile(tempFolder, "err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", builder.command()) + " did not finish within " + timeout);
            }
            return new ProcessRun(process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
