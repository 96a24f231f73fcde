package org.barman.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short commands to completion, capturing their output in files so that nothing can block. */
final class Processes {

    private Processes() {
    }

    static ProcessResult run(List<String> command, Path workDir, Map<String, String> environment, Duration timeout) {
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("barman-testkit-", ".out");
            stderr = Files.createTempFile("barman-testkit-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            if (environment != null) {
                builder.environment().clear();
                builder.environment().putAll(environment);
            }
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("command did not finish within " + timeout + ": " + command
                        + "\n" + read(stdout) + read(stderr));
            }
            return new ProcessResult(process.exitValue(), read(stdout), read(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Runs a command and fails with its output when it does not exit with 0. */
    static ProcessResult check(List<String> command, Path workDir, Map<String, String> environment, Duration timeout) {
        ProcessResult result = run(command, workDir, environment, timeout);
        if (!result.succeeded()) {
            throw new IllegalStateException("command failed with exit code " + result.exitCode() + ": "
                    + String.join(" ", command) + "\n" + result.output());
        }
        return result;
    }

    /** Sends a signal (INT, QUIT, TERM, KILL...) to a process the JVM may not own directly. */
    static void signal(long pid, String signal) {
        run(List.of("kill", "-s", signal, Long.toString(pid)), null, null, Duration.ofSeconds(30));
    }

    private static String read(Path file) throws IOException {
        return file == null ? "" : Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file in java.io.tmpdir: the OS cleans it eventually
            }
        }
    }
}
