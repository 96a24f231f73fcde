package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("postgres")
class PostgresClusterIT {

    @TempDir
    Path tmp;

    @Test
    void starts_with_backup_friendly_defaults_and_the_given_settings() throws Exception {
        Path incoming = Files.createDirectory(tmp.resolve("incoming"));
        PostgresCluster.grantToClusterUser(incoming);
        try (PostgresCluster pg = PostgresCluster.builder()
                .setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f")
                .setting("log_line_prefix", "%m [%p] it's \\ ")
                .start()) {
            assertThat(pg.majorVersion()).isEqualTo(15);
            assertThat(pg.host()).isEqualTo("127.0.0.1");
            assertThat(pg.conninfo()).isEqualTo("host=127.0.0.1 port=" + pg.port() + " user=postgres dbname=postgres");
            assertThat(pg.queryValue("show port")).isEqualTo(Integer.toString(pg.port()));
            assertThat(pg.queryValue("show listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(pg.queryValue("show wal_level")).isEqualTo("replica");
            assertThat(pg.queryValue("show fsync")).isEqualTo("on");
            assertThat(pg.queryValue("show archive_mode")).isEqualTo("on");
            assertThat(pg.queryValue("show log_line_prefix")).isEqualTo("%m [%p] it's \\ ");
            assertThat(pg.queryValue("select current_user")).isEqualTo("postgres");
            assertThat(pg.queryValue("show data_directory")).isEqualTo(pg.dataDirectory().toString());
            assertThat(Files.getOwner(pg.dataDirectory()).getName()).isEqualTo(pg.osUser());
            assertThat(pg.socketDirectory().resolve(".s.PGSQL." + pg.port())).exists();

            String segment = pg.queryValue("select pg_walfile_name(pg_current_wal_lsn())");
            pg.execute("create table t(i int); insert into t values (1)");
            pg.execute("select pg_switch_wal()");
            awaitFile(incoming.resolve(segment), Duration.ofSeconds(60));
            assertThat(Files.size(incoming.resolve(segment))).isEqualTo(16L * 1024 * 1024);
        }
    }

    @Test
    void a_socket_only_cluster_serves_peer_logins_on_its_socket_and_nothing_on_tcp() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().socketOnly().start()) {
            assertThat(pg.isSocketOnly()).isTrue();
            assertThat(pg.host()).isEqualTo(pg.socketDirectory().toString());
            assertThat(pg.conninfo()).isEqualTo("host=" + pg.socketDirectory() + " port=" + pg.port()
                    + " user=postgres dbname=postgres");
            assertThat(pg.socketFile()).isEqualTo(pg.socketDirectory().resolve(".s.PGSQL." + pg.port())).exists();
            assertThat(pg.queryValue("show listen_addresses")).isEmpty();
            assertThat(pg.queryValue("select current_user")).isEqualTo("postgres");
            assertThat(pg.query("select type, database, user_name, auth_method, options from pg_hba_file_rules "
                    + "order by line_number")).containsExactly(
                            List.of("local", "{all}", "{all}", "peer", "{map=testkit}"),
                            List.of("local", "{replication}", "{all}", "peer", "{map=testkit}"));
            assertThatThrownBy(() -> new Socket(PostgresCluster.HOST, pg.port()).close())
                    .isInstanceOf(ConnectException.class);

            pg.execute("create table t(i int); insert into t values (7)");
            pg.setSetting("work_mem", "5MB");
            assertThat(pg.queryValue("show work_mem")).isEqualTo("5MB");
            ProcessResult psql = pg.runAsClusterUser(List.of("psql", "-XAtc", "select i, current_user from t"));
            assertThat(psql.succeeded()).as(psql.output()).isTrue();
            assertThat(psql.stdout().strip()).isEqualTo("7|postgres");
            pg.restart();
            assertThat(pg.queryValue("select i from t")).isEqualTo("7");
        }
    }

