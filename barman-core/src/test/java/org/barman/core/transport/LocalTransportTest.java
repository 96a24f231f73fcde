package org.barman.core.transport;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.testkit.transport.SampleTree;
import org.barman.testkit.transport.TreeSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local transport does beyond the contract suite ({@link LocalTransportContractTest}). */
class LocalTransportTest {

    @TempDir
    Path workspace;

    private final Transport transport = new LocalTransportProvider().create(PluginOptions.of(Map.of()));

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void reuseLinkAcrossFileSystemsFailsBeforeCopyingAndSaysWhy() throws IOException {
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).randomFile("base-file", 4096, "rw-------")
                .seal().root();
        Path shm = Path.of("/dev/shm");
        assertThat(Files.getFileStore(shm)).as("this test needs /dev/shm on another file system than " + workspace)
                .isNotEqualTo(Files.getFileStore(workspace));
        Path previous = Files.createTempDirectory(shm, "barman-previous-");
        try {
            transport.pull(CopyJob.of(source.toString(), previous.resolve("data")), CopyListener.NONE);
            Path destination = workspace.resolve("backup/data");
            CopyJob link = new CopyJob(source.toString(), destination, List.of(), ReuseMode.LINK,
                    previous.resolve("data"), 0);

            assertThatThrownBy(() -> transport.pull(link, CopyListener.NONE)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("reuse_backup = link")
                    .hasMessageContaining("hard links cannot cross file systems")
                    .hasMessageContaining("reuse_backup = copy");
            assertThat(destination).doesNotExist();

            CopyResult copied = transport.pull(new CopyJob(source.toString(), destination, List.of(), ReuseMode.COPY,
                    previous.resolve("data"), 0), CopyListener.NONE);
            assertThat(copied).isEqualTo(new CopyResult(1, 4096, 1, 0));
            assertThat(destination.resolve("base-file")).hasSameBinaryContentAs(source.resolve("base-file"));
        } finally {
            transport.run("rm -rf '" + previous + "'");
        }
    }

    @Test
    void aFileThatShrinksWhileItIsReadIsCopiedAsItIsThen() throws IOException {
        byte[] content = random(4 * 1024 * 1024, 1);
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).file("segment", content, "rw-------").seal()
                .root();
        AtomicBoolean truncated = new AtomicBoolean();
        CopyListener truncateAfterFirstChunk = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                if (truncated.compareAndSet(false, true)) {
                    try (FileChannel channel = FileChannel.open(source.resolve("segment"), StandardOpenOption.WRITE)) {
                        channel.truncate(1024 * 1024);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        CopyResult result = transport.pull(new CopyJob(source.toString(), workspace.resolve("data"), List.of(),
                ReuseMode.OFF, null, 40_000), truncateAfterFirstChunk);

        assertThat(truncated).isTrue();
        assertThat(workspace.resolve("data/segment")).hasBinaryContent(Arrays.copyOf(content, 1024 * 1024));
        assertThat(result).isEqualTo(new CopyResult(1, 1024 * 1024, 0, 0));
    }

    @Test
    void aFileThatGrowsWhileItIsReadIsCopiedWithWhatWasAdded() throws IOException {
        byte[] content = random(1024 * 1024, 2);
        byte[] added = random(512 * 1024, 3);
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).file("segment", content, "rw-------").seal()
                .root();
        AtomicBoolean grown = new AtomicBoolean();
        CopyListener appendAfterFirstChunk = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                if (grown.compareAndSet(false, true)) {
                    try {
                        Files.write(source.resolve("segment"), added, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };

        CopyResult result = transport.pull(new CopyJob(source.toString(), workspace.resolve("data"), List.of(),
                ReuseMode.OFF, null, 40_000), appendAfterFirstChunk);

        assertThat(workspace.resolve("data/segment")).hasSameBinaryContentAs(source.resolve("segment"));
        assertThat(result.bytes()).isEqualTo(content.length + added.length);
    }

    @Test
    void aCopyIntoItselfIsRefused() throws IOException {
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).file("PG_VERSION", "15\n", "rw-------").seal()
                .root();

        assertThatThrownBy(() -> transport.pull(CopyJob.of(source.toString(), source.resolve("backup")),
                CopyListener.NONE)).isInstanceOf(BarmanException.class).hasMessageContaining("inside");
        assertThatThrownBy(() -> transport.push(CopyJob.of(workspace.toString(), source), CopyListener.NONE))
                .isInstanceOf(BarmanException.class).hasMessageContaining("inside");
        assertThat(source.resolve("backup")).doesNotExist();
        assertThat(source.resolve("PG_VERSION")).hasContent("15");
    }

    @Test
    void pipesAndSocketsAreSkippedWithoutBlocking() throws IOException {
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).file("PG_VERSION", "15\n", "rw-------").seal()
                .root();
        assertThat(transport.run("mkfifo '" + source.resolve("a-pipe") + "'").exitCode()).isZero();

        CopyResult result = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> transport.pull(CopyJob.of(source.toString(), workspace.resolve("data")), CopyListener.NONE));

