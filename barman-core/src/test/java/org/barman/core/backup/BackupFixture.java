package org.barman.core.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.Tablespace;
import org.barman.api.support.OwnerOnly;
import org.barman.core.Barman;
import org.barman.core.hook.HookScripts;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;

/**
 * A real PostgreSQL 15 with a tablespace, archiving into a Barman server's incoming folder, and what the backup
 * tests need around it.
 */
public final class BackupFixture implements AutoCloseable {

    public final Path root;
    public final Path tablespaceLocation;
    public final PostgresCluster pg;
    private final Path config;

    public BackupFixture(String... serverOptions) throws IOException {
        this(15, serverOptions);
    }

    /**
     * @param major the PostgreSQL major version (15 from Debian, the others from the testkit's binaries)
     * @param serverOptions lines added to the [main] section
     */
    public BackupFixture(int major, String... serverOptions) throws IOException {
        root = Files.createTempDirectory("barman-backup-it");
        Path incoming = root.resolve("home/main/incoming");
        OwnerOnly.createFolders(incoming);
        tablespaceLocation = root.resolve("tablespaces/tbs1");
        Files.createDirectories(tablespaceLocation);
        PostgresCluster.grantToClusterUser(root);
        pg = PostgresCluster.builder().majorVersion(major).setting("archive_mode", "on")
                .setting("archive_command", "rsync -a %p " + incoming + "/%f")
                .setting("checkpoint_timeout", "30min").setting("track_commit_timestamp", "on").start();
        pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespaceLocation + "'");
        config = root.resolve("barman.conf");
        StringBuilder text = new StringBuilder("[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\ncompression = gzip\n\n[main]\nconninfo = " + pg.conninfo()
                + "\n");
        for (String option : serverOptions) {
            text.append(option).append('\n');
        }
        Files.writeString(config, text);
    }

    public Barman barman() {
        return Barman.load(config, Plugins.load()).withHookPause(
                new HookScripts.RetryPause(Duration.ofMillis(10), 1, Duration.ofMillis(10)));
    }

    public Path config() {
        return config;
    }

    /** Appends options to the [main] section. */
    public void addOptions(String... lines) throws IOException {
        Files.writeString(config, String.join("\n", lines) + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * Copies a backup the way a recovery would, relocating the tablespace, and writes recovery settings that
     * fetch WAL from the archive (gzip) and stop as soon as the copy is consistent.
     *
     * @return the new data folder
     */
    public Path restoreForStart(Barman barman, BackupInfo backup, String name) throws IOException {
        Path base = barman.server("main").catalog().backupDirectory(backup.id());
        Path target = root.resolve("restore-" + name);
        Path data = target.resolve("data");
        copyTree(base.resolve("data"), data);
        StringBuilder map = new StringBuilder();
        for (Tablespace tablespace : backup.tablespaces()) {
            Path location = target.resolve("tbs-" + tablespace.name());
            copyTree(base.resolve(Long.toString(tablespace.oid())), location);
            Files.deleteIfExists(data.resolve("pg_tblspc").resolve(Long.toString(tablespace.oid())));
            Files.createSymbolicLink(data.resolve("pg_tblspc").resolve(Long.toString(tablespace.oid())), location);
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
                java.nio.file.StandardOpenOption.APPEND);
        Files.createFile(data.resolve("recovery.signal"));
        PostgresCluster.grantToClusterUser(target);
        return data;
    }

    public static void copyTree(Path from, Path to) throws IOException {
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

    /** Starts a restored copy on a new port and waits until its recovery ended. */
    public static PostgresCluster start(Path data) {
        return start(data, 15);
    }

    /** Starts a restored copy with the binaries of a major version and waits until its recovery ended. */
    public static PostgresCluster start(Path data, int major) {
        PostgresCluster copy = PostgresCluster.startExisting(data, major, Map.of());
        copy.awaitRecoveryEnd(Duration.ofMinutes(2));
        return copy;
    }

    @Override
    public void close() throws IOException {
        pg.close();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file);
    }
}
