package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code barman check} and {@code barman backup} of a server with {@code backup_method = postgres}, on a real
 * PostgreSQL 15 with two WAL senders: the replication items ({@code PostgreSQL streaming},
 * {@code replication privilege}, {@code max_wal_senders}, {@code backup_method}) whether WAL is streamed or not,
 * each once; and one clear line when the role lacks REPLICATION or pg_hba.conf refuses it, without retries.
 */
class PostgresBackupMethodChecksIT {

    static Path root;
    static PostgresCluster pg;

    @BeforeAll
    static void cluster() throws Exception {
        root = Files.createTempDirectory("barman-postgres-method-checks-it");
        PostgresCluster.grantToClusterUser(root);
        pg = PostgresCluster.builder().setting("max_wal_senders", "2").start();
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(root);
    }

    private static Path config(String name, String... options) throws Exception {
        Path home = root.resolve(name);
        Files.createDirectories(home);
        Path file = home.resolve("barman.conf");
        Files.writeString(file, "[barman]\nbarman_home = " + home.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo() + "\n"
                + "backup_method = postgres\n" + String.join("\n", options) + "\n");
        return file;
    }

    private static CliRun barman(Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static int occurrences(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    @Test
    void aPostgresBackupServerThatStreamsNoWalGetsTheReplicationItems() throws Exception {
        CliRun check = barman(config("no_streaming"), "check", "main");

        assertThat(check.out()).contains("\tPostgreSQL streaming: OK\n",
                "\treplication privilege: OK (role 'postgres')\n", "\tmax_wal_senders: OK (",
                "\tbackup_method: OK (postgres)\n");
    }

    @Test
    void aPostgresBackupServerThatAlsoStreamsWalGetsEachReplicationItemOnce() throws Exception {
        CliRun check = barman(config("streaming", "streaming_archiver = on", "archiver = off",
                "slot_name = pgcheck"), "check", "main");

        for (String item : List.of("\tPostgreSQL streaming: ", "\treplication privilege: ", "\tmax_wal_senders: ",
                "\tbackup_method: ")) {
            assertThat(occurrences(check.out(), item)).as(item + " in\n" + check.out()).isEqualTo(1);
        }
        assertThat(check.out()).contains("\tPostgreSQL streaming: OK\n", "\treplication privilege: OK (role "
                + "'postgres')\n");
    }

    @Test
    void noFreeWalSenderForTheBackupFailsMaxWalSenders() throws Exception {
        Path config = config("senders_in_use");
        List<Connection> senders = new ArrayList<>();
        try {
            senders.add(replicationConnection("postgres"));
            senders.add(replicationConnection("postgres"));

            CliRun check = barman(config, "check", "main");

            assertThat(check.exitCode()).isEqualTo(1);
            assertThat(check.out()).containsPattern("\tmax_wal_senders: FAILED \\(\\d of 2 WAL senders are in use, a "
                    + "backup \\(backup_method = postgres\\) needs a free one: raise max_wal_senders \\(restart "
                    + "needed\\)\\)\n");
        } finally {
            for (Connection sender : senders) {
                sender.close();
            }
        }
    }

    @Test
    void aRoleWithoutReplicationFailsCheckAndBackupNamingTheRoleAndTheGrantWithoutRetrying() throws Exception {
        pg.execute("CREATE ROLE no_repl LOGIN");
        try {
            Path config = config("no_replication", "streaming_conninfo = host=127.0.0.1 port=" + pg.port()
                    + " user=no_repl", "basebackup_retry_times = 3", "basebackup_retry_sleep = 0");

            CliRun check = barman(config, "check", "main");

            assertThat(check.exitCode()).isEqualTo(1);
            assertThat(check.out()).contains("\tPostgreSQL streaming: FAILED (cannot open a replication connection "
                    + "to PostgreSQL of server main (host=127.0.0.1 port=" + pg.port() + " user=no_repl "
                    + "replication=true dbname=replication application_name=barman_receive_wal): FATAL: must be "
                    + "superuser or replication role to start walsender: role no_repl lacks the REPLICATION "
                    + "attribute; as a superuser run ALTER ROLE no_repl REPLICATION (or use a role that has it in "
                    + "streaming_conninfo))\n",
                    "\treplication privilege: FAILED (role 'no_repl' of streaming_conninfo lacks the REPLICATION "
                            + "attribute: as a superuser run ALTER ROLE no_repl REPLICATION)\n");
            int refusalsBefore = occurrences(pg.serverLogTail(10_000), "replication role to start walsender");

            CliRun backup = barman(config, "backup", "main");

            assertThat(backup.exitCode()).isNotZero();
            assertThat(backup.err().strip()).doesNotContain("\n").contains("failed: PostgreSQL: cannot open a "
                    + "replication connection to PostgreSQL of server main (").endsWith("FATAL: must be superuser or "
                    + "replication role to start walsender: role no_repl lacks the REPLICATION attribute; as a "
                    + "superuser run ALTER ROLE no_repl REPLICATION (or use a role that has it in "
                    + "streaming_conninfo)");
            assertThat(occurrences(pg.serverLogTail(10_000), "replication role to start walsender"))
                    .as("one attempt despite basebackup_retry_times = 3").isEqualTo(refusalsBefore + 1);
            assertThat(barman(config, "list-backup", "main").out()).contains(" - FAILED");
        } finally {
            pg.execute("DROP ROLE no_repl");
        }
    }

    @Test
    void aReplicationConnectionThatPgHbaConfRejectsFailsCheckAndBackupInOneLine() throws Exception {
        Path hba = pg.dataDirectory().resolve("pg_hba.conf");
        String original = Files.readString(hba);
        pg.execute("CREATE ROLE hba_refused LOGIN REPLICATION");
        try {
            Files.writeString(hba, "host replication hba_refused 127.0.0.1/32 reject\n" + original);
            pg.execute("SELECT pg_reload_conf()");
            Path config = config("hba", "streaming_conninfo = host=127.0.0.1 port=" + pg.port()
                    + " user=hba_refused", "basebackup_retry_times = 3", "basebackup_retry_sleep = 0");
            String hint = ": add a replication line for role hba_refused to pg_hba.conf (such as host replication "
                    + "hba_refused <barman host>/32 scram-sha-256, or local replication for the socket) and reload "
                    + "PostgreSQL";

            CliRun check = barman(config, "check", "main");

            assertThat(check.exitCode()).isEqualTo(1);
            assertThat(check.out()).contains("\tPostgreSQL streaming: FAILED (cannot open a replication connection "
                    + "to PostgreSQL of server main (host=127.0.0.1 port=" + pg.port() + " user=hba_refused "
                    + "replication=true dbname=replication application_name=barman_receive_wal): FATAL: pg_hba.conf "
                    + "rejects replication connection for host \"127.0.0.1\", user \"hba_refused\"", hint + ")\n",
                    "\treplication privilege: OK (role 'hba_refused')\n");

            CliRun backup = barman(config, "backup", "main");

            assertThat(backup.exitCode()).isNotZero();
            assertThat(backup.err().strip()).doesNotContain("\n").contains("pg_hba.conf rejects replication "
                    + "connection for host \"127.0.0.1\", user \"hba_refused\"").endsWith(hint);
        } finally {
            Files.writeString(hba, original);
            pg.execute("SELECT pg_reload_conf()");
            pg.execute("DROP ROLE hba_refused");
        }
    }

    private static Connection replicationConnection(String user) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("replication", "true");
        properties.setProperty("assumeMinServerVersion", "9.4");
        properties.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/replication",
                properties);
    }
}
