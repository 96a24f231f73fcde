package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.transport.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies of {@code transport = ssh} beyond the contract, against a real sshd as {@code postgres}: nanosecond times
 * kept both ways (so that reuse compares exactly), long and non-ASCII names through tar, unreadable files and
 * folders, the bandwidth limit of a push.
 */
class SshCopyIT {

    private static SshServer sshd;

    @TempDir
    Path folder;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        sshd.close();
    }

    private static Transport transport(Map<String, String> more) {
        Map<String, String> options = new java.util.HashMap<>(more);
        options.put("ssh_command", sshd.sshCommand("postgres"));
        return new SshTransportProvider().create(PluginOptions.of(options));
    }

    private Path remoteTree() throws IOException {
        Path root = Files.createDirectories(folder.resolve("remote/pgdata"));
        String longName = "a".repeat(60) + "/" + "b".repeat(60) + "/" + "c".repeat(90);
        Files.createDirectories(root.resolve(longName).getParent());
        Files.writeString(root.resolve(longName), "a path of more than 200 characters\n");
        Files.writeString(root.resolve("données-été.conf"), "a non-ASCII name\n");
        byte[] big = new byte[3 * 1024 * 1024 + 5];
        new Random(1).nextBytes(big);
        Files.write(root.resolve("big"), big);
        Files.setLastModifiedTime(root.resolve("big"), FileTime.from(Instant.parse("2023-01-02T03:04:05.987654321Z")));
        return root;
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void nanosecondTimesLongAndNonAsciiNamesSurviveAPullAndAPushAndReuseMatchesThem() throws IOException {
        Path source = remoteTree();
        PostgresCluster.grantToClusterUser(folder.resolve("remote"));
        Path first = folder.resolve("local/base/1/data");
        Path second = folder.resolve("local/base/2/data");
        Path pushed = folder.resolve("remote/recovered/pgdata");

        CopyResult reused;
        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            transport.pull(CopyJob.of(source.toString(), first), CopyListener.NONE);
            reused = transport.pull(new CopyJob(source.toString(), second, List.of(), ReuseMode.LINK, first, 0),
                    CopyListener.NONE);
            transport.push(CopyJob.of(pushed.toString(), second), CopyListener.NONE);
        }

        TreeSnapshot expected = TreeSnapshot.of(source);
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(first), "the pulled tree");
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(second), "the tree pulled with reuse");
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(pushed), "the pushed tree");
        assertThat(Files.getLastModifiedTime(first.resolve("big")).toInstant())
                .isEqualTo(Instant.parse("2023-01-02T03:04:05.987654321Z"));
        assertThat(Files.getLastModifiedTime(pushed.resolve("big")).toInstant())
                .isEqualTo(Instant.parse("2023-01-02T03:04:05.987654321Z"));
        assertThat(reused.reusedFiles()).as("every file is unchanged").isEqualTo(expected.fileCount());
        assertThat(inode(second.resolve("big"))).isEqualTo(inode(first.resolve("big")));
        assertThat(Files.getOwner(pushed.resolve("big")).getName()).as("pushed files belong to the remote user")
                .isEqualTo("postgres");
    }

    @Test
    void aFileTheRemoteUserCannotReadFailsThePullNamingIt() throws IOException {
        Path source = remoteTree();
        PostgresCluster.grantToClusterUser(folder.resolve("remote"));
        Path secret = Files.writeString(source.resolve("root-only"), "not for postgres\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setOwner(secret, secret.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));

        try (Transport transport = transport(Map.of())) {
            assertThatThrownBy(() -> transport.pull(CopyJob.of(source.toString(), folder.resolve("local/data")),
                    CopyListener.NONE)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("root-only")
                    .hasMessageContaining("Permission denied");
        }
    }

    @Test
    void anUnreadableFolderFailsThePullUnlessItIsExcluded() throws IOException {
        Path source = remoteTree();
        Path locked = Files.createDirectories(source.resolve("lost+found"));
        Files.writeString(locked.resolve("inside"), "x");
        PostgresCluster.grantToClusterUser(folder.resolve("remote"));
        Files.setOwner(locked, locked.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));

        try (Transport transport = transport(Map.of())) {
            assertThatThrownBy(() -> transport.pull(CopyJob.of(source.toString(), folder.resolve("local/a")),
                    CopyListener.NONE)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("cannot list " + source)
                    .hasMessageContaining("lost+found': Permission denied");

            CopyResult result = transport.pull(new CopyJob(source.toString(), folder.resolve("local/b"),
                    List.of("/lost+found"), ReuseMode.OFF, null, 0), CopyListener.NONE);
            assertThat(result.files()).isEqualTo(3);
        }
    }

    @Test
    void aPushHonoursTheBandwidthLimitForAllStreamsTogether() throws IOException {
        Path backup = Files.createDirectories(folder.resolve("local/base/1/data"));
        Random random = new Random(2);
        for (String name : List.of("a", "b")) {
            byte[] content = new byte[1024 * 1024];
            random.nextBytes(content);
            Files.write(backup.resolve(name), content);
        }
        Path destination = folder.resolve("remote/pgdata");
        Files.createDirectories(destination.getParent());
        PostgresCluster.grantToClusterUser(destination.getParent());
        long limitKbps = 1000;
        Duration ideal = Duration.ofNanos(2L * 1024 * 1024 * 1_000_000_000L / (limitKbps * 1024));

        long elapsed;
        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            long start = System.nanoTime();
            transport.push(new CopyJob(destination.toString(), backup, List.of(), ReuseMode.OFF, null, limitKbps),
                    CopyListener.NONE);
            elapsed = System.nanoTime() - start;
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(backup), TreeSnapshot.of(destination), "the pushed tree");
        assertThat(elapsed).as("2 MiB pushed at %d KB/s, ideal %d ms", limitKbps, ideal.toMillis())
                .isBetween(ideal.toNanos() * 8 / 10, ideal.toNanos() * 12 / 10 + Duration.ofMillis(1500).toNanos());
    }

    @Test
    void aPushIntoAFolderTheRemoteUserCannotCreateIsNamed() throws IOException {
        Path backup = Files.createDirectories(folder.resolve("local/data"));
        Files.writeString(backup.resolve("PG_VERSION"), "15\n");

        try (Transport transport = transport(Map.of())) {
            assertThatThrownBy(() -> transport.push(CopyJob.of("/root/not-for-postgres/pgdata", backup),
                    CopyListener.NONE)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("cannot create the folder /root/not-for-postgres/pgdata")
                    .hasMessageContaining("Permission denied");
        }
    }

    /**
     * GNU tar makes the missing parents of a file it extracts, but gives up on the file ("Cannot open: No such file
     * or directory") when another stream made that parent in between: parallel streams into new folders raced.
     */
    @Test
    void parallelStreamsIntoManyNewFoldersNeverRaceForTheirParents() throws IOException {
        Path backup = Files.createDirectories(folder.resolve("local/data"));
        for (int i = 0; i < 200; i++) {
            Path nested = Files.createDirectories(backup.resolve("base/" + i + "/sub"));
            for (int j = 0; j < 4; j++) {
                Files.writeString(nested.resolve("f" + j), "file " + j + " of folder " + i + "\n");
            }
        }
        for (int round = 0; round < 3; round++) {
            Path destination = folder.resolve("remote" + round + "/pgdata");
            Files.createDirectories(destination.getParent());
            PostgresCluster.grantToClusterUser(destination.getParent());
            try (Transport transport = transport(Map.of("parallel_jobs", "4"))) {
                transport.push(CopyJob.of(destination.toString(), backup), CopyListener.NONE);
            }
            TreeSnapshot.assertSame(TreeSnapshot.of(backup), TreeSnapshot.of(destination), "round " + round);
        }
    }
}
