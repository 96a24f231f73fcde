package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;

/**
 * A PostgreSQL cluster with a tablespace {@code tbs1}, archiving its WAL into the {@code incoming/} of a Barman home
 * whose server {@code main} has {@code backup_method = postgres}: what the tests of that method start from.
 *
 * @param root the temporary folder of it all
 * @param pg the cluster
 * @param config the Barman configuration
 */
record PostgresMethodCluster(Path root, PostgresCluster pg, Path config) implements AutoCloseable {

    /**
     * @param prefix the temporary folder's name prefix
     * @param major the PostgreSQL major version (15 from Debian, the others from the test kit's binaries)
     * @return the started cluster, its tablespace created
     * @throws IOException when the folders or the configuration cannot be written
     */
    static PostgresMethodCluster start(String prefix, int major) throws IOException {
        Path root = Files.createTempDirectory(prefix);
        Path incoming = root.resolve("home/main/incoming");
        Path tablespace = root.resolve("tbs");
        Files.createDirectories(incoming);
        Files.createDirectories(tablespace);
        PostgresCluster.grantToClusterUser(root);
        PostgresCluster pg = PostgresCluster.builder().majorVersion(major).setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f").start();
        pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespace + "'");
        Path config = root.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo() + "\n"
                + "backup_method = postgres\n");
        return new PostgresMethodCluster(root, pg, config);
    }

    /**
     * Creates the table {@code in_tbs(id int, payload text)} in the tablespace and fills it.
     *
     * @param pg the cluster
     * @param rows how many rows, ids 1 to {@code rows}
     */
    static void fillTablespace(PostgresCluster pg, long rows) {
        pg.execute("CREATE TABLE in_tbs(id int, payload text) TABLESPACE tbs1");
        pg.execute("INSERT INTO in_tbs SELECT g, md5(g::text) FROM generate_series(1, " + rows + ") g");
    }

    /**
     * @param args the arguments after {@code -c <config>}
     * @return the run of the command line in this JVM, on this configuration
     */
    CliRun barman(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /**
     * Waits until a condition holds, failing the test after a while.
     *
     * @param wait how long at most
     * @param condition the condition
     * @param what what is awaited, for the failure's message
     * @throws InterruptedException when interrupted
     */
    static void await(Duration wait, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        pg.close();
        TempFolders.deleteRecursively(root);
    }
}
