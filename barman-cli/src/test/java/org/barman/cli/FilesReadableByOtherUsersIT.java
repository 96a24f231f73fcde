package org.barman.cli;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Barman creates is its owner's only, whatever the umask of the process that runs it (an embedding program's,
 * a cron job's): folders 0700 and files 0600 at most, as PostgreSQL keeps its data folder, since the backups and
 * the WAL hold every row of every database. Barman runs here as {@code postgres} under {@code umask 022}, started
 * with {@code java} directly (not through {@code bin/barman}, whose own umask would hide a fault of the library),
 * against a real PostgreSQL 15 that archives its WAL into Barman.
 */
class FilesReadableByOtherUsersIT {

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(GROUP_READ, GROUP_WRITE,
            GROUP_EXECUTE, OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE);

    static Path work;
    static BuiltDistribution distribution;
    static Path home;
    static Path logFile;
    static Path config;
    static PostgresCluster pg;

    @BeforeAll
    static void setUp() throws Exception {
        work = Files.createTempDirectory("barman-modes");
        distribution = BuiltDistribution.copyForPostgres(work.resolve("dist"));
        home = work.resolve("home");
        logFile = work.resolve("log/barman.log");
        Path incoming = home.resolve("main/incoming");
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "test -d " + incoming + " && rsync -a %p " + incoming + "/%f").start();
        config = work.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = postgres\nlog_file = "
                + logFile + "\nlog_level = DEBUG\ncompression = gzip\n\n[main]\ndescription = \"Modes\"\nconninfo = "
                + pg.conninfo() + "\n");
        PostgresCluster.grantToClusterUser(work);
    }

    @AfterAll
    static void tearDown() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    /** Runs the command line as postgres, with {@code umask 022}, through {@code java} itself. */
    static ProcessRun barmanUnderUmask022(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path lib = distribution.folder().resolve("lib");
        Path plugins = distribution.folder().resolve("plugins");
        List<String> command = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", "sh", "-c",
                "umask 022; exec \"$@\"", "sh", java, "-cp", lib + "/*:" + plugins + "/*", "org.barman.cli.Main",
                "-c", config.toString()));
        command.addAll(List.of(args));
        return ProcessRun.of(command, work, Duration.ofMinutes(5));
    }

    static void archiveUpTo(String wal) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            ProcessRun cron = barmanUnderUmask022("-q", "cron");
            assertThat(cron.exitCode()).as(cron.err()).isZero();
            Path xlogDb = home.resolve("main/wals/xlog.db");
            if (Files.exists(xlogDb) && Files.readString(xlogDb).contains(wal + "\t")) {
                return;
            }
            assertThat(System.nanoTime()).as("WAL " + wal + " archived").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** @return every file and folder under the roots that group or other users may read, write or enter */
    static List<String> openToOthers(Path... roots) throws IOException {
        List<String> open = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    if (Files.isSymbolicLink(path)) {
                        continue;
                    }
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path,
                            LinkOption.NOFOLLOW_LINKS);
                    if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                        open.add(PosixFilePermissions.toString(permissions) + " " + path);
                    }
                }
            }
        }
        return open;
    }

    @Test
    void aBackupArchivedWalAndTheLogWrittenUnderUmask022AreTheOwnersOnly() throws Exception {
        barmanUnderUmask022("cron");
        barmanUnderUmask022("check", "main");
        archiveUpTo(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
        ProcessRun backup = barmanUnderUmask022("backup", "--wait", "--immediate-checkpoint", "main");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        archiveUpTo(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
        assertThat(home.resolve("main/wals/xlog.db")).content().contains("\tgzip\n");
        try (Stream<Path> backups = Files.list(home.resolve("main/base"))) {
            assertThat(backups.map(folder -> folder.resolve("backup.info"))).anySatisfy(info ->
                    assertThat(info).content().contains("status=DONE"));
        }
        assertThat(logFile).content().contains("Starting backup");

        assertThat(openToOthers(home, logFile.getParent())).as("what group or other users can read under " + home
                + " and " + logFile.getParent()).isEmpty();
    }

    @Test
    void checkFailsWhenOtherUsersCanEnterBarmanHome() throws Exception {
        ProcessRun check = barmanUnderUmask022("check", "main");
        assertThat(check.text()).contains("\tbarman_home permissions: OK\n");

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-x--x"));
        try {
            ProcessRun open = barmanUnderUmask022("check", "main");
            assertThat(open.exitCode()).isNotZero();
            assertThat(open.text()).contains("\tbarman_home permissions: FAILED (" + home + " is rwxr-x--x: group "
                    + "and other users can read or enter it, and reach every backup and WAL file it holds: "
                    + "chmod 700 " + home + ")\n");
        } finally {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
