package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution as a DBA runs it: {@code bin/barman} as a process, with the guide's example configuration.
 */
class DistributionIT {

    private static BuiltDistribution distribution;
    private static Path work;

    @BeforeAll
    static void copyDistribution() throws IOException {
        work = Files.createTempDirectory("barman-dist-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        distribution = BuiltDistribution.copyInto(work.resolve("barman"));
    }

    @AfterAll
    static void removeWork() {
        TempFolders.deleteRecursively(work);
    }

    static ProcessRun run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(distribution.barman().toString());
        command.addAll(List.of(args));
        return ProcessRun.of(command, work, Duration.ofSeconds(60));
    }

    private static Path guideConfig() throws IOException {
        Path file = work.resolve("barman.conf");
        Files.writeString(file, """
                [barman]
                barman_home = /var/lib/barman
                barman_user = barman
                log_file = /var/log/barman/barman.log
                compression = gzip
                reuse_backup = link
                minimum_redundancy = 1

                [main]
                description = "Main PostgreSQL Database"
                ssh_command = ssh postgres@pg
                conninfo = host=pg user=postgres
                """);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Runs as the {@code barman} OS user (created when missing), as the guide's configuration requires. */
    private static List<String> asBarmanUser() throws IOException, InterruptedException {
        if (System.getProperty("user.name").equals("barman")) {
            return List.of();
        }
        createBarmanUser();
        return List.of("runuser", "-u", "barman", "--");
    }

    /** Creates the {@code barman} OS user when it is missing (needs root). */
    private static void createBarmanUser() throws IOException, InterruptedException {
        assertThat(System.getProperty("user.name")).as("creating the barman user needs root").isEqualTo("root");
        if (new ProcessBuilder("id", "barman").start().waitFor() != 0) {
            Process add = new ProcessBuilder("useradd", "--system", "--user-group", "--home-dir", "/var/lib/barman",
                    "--shell", "/bin/sh", "barman").inheritIO().start();
            assertThat(add.waitFor()).as("useradd barman").isZero();
        }
    }

    @Test
    void theGuidesExampleListsAndShowsTheServer() throws Exception {
        Path config = guideConfig();
        List<String> barman = asBarmanUser();
        ProcessRun list = run(barman, "-c", config.toString(), "list-server");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.text()).isEqualTo("main - Main PostgreSQL Database\n");

        ProcessRun show = run(barman, "-c", config.toString(), "show-server", "main");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.text()).contains("\tincoming_wals_directory = /var/lib/barman/main/incoming\n");
    }

    @Test
    void rootRunsTheGuidesExampleAsBarmanUser() throws Exception {
        Path config = guideConfig();
        createBarmanUser();
        ProcessRun list = run(List.of(), "-c", config.toString(), "list-server");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.text()).isEqualTo("main - Main PostgreSQL Database\n");

        ProcessRun diagnose = run(List.of(), "-c", config.toString(), "diagnose");
        assertThat(diagnose.exitCode()).as(diagnose.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(diagnose.text())
                .at("/global/system_info/user").asText()).isEqualTo("barman");

        ProcessRun unknown = run(List.of(), "-c", config.toString(), "show-server", "nowhere");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.text()).isEmpty();
        assertThat(unknown.err()).as("the error, after the warning that barman cannot write /var/log/barman")
                .endsWith("ERROR: unknown server 'nowhere' (configured servers: main)\n");
    }

    @Test
    void aUserOtherThanBarmanUserIsRefused() throws Exception {
        Path config = guideConfig();
        createBarmanUser();
        ProcessRun result = run(List.of("runuser", "-u", "postgres", "--"), "-c", config.toString(), "list-server");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.text()).isEmpty();
        assertThat(result.err()).startsWith("ERROR: barman must run as user 'barman' (barman_user in " + config
                + "), not as 'postgres'");
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void theLauncherSetsUmask077() throws Exception {
        Path bin = Files.createDirectories(work.resolve("umask-bin"));
        Path rsync = bin.resolve("rsync");
        Files.writeString(rsync, "#!/bin/sh\necho \"rsync umask $(umask)\"\n");
        Files.setPosixFilePermissions(rsync, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = work.resolve("umask.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + work.resolve("umask-home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n[main]\nconninfo = host=pg\n");
        List<String> command = List.of("sh", "-c", "umask 022 && PATH=" + bin + ":$PATH exec \"$0\" \"$@\"",
                distribution.barman().toString(), "-c", config.toString(), "diagnose");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out)
                .at("/global/system_info/rsync_ver").asText()).isEqualTo("rsync umask 0077");
    }

    @Test
    void errorsAreOneLineWithANonZeroExit() throws Exception {
        Path bad = work.resolve("bad.conf");
        Files.writeString(bad, "[barman]\nbarman_user = root\n[main]\nconninfo = h\nimmediate_checkpoint = maybe\n");
        ProcessRun result = run(List.of(), "-c", bad.toString(), "list-server");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).isEqualTo("ERROR: " + bad + " [main] immediate_checkpoint: invalid value 'maybe' "
                + "(not a boolean): expected a boolean\n");
    }

    @Test
    void theVersionIsPrinted() throws Exception {
        ProcessRun result = run(List.of(), "--version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.text()).matches("Barman for Java \\d+\\.\\d+\\.\\d+.*\n");
    }
}
