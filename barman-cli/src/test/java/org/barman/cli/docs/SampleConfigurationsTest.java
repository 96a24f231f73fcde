package org.barman.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.barman.cli.BarmanCommand;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The sample configurations of {@code examples/conf} (shipped in the distribution's {@code conf/}), read by the
 * real configuration loader and the real command-line parser, so that they never rot: a renamed option, a value
 * the loader refuses, or a command the parser no longer knows fails here.
 */
class SampleConfigurationsTest {

    private static Path conf() {
        String property = System.getProperty("barman.examples");
        if (property == null) {
            fail("system property barman.examples must name the repository's examples/ folder (surefire sets it)");
        }
        return Path.of(property, "conf");
    }

    @Test
    void theSampleBarmanConfAndItsServerFilesLoadWithoutAWarning() {
        Barman barman = Barman.load(conf().resolve("barman.conf"));

        assertThat(barman.config().warnings()).as("warnings of the sample configuration").isEmpty();
        assertThat(barman.servers("all").stream().map(Server::name)).containsExactly("local", "main", "standby");
        assertThat(barman.config().global().get(ConfigOptions.BARMAN_USER)).isEqualTo("barman");
        assertThat(barman.config().global().get(ConfigOptions.LOG_FILE))
                .isEqualTo(Path.of("/var/log/barman/barman.log"));

        Map<String, String> main = barman.server("main").effectiveOptions();
        assertThat(main).containsEntry("ssh_command", "ssh postgres@pg").containsEntry("compression", "gzip")
                .containsEntry("reuse_backup", "link").containsEntry("transport", "rsync")
                .containsEntry("incoming_wals_directory", "/var/lib/barman/main/incoming");
        Map<String, String> local = barman.server("local").effectiveOptions();
        assertThat(local).containsEntry("transport", "local").containsEntry("compression", "zstd");
        assertThat(barman.server("local").config().get(ConfigOptions.RECOVERY_OPTIONS)).containsExactly("get-wal");
        assertThat(barman.server("standby").config().get(ConfigOptions.BACKUP_OPTIONS))
                .containsExactly("concurrent_backup");
    }

    @Test
    void theCronLinesRunBarmanCommandsAsTheBarmanUserEveryMinute() throws IOException {
        List<String[]> entries = new ArrayList<>();
        for (String line : Files.readAllLines(conf().resolve("cron.d/barman"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#") || line.matches("[A-Z_]+=.*")) {
                continue;
            }
            entries.add(line.trim().split("\\s+"));
        }
        assertThat(entries).hasSize(2);
        String[] cron = entries.get(0);
        assertThat(Arrays.copyOfRange(cron, 0, 6)).containsExactly("*", "*", "*", "*", "*", "barman");
        for (String[] entry : entries) {
            assertThat(entry[5]).as("user of a cron.d line").isEqualTo("barman");
            assertThat(entry[6]).as("command of a cron.d line").isEqualTo("/opt/barman/bin/barman");
            assertParses(Arrays.copyOfRange(entry, 7, entry.length));
        }
        assertThat(Arrays.copyOfRange(cron, 7, cron.length)).containsExactly("-q", "cron");
    }

    @Test
    void theSystemdTimerStartsBarmanCronEveryMinuteAsBarman() throws IOException {
        Map<String, String> service = unit("systemd/barman-cron.service");
        Map<String, String> timer = unit("systemd/barman-cron.timer");

        assertThat(service).containsEntry("Type", "oneshot").containsEntry("User", "barman");
        String[] exec = service.get("ExecStart").split("\\s+");
        assertThat(exec[0]).isEqualTo("/opt/barman/bin/barman");
        assertParses(Arrays.copyOfRange(exec, 1, exec.length));
        assertThat(Arrays.copyOfRange(exec, 1, exec.length)).containsExactly("-q", "cron");
        assertThat(timer).containsEntry("OnCalendar", "*-*-* *:*:00").containsEntry("WantedBy", "timers.target");
    }

    @Test
    void logrotateRotatesTheSampleLogFileAsTheBarmanUser() throws IOException {
        String logrotate = String.join("\n", Files.readAllLines(conf().resolve("logrotate.d/barman"),
                StandardCharsets.UTF_8).stream().filter(line -> !line.startsWith("#")).toList()) + "\n";
        Path logFile = Barman.load(conf().resolve("barman.conf")).config().global().get(ConfigOptions.LOG_FILE);

        assertThat(logrotate).startsWith(logFile + " {\n").contains("\n    su barman barman\n")
                .contains("\n    create 0600 barman barman\n").doesNotContain("copytruncate");
    }

    private static void assertParses(String... args) {
        CommandLine commandLine = new CommandLine(new BarmanCommand());
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        assertThat(result.hasSubcommand()).as("%s names a command", List.of(args)).isTrue();
    }

    private static Map<String, String> unit(String name) throws IOException {
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(conf().resolve(name), StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                entries.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
            }
        }
        return entries;
    }
}
