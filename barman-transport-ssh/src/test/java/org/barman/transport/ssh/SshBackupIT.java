package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Tablespace;
import org.barman.api.Transport;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.hook.HookScripts;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Base backups of a real PostgreSQL 15 with a tablespace through {@code transport = ssh} (the Barman facade, as
 * {@code barman backup} runs it), logged in as {@code postgres} to a real sshd. Each backup is proven consistent by
 * pushing it back over the same transport, as a recovery would, and starting PostgreSQL on the copy.
 */
class SshBackupIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    private static SshServer sshd;

    private Path root;
    private Path tablespaceLocation;
    private PostgresCluster pg;
    private Path config;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        sshd.close();
    }

    @BeforeEach
    void startPostgres() throws IOException {
        root = Files.createTempDirectory("barman-ssh-backup-it");
        Path incoming = Files.createDirectories(root.resolve("home/main/incoming"));
        tablespaceLocation = Files.createDirectories(root.resolve("tablespaces/tbs1"));
        PostgresCluster.grantToClusterUser(root);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f")
                .setting("checkpoint_timeout", "30min").start();
        pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespaceLocation + "'");
        config = root.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\ncompression = gzip\n\n[main]\nconninfo = " + pg.conninfo()
                + "\nssh_command = " + sshd.sshCommand("postgres") + "\ntransport = ssh\n");
    }

    @AfterEach
    void stopPostgres() throws IOException {
        pg.close();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private Barman barman(String... options) throws IOException {
        if (options.length > 0) {
            Files.writeString(config, String.join("\n", options) + "\n", StandardOpenOption.APPEND);
        }
        return Barman.load(config, Plugins.load()).withHookPause(
                new HookScripts.RetryPause(Duration.ofMillis(10), 1, Duration.ofMillis(10)));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void aBackupWithTwoParallelStreamsCopiesEverythingAndRecovers() throws Exception {
        pg.execute("CREATE TABLE in_tbs(id int, payload text) TABLESPACE tbs1");
        pg.execute("INSERT INTO in_tbs SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
        pg.execute("CREATE TABLE in_default(id int)");
        pg.execute("INSERT INTO in_default SELECT generate_series(1, 1234)");
        pg.execute("CHECKPOINT");
        String relation = pg.queryValue("SELECT pg_relation_filepath('in_tbs')");
        Barman barman = barman("parallel_jobs = 2");
        Server server = barman.server("main");

        BackupInfo backup = server.takeBackup(WAIT, CopyListener.NONE);

        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        BackupInfo recorded = server.catalog().get(backup.id());
        assertThat(recorded.mode()).isEqualTo("ssh-concurrent");
        assertThat(recorded.size()).isGreaterThan(10_000_000);
        Tablespace tbs = recorded.tablespaces().get(0);
        Path data = server.catalog().dataDirectory(backup.id());
        assertThat(data.resolve("backup_label")).content().startsWith("START WAL LOCATION:");
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
        assertThat(data.resolve("pg_wal")).isEmptyDirectory();
        assertThat(Files.readSymbolicLink(data.resolve("pg_tblspc").resolve(Long.toString(tbs.oid()))))
                .isEqualTo(tablespaceLocation);
        Path copiedRelation = server.catalog().tablespaceDirectory(backup.id(), tbs)
                .resolve(relation.substring(relation.indexOf("PG_15")));
        assertThat(sha256(copiedRelation)).isEqualTo(sha256(pg.dataDirectory().resolve(relation)));

        pg.execute("INSERT INTO in_default SELECT generate_series(1, 10)");
        try (PostgresCluster copy = recover(barman, recorded, "parallel", 2)) {
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("50000");
            assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("1234");
        }
    }

    @Test
    void aSecondBackupWithReuseLinkHardLinksTheUnchangedFilesAndRecovers() throws Exception {
        pg.execute("CREATE TABLE big(id int, payload text) TABLESPACE tbs1");
        pg.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 100000) g");
        pg.execute("VACUUM FREEZE big");
        pg.execute("CHECKPOINT");
        Barman barman = barman("reuse_backup = link");
        Server server = barman.server("main");
        BackupInfo first = server.takeBackup(WAIT, CopyListener.NONE);
        String relation = pg.queryValue("SELECT pg_relation_filepath('big')");
        pg.execute("CREATE TABLE later(id int)");
        pg.execute("INSERT INTO later SELECT generate_series(1, 77)");

        BackupInfo second = server.takeBackup(WAIT, CopyListener.NONE);

        assertThat(second.status()).isEqualTo(BackupStatus.DONE);
        Tablespace tbs = second.tablespaces().get(0);
        String inTablespace = relation.substring(relation.indexOf("PG_15"));
        assertThat(inode(server.catalog().tablespaceDirectory(second.id(), tbs).resolve(inTablespace)))
                .isEqualTo(inode(server.catalog().tablespaceDirectory(first.id(), tbs).resolve(inTablespace)));
        assertThat(inode(server.catalog().dataDirectory(second.id()).resolve("PG_VERSION")))
                .isEqualTo(inode(server.catalog().dataDirectory(first.id()).resolve("PG_VERSION")));
        assertThat(second.deduplicatedSize()).as("deduplicated size of %s", second).isLessThan(second.size() / 2);
        try (PostgresCluster copy = recover(barman, second, "linked", 1)) {
            assertThat(copy.queryValue("SELECT count(*) FROM big")).isEqualTo("100000");
            assertThat(copy.queryValue("SELECT count(*) FROM later")).isEqualTo("77");
        }
    }

    /**
     * What a recovery does, through the same transport: pushes PGDATA and the tablespace to new remote folders,
     * points the tablespace link at its new place, asks for WAL from the archive until consistent, and starts it.
     */
    private PostgresCluster recover(Barman barman, BackupInfo backup, String name, int parallelJobs)
            throws IOException {
        Server server = barman.server("main");
        Path target = Files.createDirectories(root.resolve("restore-" + name));
        PostgresCluster.grantToClusterUser(target);
        Path data = target.resolve("data");
        try (Transport transport = new SshTransportProvider().create(PluginOptions.of(Map.of(
                "ssh_command", sshd.sshCommand("postgres"), "parallel_jobs", Integer.toString(parallelJobs))))) {
            transport.push(CopyJob.of(data.toString(), server.catalog().dataDirectory(backup.id())),
                    CopyListener.NONE);
            StringBuilder map = new StringBuilder();
            for (Tablespace tablespace : backup.tablespaces()) {
                Path location = target.resolve("tbs-" + tablespace.name());
                transport.push(CopyJob.of(location.toString(), server.catalog().tablespaceDirectory(backup.id(),
                        tablespace)), CopyListener.NONE);
                Path link = data.resolve("pg_tblspc").resolve(Long.toString(tablespace.oid()));
                Files.delete(link);
                Files.createSymbolicLink(link, location);
                map.append(tablespace.oid()).append(' ').append(location).append('\n');
            }
            Files.writeString(data.resolve("tablespace_map"), map);
        }
        Path wals = server.config().walsDirectory();
        String restore = "f=%f; d=$(echo $f | cut -c1-16); if [ -f " + wals + "/$d/$f ]; then gzip -dc " + wals
                + "/$d/$f > %p; else cp " + wals + "/$f %p; fi";
        Files.writeString(data.resolve("postgresql.auto.conf"), "restore_command = '" + restore.replace("'", "''")
                + "'\nrecovery_target = 'immediate'\nrecovery_target_action = 'promote'\narchive_mode = off\n",
                StandardOpenOption.APPEND);
        Files.createFile(data.resolve("recovery.signal"));
        PostgresCluster.grantToClusterUser(target);
        PostgresCluster.grantToClusterUser(root.resolve("home"));
        PostgresCluster copy = PostgresCluster.startExisting(data, 15, Map.of());
        copy.awaitRecoveryEnd(Duration.ofMinutes(2));
        return copy;
    }
}
