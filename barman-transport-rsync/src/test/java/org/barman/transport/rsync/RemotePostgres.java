package org.barman.transport.rsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;

/**
 * A real PostgreSQL 15 with a tablespace, archiving into a Barman server's incoming folder, and a Barman
 * configuration whose server {@code main} reaches it through {@code ssh_command} (a real sshd on loopback, as
 * {@code postgres}) and {@code conninfo}: what a backup through the rsync transport needs. Adapted from
 * barman-core's {@code BackupFixture}.
 */
final class RemotePostgres implements AutoCloseable {

    final Path root;
    final Path tablespaceLocation;
    final PostgresCluster pg;
    final SshServer sshd;
    private final Path config;

    RemotePostgres(String... serverOptions) throws IOException {
        root = Files.createTempDirectory("barman-rsync-it");
        Path incoming = root.resolve("home/main/incoming");
        Files.createDirectories(incoming);
        tablespaceLocation = root.resolve("tablespaces/tbs1");
        Files.createDirectories(tablespaceLocation);
        PostgresCluster.grantToClusterUser(root);
        sshd = SshServer.start();
        PostgresCluster started = null;
        try {
            started = PostgresCluster.builder().setting("archive_mode", "on")
                    .setting("archive_command", "rsync -a %p " + incoming + "/%f")
                    .setting("checkpoint_timeout", "30min").start();
            started.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespaceLocation + "'");
        } catch (RuntimeException e) {
            sshd.close();
            if (started != null) {
                started.close();
            }
            throw e;
        }
        pg = started;
        config = root.resolve("barman.conf");
        writeConfig(pg.conninfo(), sshd.sshCommand("postgres"), serverOptions);
    }

    /** Rewrites barman.conf with another conninfo and ssh_command. */
    void writeConfig(String conninfo, String sshCommand, String... serverOptions) throws IOException {
        StringBuilder text = new StringBuilder("[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\ncompression = gzip\n\n[main]\nconninfo = " + conninfo
                + "\nssh_command = " + sshCommand + "\nbasebackup_retry_times = 1\nbasebackup_retry_sleep = 1\n");
        for (String option : serverOptions) {
            text.append(option).append('\n');
        }
        Files.writeString(config, text);
    }

    Barman barman() {
        return Barman.load(config, Plugins.load());
    }

    /**
     * Copies a backup the way a recovery would, relocating the tablespace, and writes recovery settings that fetch
     * WAL from the archive (gzip) and end as soon as the copy is consistent.
     *
     * @return the new data folder
     */
    Path restoreForStart(Barman barman, BackupInfo backup, String name) throws IOException {
        Path base = barman.server("main").catalog().backupDirectory(backup.id());
        Path target = root.resolve("restore-" + name);
        Path data = target.resolve("data");
        copyTree(base.resolve("data"), data);
        StringBuilder map = new StringBuilder();
        for (Tablespace tablespace : backup.tablespaces()) {
            Path location = target.resolve("tbs-" + tablespace.name());
            copyTree(base.resolve(Long.toString(tablespace.oid())), location);
            Path link = data.resolve("pg_tblspc").resolve(Long.toString(tablespace.oid()));
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, location);
            map.append(tablespace.oid()).append(' ').append(location).append('\n');
        }
        if (!backup.tablespaces().isEmpty()) {
            Files.writeString(data.resolve("tablespace_map"), map);
        }
        Path wals = barman.server("main").config().walsDirectory();
        // The copy runs as the cluster user and reads the archive itself; Barman keeps it for its own user only.
        PostgresCluster.grantToClusterUser(wals);
        String restore = "f=%f; d=$(echo $f | cut -c1-16); if [ -f " + wals + "/$d/$f ]; then gzip -dc " + wals
                + "/$d/$f > %p; else cp " + wals + "/$f %p; fi";
        Files.writeString(data.resolve("postgresql.auto.conf"), "restore_command = '" + restore.replace("'", "''")
                + "'\nrecovery_target = 'immediate'\nrecovery_target_action = 'promote'\narchive_mode = off\n",
                StandardOpenOption.APPEND);
        Files.createFile(data.resolve("recovery.signal"));
        PostgresCluster.grantToClusterUser(target);
        return data;
    }

    /** Starts a restored copy on a new port and waits until its recovery ended. */
    static PostgresCluster start(Path data) {
        PostgresCluster copy = PostgresCluster.startExisting(data, 15, Map.of());
        copy.awaitRecoveryEnd(Duration.ofMinutes(2));
        return copy;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path destination = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(destination, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            pg.close();
        } finally {
            sshd.close();
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
