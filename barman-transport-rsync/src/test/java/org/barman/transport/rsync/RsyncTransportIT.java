package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.transport.SampleTree;
import org.barman.testkit.transport.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suite does not reach in the rsync transport: files vanishing while rsync runs (exit 24) and
 * between the listing and a parallel group (exit 23), real errors, retries with parallel jobs, odd names, the
 * bandwidth limit of one job, interrupts and ssh's own failures. Over a real sshd, as {@code postgres}.
 */
class RsyncTransportIT {

    /** As in {@link RsyncTransportContractIT#startupAllowance()}. */
    private static final Duration STARTUP_ALLOWANCE = Duration.ofMillis(2500);

    private static SshServer sshd;

    @TempDir
    Path workspace;

    private Path remote;
    private Path local;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void sides() throws IOException {
        remote = Files.createDirectories(workspace.resolve("remote"));
        local = Files.createDirectories(workspace.resolve("local"));
    }

    private Transport transport(Map<String, String> extra) {
        return new RsyncTransportProvider().create(PluginOptions.of(Map.of("ssh_command",
                sshd.sshCommand("postgres"))).with(extra));
    }

    private void handOver() {
        PostgresCluster.grantToClusterUser(remote);
    }

    @Test
    void filesThatVanishWhileRsyncCopiesAreSkipped() throws IOException {
        SampleTree tree = SampleTree.at(remote.resolve("pgdata"), 1).randomFile("0-first", 1024 * 1024, "rw-------");
        for (int i = 0; i < 30; i++) {
            tree.randomFile(String.format(Locale.ROOT, "later-%02d", i), 32 * 1024, "rw-------");
        }
        Path source = tree.seal().root();
        handOver();
        Path destination = local.resolve("data");
        CopyListener deleteAtFirstFile = new CopyListener() {
            private boolean done;

            @Override
            public synchronized void fileDone(String relativePath) {
                if (!done) {
                    done = true;
                    for (int i = 10; i < 30; i++) {
                        try {
                            Files.delete(source.resolve(String.format(Locale.ROOT, "later-%02d", i)));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }
            }
        };

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = transport.pull(new CopyJob(source.toString(), destination, List.of(), ReuseMode.OFF, null, 1000),
                    deleteAtFirstFile);
        }

        TreeSnapshot copied = TreeSnapshot.of(destination);
        assertThat(copied.files()).contains("0-first", "later-00", "later-09").doesNotContain("later-29");
        assertThat(result.files()).isEqualTo(copied.fileCount()).isLessThan(31);
        TreeSnapshot now = TreeSnapshot.of(source);
        for (String file : copied.files()) {
            assertThat(copied.get(file)).as(file).isEqualTo(now.entries().getOrDefault(file, copied.get(file)));
        }
    }

    @Test
    void filesThatVanishBeforeTheirParallelGroupStartsAreSkipped() throws IOException {
        SampleTree tree = SampleTree.at(remote.resolve("pgdata"), 2).folder("base", "rwx------");
        for (int i = 0; i < 40; i++) {
            tree.randomFile(String.format(Locale.ROOT, "base/%d", 16000 + i), 1000 + i, "rw-------");
        }
        Path source = tree.seal().root();
        handOver();
        Path destination = local.resolve("data");
        CopyListener deleteWhenPlanned = new CopyListener() {
            @Override
            public void planned(long files, long bytes) {
                try {
                    for (int i = 0; i < 40; i += 2) {
                        Files.delete(source.resolve("base/" + (16000 + i)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };

        CopyResult result;
        try (Transport transport = transport(Map.of("parallel_jobs", "3"))) {
            result = transport.pull(CopyJob.of(source.toString(), destination), deleteWhenPlanned);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source), TreeSnapshot.of(destination), "the tree after 20 files "
                + "vanished between the listing and the copy");
        assertThat(result.files()).isEqualTo(20);
    }

    @Test
    void aFileRsyncCannotReadFailsTheCopyWithRsyncsMessage() throws IOException {
        Path source = SampleTree.at(remote.resolve("pgdata"), 3).file("readable", "yes\n", "rw-------")
                .file("secret", "no\n", "rw-------").seal().root();
        handOver();
        Files.setPosixFilePermissions(source.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.setOwner(source.resolve("secret"), source.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("root"));

        try (Transport transport = transport(Map.of())) {
            assertThatThrownBy(() -> transport.pull(CopyJob.of(source.toString(), local.resolve("data")),
                    CopyListener.NONE))
                    .isInstanceOf(BarmanException.class)
                    .hasMessageContaining("cannot copy postgres@127.0.0.1:" + source)
                    .hasMessageContaining("rsync exited with code 23")
                    .hasMessageContaining("secret")
                    .hasMessageContaining("Permission denied (13)");
        }
    }

    @Test
    void aRetryWithParallelJobsMakesTheDestinationACopy() throws IOException {
        Path tablespace = Files.createDirectories(remote.resolve("tablespaces/1"));
        Path source = SampleTree.pgdataLike(remote.resolve("pgdata"), tablespace).root();
        handOver();
        Path destination = local.resolve("data");
        SampleTree.at(destination, 9)
                .file("stale-file", "not in the source\n", "rw-------")
                .folder("stale-folder", "rwx------")
                .file("stale-folder/file", "x", "rw-------")
                .file("global", "a file where the source has a folder\n", "rw-------")
                .folder("PG_VERSION", "rwx------")
                .file("PG_VERSION/inside", "a folder where the source has a file\n", "rw-------")
                .folder("pg_tblspc", "rwx------")
                .link("pg_tblspc/16385", "/somewhere/else")
                .folder("read-only-folder", "r-x------")
                .file("postmaster.pid", "9999\n", "rw-------")
                .seal();
        List<String> exclusions = List.of("/postmaster.pid", "/pg_wal/*");

        try (Transport transport = transport(Map.of("parallel_jobs", "3"))) {
            transport.pull(new CopyJob(source.toString(), destination, exclusions, ReuseMode.OFF, null, 0),
                    CopyListener.NONE);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source).without("postmaster.pid", "pg_wal/000000010000000000000001",
                "pg_wal/archive_status"), TreeSnapshot.of(destination).without("postmaster.pid"),
                "a destination that existed, after a pull with 3 jobs");
        assertThat(destination.resolve("postmaster.pid")).hasContent("9999\n");
    }

    @Test
    void parallelJobsWithReuseLinkGiveTheSameTreeAndLinks() throws IOException {
        SampleTree tree = SampleTree.at(remote.resolve("pgdata"), 4).folder("base", "rwx------");
        for (int i = 0; i < 30; i++) {
            tree.randomFile("base/" + (17000 + i), 5000 * (i + 1), "rw-------");
        }
        Path source = tree.seal().root();
        handOver();
        Path previous = local.resolve("base/1/data");
        Path next = local.resolve("base/2/data");
        CopyResult second;
        try (Transport transport = transport(Map.of("parallel_jobs", "4"))) {
            transport.pull(CopyJob.of(source.toString(), previous), CopyListener.NONE);
            tree.randomFile("base/17000", 777, "rw-------").seal();
            second = transport.pull(new CopyJob(source.toString(), next, List.of(), ReuseMode.LINK, previous, 0),
                    CopyListener.NONE);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source), TreeSnapshot.of(next), "the second backup");
        assertThat(second.files()).isEqualTo(30);
        assertThat(second.reusedFiles()).isEqualTo(29);
        assertThat(Files.isSameFile(previous.resolve("base/17029"), next.resolve("base/17029"))).isTrue();
        assertThat(Files.isSameFile(previous.resolve("base/17000"), next.resolve("base/17000"))).isFalse();
    }

    @Test
    void oddNamesArriveUnchangedWithParallelJobs() throws IOException {
        Path source = SampleTree.at(remote.resolve("pgdata"), 5)
                .folder("caf\u00e9 folder", "rwx------")
                .file("caf\u00e9 folder/na\u00efve", "1", "rw-------")
                .file("new\nline", "2", "rw-------")
                .file("back\\#012slash", "3", "rw-------")
                .file("-starts-with-dash", "4", "rw-------")
                .file("quote's \"double\"", "5", "rw-------")
                .file("star*", "6", "rw-------")
                .link("link with space", "target with space")
                .seal().root();
        handOver();
        Path destination = local.resolve("data");
        RecordingNames names = new RecordingNames();

        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            transport.pull(CopyJob.of(source.toString(), destination), names);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source), TreeSnapshot.of(destination), "a tree with odd names");
        assertThat(names.done).containsExactlyInAnyOrder("caf\u00e9 folder/na\u00efve", "new\nline",
                "back\\#012slash", "-starts-with-dash", "quote's \"double\"", "star*");
    }

    @Test
    void oneJobHonoursTheBandwidthLimit() throws IOException {
        Path source = SampleTree.at(remote.resolve("big"), 6).randomFile("a", 2 * 1024 * 1024, "rw-------").seal()
                .root();
        handOver();
        long start;
        long elapsed;
        try (Transport transport = transport(Map.of())) {
            start = System.nanoTime();
            transport.pull(new CopyJob(source.toString(), local.resolve("big"), List.of(), ReuseMode.OFF, null, 1000),
                    CopyListener.NONE);
            elapsed = System.nanoTime() - start;
        }

        assertHonoured(elapsed, 2 * 1024 * 1024, 1000, "2 MiB pulled");
    }

    @Test
    void aPushHonoursTheBandwidthLimitToo() throws IOException {
        Path backup = SampleTree.at(local.resolve("big"), 8).randomFile("a", 4 * 1024 * 1024, "rw-------").seal()
                .root();
        handOver();
        long elapsed;
        try (Transport transport = transport(Map.of())) {
            long start = System.nanoTime();
            transport.push(new CopyJob(remote.resolve("big").toString(), backup, List.of(), ReuseMode.OFF, null, 1000),
                    CopyListener.NONE);
            elapsed = System.nanoTime() - start;
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(backup), TreeSnapshot.of(remote.resolve("big")), "the pushed tree");
        assertHonoured(elapsed, 4 * 1024 * 1024, 1000, "4 MiB pushed");
    }

    /**
     * The time of a copy at a limit: not less than 80 % of the ideal, not more than 120 % plus what the connections
     * (and, after a push, the remote sync) cost on a loaded machine.
     */
    private static void assertHonoured(long elapsedNanos, long bytes, long limitKbps, String what) {
        long ideal = bytes * 1_000_000_000L / (limitKbps * 1024);
        assertThat(elapsedNanos).as("%s at %d KB/s, in ms: %d (ideal %d)", what, limitKbps, elapsedNanos / 1_000_000,
                ideal / 1_000_000).isBetween(ideal * 8 / 10, ideal * 12 / 10 + STARTUP_ALLOWANCE.toNanos());
    }

    @Test
    void anInterruptStopsRsyncAndFailsTheCopy() throws Exception {
        Path source = SampleTree.at(remote.resolve("big"), 7).randomFile("a", 4 * 1024 * 1024, "rw-------").seal()
                .root();
        handOver();
        CountDownLatch planned = new CountDownLatch(1);
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        Thread copier = new Thread(() -> {
            try (Transport transport = transport(Map.of())) {
                transport.pull(new CopyJob(source.toString(), local.resolve("big"), List.of(), ReuseMode.OFF, null,
                        100), new CopyListener() {
                            @Override
                            public void planned(long files, long bytes) {
                                planned.countDown();
                            }
                        });
            } catch (RuntimeException e) {
                error.set(e);
            }
        }, "interrupted-copy");
        copier.start();
        assertThat(planned.await(60, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500);
        long interrupted = System.nanoTime();
        copier.interrupt();
        copier.join(30_000);

        assertThat(copier.isAlive()).as("the copy still runs 30 s after its interrupt").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(10));
        assertThat(error.get()).isInstanceOf(BarmanException.class).hasMessageContaining("interrupted");
    }

    @Test
    void anUnknownHostKeyIsRefusedWithWhatToDo() {
        String command = sshd.sshCommand("postgres").replace(sshd.knownHosts().toString(),
                workspace.resolve("empty_known_hosts").toString());
        try (Transport transport = new RsyncTransportProvider().create(PluginOptions.of(Map.of("ssh_command",
                command)))) {
            assertThatThrownBy(() -> transport.pull(CopyJob.of(remote.toString(), local.resolve("data")),
                    CopyListener.NONE))
                    .hasMessageContaining("host key of postgres@127.0.0.1 is not known")
                    .hasMessageContaining("Connect once by hand with '" + command + "'");
        }
    }

    @Test
    void aRemoteCommandThatExitsWith255IsNotAConnectionFailure() {
        try (Transport transport = transport(Map.of())) {
            CommandResult result = transport.run("echo out; exit 255");

            assertThat(result.exitCode()).isEqualTo(255);
            assertThat(result.stdoutText()).isEqualTo("out\n");
        }
    }

    @Test
    void pushWithParallelJobsCopiesTheTreeAndSyncsIt() throws IOException {
        Path tablespace = Files.createDirectories(local.resolve("tablespaces/1"));
        Path backup = SampleTree.pgdataLike(local.resolve("base/1/data"), tablespace).root();
        handOver();
        Path destination = remote.resolve("recovered/deeper/pgdata");

        CopyResult result;
        try (Transport transport = transport(Map.of("parallel_jobs", "3", "network_compression", "on"))) {
            result = transport.push(CopyJob.of(destination.toString(), backup), CopyListener.NONE);
        }

        TreeSnapshot expected = TreeSnapshot.of(backup);
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the tree pushed with 3 jobs");
        assertThat(result).isEqualTo(new CopyResult(expected.fileCount(), expected.fileBytes(), 0, 0));
    }

    /** Remembers the names of {@code fileDone}. */
    private static final class RecordingNames implements CopyListener {
        final List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void fileDone(String relativePath) {
            done.add(relativePath);
        }
    }
}