    @Test
    void runs_queries_over_jdbc_and_returns_rows_as_text() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            pg.execute("create table t(i int, s text); insert into t values (1, 'one'), (2, null)");
            assertThat(pg.query("select i, s from t order by i"))
                    .containsExactly(List.of("1", "one"), java.util.Arrays.asList("2", null));
            assertThat(pg.queryValue("select count(*) from t")).isEqualTo("2");
            try (Connection connection = pg.connect(); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("select sum(i) from t")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getInt(1)).isEqualTo(3);
            }
            assertThatThrownBy(() -> pg.execute("select * from no_such_table"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no_such_table");
            assertThatThrownBy(() -> pg.queryValue("select 1 where false"))
                    .hasMessageContaining("no value");
        }
    }

    @Test
    void keeps_committed_rows_through_a_crash() {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            int port = pg.port();
            pg.execute("create table t(i int); insert into t select generate_series(1, 1000)");
            pg.crash();
            assertThat(pg.isRunning()).isFalse();
            pg.start();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(pg.queryValue("select count(*) from t")).isEqualTo("1000");
            assertThat(pg.serverLogTail(200)).contains("not properly shut down");
            pg.restart();
            assertThat(pg.queryValue("select count(*) from t")).isEqualTo("1000");
        }
    }

    @Test
    void changes_settings_while_running_and_while_stopped() {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            pg.setSetting("work_mem", "7MB");
            assertThat(pg.queryValue("show work_mem")).isEqualTo("7MB");
            pg.setSetting("archive_cleanup_command", "test ! -f '/nonexistent/%f' && echo \\ 'quoted'");
            assertThat(pg.queryValue("show archive_cleanup_command"))
                    .isEqualTo("test ! -f '/nonexistent/%f' && echo \\ 'quoted'");
            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            pg.setSetting("work_mem", "9MB");
            pg.start();
            assertThat(pg.queryValue("show work_mem")).isEqualTo("9MB");
            assertThatThrownBy(() -> pg.setSetting("port", "5432")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void runs_client_programs_as_the_cluster_user() {
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            ProcessResult init = pg.runAsClusterUser(List.of("pgbench", "-i", "-s", "1", "-q"));
            assertThat(init.succeeded()).as(init.output()).isTrue();
            assertThat(pg.queryValue("select count(*) from pgbench_accounts")).isEqualTo("100000");

            ProcessResult psql = pg.runAsClusterUser(List.of("psql", "-Atc", "select current_user, current_setting('port')"));
            assertThat(psql.stdout().trim()).isEqualTo("postgres|" + pg.port());

            ProcessResult id = pg.runAsClusterUser(List.of("id", "-un"));
            assertThat(id.stdout().trim()).isEqualTo(pg.osUser());

            ProcessResult failing = pg.runAsClusterUser(List.of("psql", "-c", "select * from missing"));
            assertThat(failing.exitCode()).isNotZero();
            assertThat(failing.stderr()).contains("missing");
        }
    }

    @Test
    void starts_a_copy_of_the_data_folder_on_its_own_port_and_keeps_the_copy() {
        Path copy = tmp.resolve("copy");
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            pg.execute("create table t(i int); insert into t values (42)");
            baseBackup(pg, copy);

            try (PostgresCluster restored = PostgresCluster.startExisting(copy, 15, Map.of("work_mem", "5MB"))) {
                assertThat(restored.port()).isNotEqualTo(pg.port());
                assertThat(restored.dataDirectory()).isEqualTo(copy);
                assertThat(restored.queryValue("select i from t")).isEqualTo("42");
                assertThat(restored.queryValue("show work_mem")).isEqualTo("5MB");
                assertThat(restored.queryValue("select pg_is_in_recovery()")).isEqualTo("f");
                restored.execute("insert into t values (43)");
            }
            assertThat(copy.resolve("PG_VERSION")).exists();
            assertThat(pg.queryValue("select count(*) from t")).isEqualTo("1");
        }
    }

    @Test
    void waits_for_a_recovery_that_shuts_the_server_down() throws Exception {
        Path copy = tmp.resolve("copy");
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            baseBackup(pg, copy);
        }
        Files.createFile(copy.resolve("recovery.signal"));
        try (PostgresCluster recovering = PostgresCluster.builder()
                .existingDataDirectory(copy)
                .setting("restore_command", "false")
                .setting("recovery_target", "immediate")
                .setting("recovery_target_action", "shutdown")
                .launch()) {
            assertThat(recovering.awaitShutdown(Duration.ofMinutes(2))).isZero();
            assertThat(recovering.isRunning()).isFalse();
            assertThat(recovering.serverLogTail(50)).contains("recovery stopping after reaching consistency");
        }
    }

    @Test
    void reports_the_server_log_when_the_server_does_not_start() {
        assertThatThrownBy(() -> PostgresCluster.builder().setting("shared_buffers", "lots").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("shared_buffers")
                .satisfies(e -> {
                    String log = e.getMessage().replaceAll("(?s).*server log (\\S+) ends with.*", "$1");
                    assertThat(Path.of(log).getParent()).doesNotExist();
                });
    }

    @Test
    void close_stops_the_server_and_removes_its_folder() throws Exception {
        PostgresCluster pg = PostgresCluster.builder().start();
        long pid = Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).trim());
        Path workDir = pg.dataDirectory().getParent();
        assertThat(ProcessHandle.of(pid)).isPresent();
        pg.close();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(workDir).doesNotExist();
        assertThatThrownBy(pg::start).hasMessageContaining("closed");
        pg.close();
    }

    @Test
    void gives_folders_in_a_junit_temp_dir_to_the_cluster_user() throws Exception {
        Path nested = Files.createDirectories(tmp.resolve("a/b"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        PostgresCluster.grantToClusterUser(nested);
        try (PostgresCluster pg = PostgresCluster.builder().start()) {
            ProcessResult touch = pg.runAsClusterUser(List.of("touch", nested.resolve("written-by-postgres").toString()));
            assertThat(touch.succeeded()).as(touch.output()).isTrue();
        }
        assertThat(nested.resolve("written-by-postgres")).exists();
        try (Stream<Path> files = Files.list(nested)) {
            assertThat(files).allSatisfy(f -> assertThat(Files.getOwner(f).getName()).isEqualTo(ClusterUser.name()));
        }
    }

    private static void baseBackup(PostgresCluster pg, Path target) {
        try {
            Files.createDirectories(target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        PostgresCluster.grantToClusterUser(target);
        ProcessResult backup = pg.runAsClusterUser(List.of("pg_basebackup", "-D", target.toString(),
                "-X", "stream", "-c", "fast", "--no-sync"));
        assertThat(backup.succeeded()).as(backup.output()).isTrue();
    }

    private static void awaitFile(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("%s did not appear within %s", file, timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
