package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passwords written in the configuration (in {@code conninfo}, a {@code postgresql://} URI, {@code ssh_command}
 * and hook scripts' environment) and on the command line never reach standard output, standard error or
 * {@code log_file} (nor the {@code error} of a failed backup's {@code backup.info}, which {@code show-backup}
 * prints): every command of the built distribution runs against a real PostgreSQL 15, plainly, with {@code -d}
 * and with {@code -f json}, and the test reads everything it printed and logged.
 */
class ConfiguredPasswordsIT {

    private static final List<String> SECRETS = List.of("PW-conninfo-1", "PW-streaming-2", "PW-hook-3",
            "PW-hook-4", "PW-uri-5", "PW-ssh-6", "PW-arg-7", "PW-global-8");

    private static Path work;
    private static BuiltDistribution distribution;
    private static Path config;
    private static Path log;
    private static PostgresCluster pg;

    /** What one command printed, its standard output read byte for byte (Latin-1), as get-wal prints binary. */
    private record Result(List<String> args, int exitCode, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("barman-passwords");
        distribution = BuiltDistribution.copyForPostgres(work.resolve("dist"));
        Path incoming = work.resolve("home/main/incoming");
        Files.createDirectories(incoming);
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f").start();
        config = work.resolve("barman.conf");
        log = work.resolve("home/barman.log");
        String ssh = "ssh -o BatchMode=yes -o ConnectTimeout=5 -p 1 postgres@127.0.0.1";
        Files.writeString(config, """
                [barman]
                barman_home = %1$s
                barman_user = postgres
                log_file = %2$s
                log_level = DEBUG
                post_archive_script = env PGPASSWORD="PW-global-8" true

                [main]
                description = "Passwords everywhere"
                conninfo = %3$s password=PW-conninfo-1
                streaming_conninfo = %3$s password='PW-streaming-2'
                pre_backup_script = PGPASSWORD=PW-hook-3 true
                post_backup_script = env PGPASSWORD='PW-hook-4' true

                [uri]
                conninfo = postgresql://postgres:PW-uri-5@127.0.0.1:%4$d/postgres

                [remote]
                conninfo = %3$s password=PW-conninfo-1
                ssh_command = env PGPASSWORD=PW-ssh-6 %5$s
                """.formatted(work.resolve("home"), log, pg.conninfo(), pg.port(), ssh));
        PostgresCluster.grantToClusterUser(work);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    @Test
    void noCommandPrintsOrLogsAPasswordOfTheConfigurationOrOfTheCommandLine() throws Exception {
        List<Result> results = new ArrayList<>();
        int variant = 0;
        for (List<String> globalOptions : List.of(List.<String>of(), List.of("-d"), List.of("-f", "json"))) {
            variant++;
            String wal = pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
            results.add(barman(globalOptions, "list-server"));
            results.add(barman(globalOptions, "show-server", "all"));
            results.add(barman(globalOptions, "check", "all"));
            results.add(barman(globalOptions, "check", "--nagios", "all"));
            results.add(barman(globalOptions, "diagnose"));
            results.add(barman(globalOptions, "backup", "main"));
            results.add(barman(globalOptions, "backup", "uri"));
            results.add(barman(globalOptions, "backup", "remote"));
            results.add(barman(globalOptions, "cron"));
            results.add(barman(globalOptions, "archive-wal", "all"));
            results.add(barman(globalOptions, "list-backup", "all"));
            results.add(barman(globalOptions, "show-backup", "remote", "oldest"));
            results.add(barman(globalOptions, "show-backup", "main", "latest"));
            results.add(barman(globalOptions, "list-files", "main", "latest"));
            results.add(barman(globalOptions, "rebuild-xlogdb", "main"));
            results.add(barman(globalOptions, "get-wal", "main", wal));
            results.add(barman(globalOptions, "get-wal", "main", "0000000100000000000000FF"));
            results.add(barman(globalOptions, "recover", "main", "latest",
                    work.resolve("recovered-" + variant).toString()));
            results.add(barman(globalOptions, "recover", "--remote-ssh-command",
                    "env PGPASSWORD=PW-arg-7 ssh -o BatchMode=yes -p 1 postgres@127.0.0.1", "uri", "latest",
                    "/tmp/never-" + variant));
            results.add(barman(globalOptions, "delete", "uri", "oldest"));
        }

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        List<String> leaks = new ArrayList<>();
        for (String secret : SECRETS) {
            for (Result result : results) {
                if (result.out().contains(secret)) {
                    leaks.add(secret + " in the standard output of barman " + String.join(" ", result.args()));
                }
                if (result.err().contains(secret)) {
                    leaks.add(secret + " in the standard error of barman " + String.join(" ", result.args()));
                }
            }
            logged.lines().filter(line -> line.contains(secret)).forEach(line -> leaks.add("log_file: " + line));
            try (Stream<Path> files = Files.walk(work.resolve("home"))) {
                for (Path info : files.filter(path -> path.endsWith("backup.info")).toList()) {
                    if (Files.readString(info, StandardCharsets.UTF_8).contains(secret)) {
                        leaks.add(secret + " in " + info);
                    }
                }
            }
        }
        assertThat(leaks).as("passwords printed or logged").isEmpty();

        Result show = results.get(1);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("\tconninfo = " + pg.conninfo() + " password=********\n")
                .contains("\tssh_command = env PGPASSWORD=******** ssh ")
                .contains("\tpre_backup_script = PGPASSWORD=******** true\n")
                .contains("\tconninfo = user=postgres password=******** host=127.0.0.1 port=" + pg.port()
                        + " dbname=postgres\n");
        Result backup = results.get(5);
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(logged).contains("Running pre_backup_script of server main: PGPASSWORD=******** true");
        Result remoteBackup = results.get(7);
        assertThat(remoteBackup.exitCode()).isNotZero();
        assertThat(remoteBackup.err()).contains("PGPASSWORD=********");
    }

    private static Result barman(List<String> globalOptions, String... args) throws Exception {
        List<String> barmanArgs = new ArrayList<>(globalOptions);
        barmanArgs.addAll(List.of(args));
        List<String> command = distribution.asPostgres(config, barmanArgs);
        ProcessRun run = ProcessRun.of(command, work, Duration.ofMinutes(5));
        return new Result(command.subList(4, command.size()), run.exitCode(),
                new String(run.out(), StandardCharsets.ISO_8859_1), run.err());
    }
}
