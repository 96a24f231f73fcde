package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private Path config(String content) throws IOException {
        Path file = dir.resolve("barman.conf");
        Files.writeString(file, content);
        return file;
    }

    private Path guideConfig() throws IOException {
        return config("""
                [barman]
                barman_home = /var/lib/barman
                barman_user = %s
                log_file = %s
                compression = gzip
                reuse_backup = link
                minimum_redundancy = 1

                [main]
                description = "Main PostgreSQL Database"
                ssh_command = ssh postgres@pg
                conninfo = host=pg user=postgres
                """.formatted(System.getProperty("user.name"), dir.resolve("log/barman.log")));
    }

    @Test
    void listServerPrintsNameAndDescription() throws IOException {
        CliRun run = CliRun.of("-c", guideConfig().toString(), "list-server");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("main - Main PostgreSQL Database\n");
    }

    @Test
    void showServerPrintsEveryEffectiveOption() throws IOException {
        CliRun run = CliRun.of("-c", guideConfig().toString(), "show-server", "main");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Server main:\n")
                .contains("\tincoming_wals_directory = /var/lib/barman/main/incoming\n")
                .contains("\tcompression = gzip\n")
                .contains("\treuse_backup = link\n")
                .contains("\tbackup_options = concurrent_backup\n")
                .contains("\tbasebackup_retry_times = 0\n")
                .contains("\tbasebackup_retry_sleep = 30\n")
                .contains("\tretention_policy = None\n");
    }

    @Test
    void showServerAllAndJsonFormat() throws IOException {
        Path file = config("""
                [barman]
                barman_home = /b
                barman_user = %s
                [one]
                conninfo = host=1
                retention_policy = redundancy 2
                [two]
                conninfo = host=2
                """.formatted(System.getProperty("user.name")));
        CliRun all = CliRun.of("-c", file.toString(), "show-server", "all");
        assertThat(all.out()).contains("Server one:\n").contains("Server two:\n")
                .contains("\tretention_policy = REDUNDANCY 2\n");
        CliRun json = CliRun.of("-c", file.toString(), "-f", "json", "show-server", "all");
        assertThat(json.exitCode()).isZero();
        JsonNode tree = new ObjectMapper().readTree(json.out());
        assertThat(tree.get("two").get("incoming_wals_directory").asText()).isEqualTo("/b/two/incoming");
    }

    @Test
    void diagnosePrintsConfigurationAndSystemFactsAsJson() throws IOException {
        CliRun run = CliRun.of("-c", guideConfig().toString(), "diagnose");
        assertThat(run.exitCode()).isZero();
        JsonNode tree = new ObjectMapper().readTree(run.out());
        assertThat(tree.at("/global/config/barman_home").asText()).isEqualTo("/var/lib/barman");
        assertThat(tree.at("/global/system_info/java_ver").asText()).startsWith(System.getProperty("java.version"));
        assertThat(tree.at("/global/system_info/rsync_ver").asText()).isNotEmpty();
        assertThat(tree.at("/global/system_info/ssh_ver").asText()).isNotEmpty();
        assertThat(tree.at("/servers/main/config/incoming_wals_directory").asText())
                .isEqualTo("/var/lib/barman/main/incoming");
        assertThat(tree.at("/servers/main/status/backups").asInt()).isZero();
        assertThat(tree.at("/servers/main/status/wal_files").asInt()).isZero();
    }

    @Test
    void aServerNamedAllIsAOneLineErrorWithANonZeroExit() throws IOException {
        Path file = config("[barman]\n[all]\nconninfo = host=x\n");
        CliRun run = CliRun.of("-c", file.toString(), "list-server");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ERROR: " + file + ": [all] cannot be a server name: 'all' and 'barman' "
                + "are reserved\n");
    }

    @Test
    void anUnreadableFileIsAOneLineError() {
        Path missing = dir.resolve("nope.conf");
        CliRun run = CliRun.of("-c", missing.toString(), "list-server");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).isEqualTo("ERROR: cannot read configuration file " + missing + ": no such file\n");
    }

    @Test
    void aBadBooleanIsAOneLineErrorNamingThePlace() throws IOException {
        Path file = config("[barman]\nbarman_user = x\n[main]\nconninfo = h\nnetwork_compression = sometimes\n");
        CliRun run = CliRun.of("-c", file.toString(), "show-server", "main");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).isEqualTo("ERROR: " + file + " [main] network_compression: invalid value "
                + "'sometimes' (not a boolean): expected a boolean\n");
    }

    @Test
    void aBadRetentionPolicyIsAOneLineErrorNamingThePlace() throws IOException {
        Path file = config("[barman]\n[main]\nconninfo = h\nretention_policy = REDUNDANCY two\n");
        CliRun run = CliRun.of("-c", file.toString(), "show-server", "main");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).startsWith("ERROR: " + file + " [main] retention_policy: invalid value "
                + "'REDUNDANCY two'").endsWith("| RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS\n");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        Path file = config("[barman]\n[main]\nconninfo = h\nretention_policy = nonsense\n");
        CliRun run = CliRun.of("-d", "-c", file.toString(), "show-server", "main");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).startsWith("ERROR: ").contains("\tat org.barman.core.config.ConfigLoader");
    }

    @Test
    void rootCannotSwitchToABarmanUserThatDoesNotExist() throws IOException {
        assertThat(System.getProperty("user.name")).as("the tests run as root").isEqualTo("root");
        Path file = config("[barman]\nbarman_user = nobody-here\n[main]\nconninfo = h\n");
        CliRun run = CliRun.of("-c", file.toString(), "list-server");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ERROR: barman_user 'nobody-here' (in " + file + ") is not a user of this "
                + "system: create it, or set barman_user to the OS user that owns barman_home\n");
    }

    @Test
    void anUnknownServerListsTheConfiguredOnes() throws IOException {
        CliRun run = CliRun.of("-c", guideConfig().toString(), "show-server", "other");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).isEqualTo("ERROR: unknown server 'other' (configured servers: main)\n");
    }

    @Test
    void theErrorThatEndsACommandIsAlsoInTheLogFileOnce() throws IOException {
        CliRun run = CliRun.of("-c", guideConfig().toString(), "show-server", "other");
        assertThat(run.err()).isEqualTo("ERROR: unknown server 'other' (configured servers: main)\n");
        assertThat(Files.readString(dir.resolve("log/barman.log"))).containsOnlyOnce(
                " barman.error ERROR: unknown server 'other' (configured servers: main)\n");
    }

    @Test
    void unknownOptionsAreWarningsOnStandardError() throws IOException {
        Path file = config("[barman]\nbarman_user = %s\n[main]\nconninfo = h\nfrobnicate = yes\n"
                .formatted(System.getProperty("user.name")));
        CliRun run = CliRun.of("-c", file.toString(), "list-server");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("main - \n");
        CliRun quiet = CliRun.of("-q", "-c", file.toString(), "list-server");
        assertThat(quiet.exitCode()).isZero();
    }

    @Test
    void noCommandOrABadOptionIsAUsageError() {
        CliRun none = CliRun.of();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).startsWith("ERROR: a command is required");
        CliRun bad = CliRun.of("--frobnicate");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("Unknown option: '--frobnicate'").contains("Try 'barman --help'");
        CliRun badFormat = CliRun.of("-f", "xml", "list-server");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err()).contains("console").contains("json");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"backup", "recover", "get-wal", "check", "cron", "list-backup"}) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: barman " + command);
        }
    }

    @Test
    void cronSkipsQuietlyWhenAnotherCronRuns() throws IOException {
        Path file = guideConfig();
        String home = dir.toString();
        Files.writeString(file, Files.readString(file).replace("barman_home = /var/lib/barman",
                "barman_home = " + home));
        try (var lock = org.barman.core.lock.Locks.cron(dir)) {
            CliRun run = CliRun.of("-c", file.toString(), "cron");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("Another barman cron is running: skipping this run (barman cron is "
                    + "already running (pid " + ProcessHandle.current().pid());
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void versionAndHelp() {
        CliRun version = CliRun.of("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("Barman for Java ").doesNotContain("unknown");
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("list-server").contains("show-server").contains("diagnose");
    }
}