        assertThat(result.files()).isEqualTo(1);
        assertThat(workspace.resolve("data/a-pipe")).doesNotExist();
        assertThat(workspace.resolve("data/PG_VERSION")).hasContent("15");
    }

    @Test
    void aSourceThatIsALinkIsFollowedAtTheRootOnly() throws IOException {
        Path real = SampleTree.at(workspace.resolve("real-pgdata"), 1).file("PG_VERSION", "15\n", "rw-------")
                .link("inner-link", "/nowhere").seal().root();
        Path linked = Files.createSymbolicLink(workspace.resolve("pgdata"), real);

        transport.pull(CopyJob.of(linked.toString(), workspace.resolve("data")), CopyListener.NONE);

        assertThat(workspace.resolve("data")).isDirectory();
        assertThat(workspace.resolve("data/PG_VERSION")).hasContent("15");
        assertThat(Files.readSymbolicLink(workspace.resolve("data/inner-link"))).isEqualTo(Path.of("/nowhere"));
    }

    @Test
    void linksKeepTheirModificationTime() throws IOException {
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).link("pg_tblspc", "/tablespaces").seal().root();
        FileTime linkTime = FileTime.from(Instant.parse("2020-02-02T02:02:02Z"));
        Files.getFileAttributeView(source.resolve("pg_tblspc"), BasicFileAttributeView.class, NOFOLLOW_LINKS)
                .setTimes(linkTime, null, null);

        transport.pull(CopyJob.of(source.toString(), workspace.resolve("data")), CopyListener.NONE);

        assertThat(Files.getLastModifiedTime(workspace.resolve("data/pg_tblspc"), NOFOLLOW_LINKS))
                .isEqualTo(linkTime);
    }

    @Test
    void pushIgnoresReuse() throws IOException {
        Path backup = SampleTree.at(workspace.resolve("backup"), 1).file("PG_VERSION", "15\n", "rw-------").seal()
                .root();
        Path destination = workspace.resolve("restore");

        CopyResult result = transport.push(new CopyJob(destination.toString(), backup, List.of(), ReuseMode.LINK,
                backup, 0), CopyListener.NONE);

        assertThat(result).isEqualTo(new CopyResult(1, 3, 0, 0));
        assertThat(Files.getAttribute(destination.resolve("PG_VERSION"), "unix:nlink")).isEqualTo(1);
    }

    @Test
    void aBlankExclusionIsAClearError() throws IOException {
        Path source = SampleTree.at(workspace.resolve("pgdata"), 1).seal().root();

        assertThatThrownBy(() -> transport.pull(new CopyJob(source.toString(), workspace.resolve("data"),
                List.of("/pg_wal/*", ""), ReuseMode.OFF, null, 0), CopyListener.NONE))
                .isInstanceOf(BarmanException.class).hasMessageContaining("exclusion pattern is empty");
    }

    @Test
    void parallelJobsMustBeAPositiveInteger() {
        LocalTransportProvider provider = new LocalTransportProvider();

        assertThatThrownBy(() -> provider.create(new PluginOptions("/etc/barman.conf [main]",
                Map.of("parallel_jobs", "0")))).isInstanceOf(BarmanException.class)
                .hasMessage("/etc/barman.conf [main]: invalid value '0' for option parallel_jobs: "
                        + "expected an integer (1 or more)");
        assertThatThrownBy(() -> provider.create(PluginOptions.of(Map.of("parallel_jobs", "many"))))
                .isInstanceOf(BarmanException.class).hasMessageContaining("parallel_jobs");
        assertThat(provider.create(PluginOptions.of(Map.of("parallel_jobs", "3"))).name()).isEqualTo("local");
    }

    @Test
    void runPassesNoStandardInput() {
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> transport.run("cat")).stdout())
                .isEmpty();
    }

    @Test
    void aSnapshotOfTheCopyMatchesWithEveryNumberOfJobs() throws IOException {
        SampleTree tree = SampleTree.pgdataLike(workspace.resolve("pgdata"), Files.createDirectory(
                workspace.resolve("tablespace")));
        for (int i = 0; i < 200; i++) {
            tree.randomFile("base/1/" + (30000 + i), i % 7 == 0 ? 0 : 1000 + i * 37, "rw-------");
        }
        Path source = tree.seal().root();
        TreeSnapshot expected = TreeSnapshot.of(source);
        for (int jobs : new int[] {1, 2, 3, 8}) {
            Transport parallel = new LocalTransportProvider().create(PluginOptions.of(Map.of("parallel_jobs",
                    String.valueOf(jobs))));
            Path destination = workspace.resolve("data-" + jobs);

            CopyResult result = parallel.pull(CopyJob.of(source.toString(), destination), CopyListener.NONE);

            TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), jobs + " jobs");
            assertThat(result.files()).isEqualTo(expected.fileCount());
        }
    }
}
