package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The distribution this build made (system property {@code barman.distribution}: {@code bin/barman}, {@code lib/},
 * {@code plugins/}), copied into a test's work folder, where other OS users can run it.
 *
 * @param folder the copy
 */
record BuiltDistribution(Path folder) {

    /** Copies the built distribution into {@code folder}. */
    static BuiltDistribution copyInto(Path folder) throws IOException {
        String property = System.getProperty("barman.distribution");
        if (property == null || !Files.isExecutable(Path.of(property, "bin", "barman"))) {
            fail("system property barman.distribution must name the built distribution (run mvn verify)");
        }
        copyTree(Path.of(property), folder);
        return new BuiltDistribution(folder);
    }

    /** Copies the built distribution into {@code folder} for a test that runs it as postgres, which needs root. */
    static BuiltDistribution copyForPostgres(Path folder) throws IOException {
        assertThat(System.getProperty("user.name")).as("this test runs Barman as postgres: it needs root")
                .isEqualTo("root");
        return copyInto(folder);
    }

    /** @return the copy's {@code bin/barman} */
    Path barman() {
        return folder.resolve("bin/barman");
    }

    /** @return {@code runuser -u postgres -- bin/barman -c config args...} */
    List<String> asPostgres(Path config, List<String> args) {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", barman().toString(), "-c",
                config.toString()));
        command.addAll(args);
        return command;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
