package org.barman.examples.snappy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the plug-in SPI, kept end to end: a copy of the real Barman distribution knows nothing of
 * {@code compression = snappy} until this plug-in's jar is dropped into its {@code plugins/} folder, and then it
 * does, without any other change.
 *
 * <p>Needs the system property {@code barman.distribution}: the folder with {@code bin/barman}, {@code lib/} and
 * {@code plugins/} that barman-cli builds; and {@code plugin.jar}, this project's jar. Maven's failsafe sets both.
 */
class PluginInDistributionIT {

    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path work;

    @Test
    void droppingTheJarIntoPluginsMakesCompressionSnappyWork() throws Exception {
        Path barman = copyOfDistribution();
        Path jar = pluginJar();
        Files.copy(jar, barman.resolve("plugins").resolve(jar.getFileName()));

        Result result = run(barman, configuration("snappy"), "show-server", "main");

        assertThat(result.exitCode()).as("exit code of barman show-server with the plug-in; output:%n%s", result)
                .isZero();
        assertThat(result.stdout()).as("show-server output").containsPattern("compression\\s*[=:]\\s*snappy");
    }

    @Test
    void withoutTheJarCompressionSnappyFailsListingTheAvailableCompressors() throws Exception {
        Path barman = copyOfDistribution();

        Result result = run(barman, configuration("snappy"), "show-server", "main");

        assertThat(result.exitCode()).as("exit code of barman show-server without the plug-in; output:%n%s", result)
                .isNotZero();
        assertThat(result.stderr()).as("error of barman show-server without the plug-in")
                .contains("snappy")
                .contains("gzip", "bzip2", "xz", "zstd", "lz4", "custom");
    }

    /** A copy of the distribution, so that the plug-in never lands in the real one. */
    private Path copyOfDistribution() throws IOException {
        String property = System.getProperty("barman.distribution");
        if (property == null || property.isBlank() || property.startsWith("${")) {
            fail("system property barman.distribution is not set: run this test with "
                    + "-Dbarman.distribution=<the folder barman-cli builds, with bin/barman, lib/ and plugins/>");
        }
        Path distribution = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isExecutable(distribution.resolve("bin/barman")) || !Files.isDirectory(distribution.resolve("lib"))
                || !Files.isDirectory(distribution.resolve("plugins"))) {
            fail("barman.distribution = " + distribution + " is not a Barman distribution (bin/barman, lib/, "
                    + "plugins/): build barman-cli first");
        }
        Path copy = work.resolve("barman");
        try (Stream<Path> files = Files.walk(distribution)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(distribution.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        try (Stream<Path> plugins = Files.list(copy.resolve("plugins"))) {
            assertThat(plugins.filter(path -> path.getFileName().toString().contains("snappy")))
                    .as("snappy jars already in the distribution's plugins/").isEmpty();
        }
        return copy;
    }

    private static Path pluginJar() {
        String property = System.getProperty("plugin.jar");
        if (property == null || property.isBlank() || !Files.isRegularFile(Path.of(property))) {
            fail("system property plugin.jar must name this project's packaged jar (mvn verify sets it), was: "
                    + property);
        }
        return Path.of(property);
    }

    /** A barman.conf as in Barman's guide, with {@code compression} set and a PostgreSQL that is not running. */
    private Path configuration(String compression) throws IOException {
        Path home = Files.createDirectories(work.resolve("home"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String conf = String.join("\n",
                "[barman]",
                "barman_home = " + home,
                "barman_user = " + System.getProperty("user.name"),
                "log_file = " + work.resolve("barman.log"),
                "log_level = INFO",
                "compression = " + compression,
                "",
                "[main]",
                "description = \"Main PostgreSQL Database\"",
                "ssh_command = ssh postgres@127.0.0.1",
                "conninfo = host=127.0.0.1 port=" + closedPort + " user=postgres dbname=postgres connect_timeout=2",
                "");
        return Files.writeString(work.resolve("barman.conf"), conf, StandardCharsets.UTF_8);
    }

    private Result run(Path barman, Path conf, String... command) throws IOException, InterruptedException {
        List<String> arguments = new java.util.ArrayList<>(List.of(barman.resolve("bin/barman").toString(), "-c",
                conf.toString()));
        arguments.addAll(List.of(command));
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(arguments).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("HOME", work.toString());
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(arguments + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** What the command did. */
    private record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
