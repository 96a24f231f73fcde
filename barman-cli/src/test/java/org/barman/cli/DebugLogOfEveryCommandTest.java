package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code log_level = DEBUG}, {@code log_file} shows every command that ran: its command line (passwords
 * masked), the OS user and the configuration files read; {@code check} adds each item's result. Commands that fail
 * (no PostgreSQL listens, no backup exists) are logged as well as those that succeed.
 */
class DebugLogOfEveryCommandTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandLogsItsCommandLineAndTheConfigurationFilesRead() throws IOException {
        Path log = dir.resolve("log/barman.log");
        Path serverFile = dir.resolve("barman.d/main.conf");
        Files.createDirectories(serverFile.getParent());
        Files.writeString(serverFile, """
                [main]
                description = "Main PostgreSQL Database"
                conninfo = host=127.0.0.1 port=1 user=postgres connect_timeout=2 password=PW-in-the-log
                """);
        Path config = dir.resolve("barman.conf");
        Files.writeString(config, """
                [barman]
                barman_home = %s
                barman_user = %s
                log_file = %s
                log_level = DEBUG
                configuration_files_directory = barman.d
                """.formatted(dir.resolve("home"), System.getProperty("user.name"), log));

        List<List<String>> commands = List.of(List.of("list-server"), List.of("show-server", "main"),
                List.of("check", "main"), List.of("diagnose"), List.of("backup", "main"),
                List.of("list-backup", "main"), List.of("show-backup", "main", "latest"),
                List.of("list-files", "main", "latest"), List.of("delete", "main", "oldest"),
                List.of("recover", "--remote-ssh-command", "env PGPASSWORD=PW-on-the-line ssh pg", "main", "latest",
                        dir.resolve("recovered").toString()),
                List.of("archive-wal", "main"), List.of("cron"), List.of("rebuild-xlogdb", "main"),
                List.of("get-wal", "main", "000000010000000000000001"), List.of("receive-wal", "main"),
                List.of("switch-wal", "--archive", "main"), List.of("replication-status", "main"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(List.of("-c", config.toString()));
            args.addAll(command);
            long before = Files.exists(log) ? Files.size(log) : 0;

            CliRun.of(args.toArray(String[]::new));

            String added = new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                    .substring((int) before);
            String line = "barman -c " + config + " " + String.join(" ", command);
            if (command.get(0).equals("recover")) {
                line = "barman -c " + config + " recover --remote-ssh-command 'env PGPASSWORD=******** ssh pg' main "
                        + "latest " + dir.resolve("recovered");
            }
            assertThat(added).as("log of barman %s", command)
                    .contains(" DEBUG: " + line + " (OS user " + System.getProperty("user.name") + ", pid ")
                    .contains(" DEBUG: configuration files read: " + config + ", " + serverFile + "\n")
                    .doesNotContain("PW-in-the-log").doesNotContain("PW-on-the-line");
            if (command.get(0).equals("check")) {
                assertThat(added).contains(" INFO: check of server main: PostgreSQL: FAILED (")
                        .contains(" DEBUG: check of server main: ");
            }
        }
    }
}
