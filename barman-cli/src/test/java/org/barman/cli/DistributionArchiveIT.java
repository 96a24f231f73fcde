package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code barman-VERSION.tar.gz} as a DBA installs it: unpacked with {@code tar} into an empty folder, then
 * {@code bin/barman} run from there; its man pages read by {@code man}, its bash completion sourced by bash, its
 * sample configuration read by {@code list-server}.
 */
class DistributionArchiveIT {

    private static Path work;
    private static Path home;
    private static String version;

    @BeforeAll
    static void unpack() throws Exception {
        String archive = System.getProperty("barman.archive");
        version = System.getProperty("barman.version");
        if (archive == null || version == null || !Files.isRegularFile(Path.of(archive))) {
            fail("system properties barman.archive and barman.version must name the built barman-VERSION.tar.gz "
                    + "(run mvn verify)");
        }
        work = Files.createTempDirectory("barman-archive-it");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessRun untar = run(List.of("tar", "-xzf", archive, "-C", work.toString()), Map.of());
        assertThat(untar.exitCode()).as(untar.err()).isZero();
        home = work.resolve("barman-" + version);
    }

    @AfterAll
    static void cleanUp() {
        TempFolders.deleteRecursively(work);
    }

    @Test
    void theArchiveHoldsOneFolderWithEveryPart() throws IOException {
        try (Stream<Path> top = Files.list(work)) {
            assertThat(top.map(path -> path.getFileName().toString())).containsExactly("barman-" + version);
        }
        assertThat(home.resolve("bin/barman")).isExecutable();
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/barman")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(home.resolve("lib/barman-cli-" + version + ".jar")).isRegularFile();
        assertThat(home.resolve("lib/barman.jsa")).as("the class-data sharing archive").isNotEmptyFile();
        assertThat(home.resolve("plugins")).isEmptyDirectory();
        assertThat(home.resolve("conf/barman.conf")).isRegularFile();
        assertThat(home.resolve("conf/barman.d/main.conf")).isRegularFile();
        assertThat(home.resolve("conf/cron.d/barman")).content().contains("barman -q cron");
        assertThat(home.resolve("conf/systemd/barman-cron.timer")).isRegularFile();
        assertThat(home.resolve("conf/logrotate.d/barman")).isRegularFile();
        assertThat(home.resolve("man/asciidoc/barman.adoc")).content().contains("barman");
        assertThat(home.resolve("man/asciidoc/barman-recover.adoc")).content().contains("--target-time");
    }

    @Test
    void versionAndListServerRunFromTheUnpackedFolder() throws Exception {
        ProcessRun version = barman(List.of(), "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.text()).isEqualTo("Barman for Java " + DistributionArchiveIT.version + "\n");
        assertThat(version.err()).as("standard error of --version (cron mails whatever a command prints there)")
                .isEmpty();

        ProcessRun servers = barman(asBarmanUser(), "-c", home.resolve("conf/barman.conf").toString(),
                "list-server");
        assertThat(servers.exitCode()).as(servers.err()).isZero();
        assertThat(servers.err()).as("standard error of list-server").doesNotContain("[warning]");
        assertThat(servers.text()).isEqualTo("""
                local - PostgreSQL on the backup host
                main - Main PostgreSQL Database
                standby - Primary pg-primary, backed up from its standby pg-standby
                """);
    }

    @Test
    void manReadsBothManPages() throws Exception {
        ProcessRun barman = run(List.of("man", "-l", home.resolve("man/man1/barman.1").toString()),
                Map.of("MANPAGER", "cat", "MANWIDTH", "100", "LC_ALL", "C.UTF-8"));
        assertThat(barman.exitCode()).as(barman.err()).isZero();
        assertThat(barman.text()).contains("barman - backup and recovery manager for PostgreSQL", "COMMANDS",
                "barman get-wal", "--remote-ssh-command", "EXIT STATUS");

        ProcessRun conf = run(List.of("man", "-l", home.resolve("man/man5/barman.conf.5").toString()),
                Map.of("MANPAGER", "cat", "MANWIDTH", "100", "LC_ALL", "C.UTF-8"));
        assertThat(conf.exitCode()).as(conf.err()).isZero();
        assertThat(conf.text()).contains("barman.conf - Barman for Java configuration file", "GLOBAL OPTIONS",
                "barman_home", "reuse_backup", "retention_policy");
    }

    @Test
    void theBashCompletionCompletesCommandsAndOptions() throws Exception {
        Path script = home.resolve("etc/bash_completion.d/barman");
        String bash = "source '" + script + "' 2>/dev/null\n"
                + "complete -p barman\n"
                + "COMP_WORDS=(barman rec); COMP_CWORD=1; _complete_barman 2>/dev/null\n"
                + "echo \"commands: $(printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' ')\"\n"
                + "COMP_WORDS=(barman recover --target-n); COMP_CWORD=2; _complete_barman 2>/dev/null\n"
                + "echo \"options: ${COMPREPLY[*]}\"\n";
        ProcessRun result = run(List.of("bash", "-c", bash), Map.of());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.text()).contains("-F _complete_barman barman\n")
                .contains("commands: receive-wal recover \n").contains("options: --target-name\n");
    }

    private static ProcessRun barman(List<String> prefix, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(home.resolve("bin/barman").toString());
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /** Runs a command with standard output and error in java.io.tmpdir, not in the unpacked folder. */
    private static ProcessRun run(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return ProcessRun.of(builder, Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(120));
    }

    /** The sample configuration says barman_user = barman: run as that user, created when missing (needs root). */
    private static List<String> asBarmanUser() throws IOException, InterruptedException {
        if (System.getProperty("user.name").equals("barman")) {
            return List.of();
        }
        assertThat(System.getProperty("user.name")).as("creating the barman user needs root").isEqualTo("root");
        if (new ProcessBuilder("id", "barman").start().waitFor() != 0) {
            Process add = new ProcessBuilder("useradd", "--system", "--user-group", "--home-dir", "/var/lib/barman",
                    "--shell", "/bin/sh", "barman").inheritIO().start();
            assertThat(add.waitFor()).as("useradd barman").isZero();
        }
        return List.of("runuser", "-u", "barman", "--");
    }
}
