package org.barman.testkit.transport;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.barman.api.BarmanApi;
import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Transport} must do, as JUnit tests: a transport module runs them by extending this class in
 * its tests and naming its provider (for example {@code class LocalTransportContractTest extends
 * TransportContract}). Transports that reach another host extend {@link RemoteTransportContract} instead, which
 * adds the failures of a connection.
 *
 * <p>Everything happens on this machine: the "remote side" is the folder {@link #remoteSide()} as the transport
 * reaches it (for a remote transport, over SSH to a loopback sshd), the "local side" (the backup host) is
 * {@link #localSide()}. A subclass says how the remote side names a path ({@link #remotePath(Path)}) and gets a
 * chance to hand what the suite wrote to the remote user ({@link #handOverToRemote(Path)}) before every copy.
 *
 * <p>The checks follow {@link Transport#pull}'s Javadoc: content, permission bits and modification times of files
 * and folders, links copied as links, exclusions in rsync's form, reuse of a previous backup by hard link or copy,
 * an existing destination made a copy of the source, a link of the destination replaced and never written through,
 * the bandwidth limit, vanished files (skipped by a pull, fatal for a push, as {@link Transport#push} says), clear
 * errors, and {@link Transport#run(String)}'s exit code and outputs. The whole suite takes a few seconds; the bandwidth check
 * is the slowest (2 s).
 */
public abstract class TransportContract {

    /** Both sides of every test live under this folder, removed afterwards. */
    @TempDir
    protected Path workspace;

    private Path tablespace;

    /** @return the provider of the transport under test */
    protected abstract TransportProvider provider();

    /**
     * @return the options the transport is created with, such as {@code ssh_command}; the suite adds
     *     {@code parallel_jobs} and {@code network_compression} where it tests them
     */
    protected PluginOptions options() {
        return PluginOptions.of(Map.of());
    }

    /**
     * @param path a path of this machine under {@link #remoteSide()}
     * @return how the transport's remote side names it (by default the absolute path)
     */
    protected String remotePath(Path path) {
        return path.toAbsolutePath().toString();
    }

    /** @return where the suite makes the trees a transport pulls and the folders it pushes into */
    protected Path remoteSide() {
        return workspace.resolve("remote");
    }

    /** @return where the suite makes the trees a transport pushes and the folders it pulls into */
    protected Path localSide() {
        return workspace.resolve("local");
    }

    /**
     * Called before every copy or command, once the suite has written what the remote side will read: a transport
     * whose remote side is another user can give it the files here (by default nothing happens).
     *
     * @param remoteSide the folder {@link #remoteSide()}
     * @throws IOException when the hand-over fails
     */
    protected void handOverToRemote(Path remoteSide) throws IOException {
    }

    /**
     * @return the time a copy may take beyond what its bandwidth limit allows, for the connection and the start
     *     of remote processes
     */
    protected Duration startupAllowance() {
        return Duration.ofMillis(750);
    }

    /**
     * @return whether the remote side reads files ahead of the progress the transport reports, by more than the
     *     few hundred KiB of {@link #filesThatVanishOrChangeSizeDuringThePullDoNotFailIt}'s tree (a transport that
     *     streams through SSH windows and buffers of megabytes does): that test then changes the source at
     *     {@code planned}, after the listing and before the copy, instead of at the first byte, which such a
     *     transport reports only once the remote side has read everything
     */
    protected boolean readsAheadOfProgress() {
        return false;
    }

    /**
     * @param extraOptions options set on top of {@link #options()}
     * @return a new transport of the provider under test
     */
    protected final Transport transport(Map<String, String> extraOptions) {
        return provider().create(options().with(extraOptions));
    }

    @BeforeEach
    final void createSides() throws IOException {
        Files.createDirectories(remoteSide());
        Files.createDirectories(localSide());
        tablespace = remoteSide().resolve("tablespaces/16385");
        Files.createDirectories(tablespace);
        Files.writeString(tablespace.resolve("PG_15_202209061"), "a tablespace's content, never copied through "
                + "its link\n");
    }

    /** @return the tablespace folder the {@code pg_tblspc/16385} links of sample trees point to */
    protected final Path tablespace() {
        return tablespace;
    }

    private CopyResult pull(Transport transport, CopyJob job, CopyListener listener) throws IOException {
        handOverToRemote(remoteSide());
        return transport.pull(job, listener);
    }

    private CopyResult push(Transport transport, CopyJob job, CopyListener listener) throws IOException {
        handOverToRemote(remoteSide());
        return transport.push(job, listener);
    }

    private CommandResult run(Transport transport, String command) throws IOException {
        handOverToRemote(remoteSide());
        return transport.run(command);
    }

    private static CopyJob job(String remotePath, Path localPath, List<String> exclusions) {
        return new CopyJob(remotePath, localPath, exclusions, ReuseMode.OFF, null, 0);
    }

    private static void assertProgress(RecordingListener listener, CopyResult result, TreeSnapshot tree) {
        assertEquals(List.of(), listener.problems(result, tree), "progress reported to the CopyListener");
    }

    private static CopyResult full(TreeSnapshot tree) {
        return new CopyResult(tree.fileCount(), tree.fileBytes(), 0, 0);
    }

    // ---- discovery

    @Test
    void theProviderIsRegisteredUnderItsName() {
        String name = provider().name();
        assertEquals(name.toLowerCase(Locale.ROOT), name, "a transport's name is lower case");
        assertTrue(BarmanApi.isCompatible(provider().apiVersion()), "the provider reports the plug-in API "
                + provider().apiVersion() + ", not compatible with " + BarmanApi.VERSION);
        List<TransportProvider> found = new ArrayList<>();
        for (TransportProvider candidate : ServiceLoader.load(TransportProvider.class,
                provider().getClass().getClassLoader())) {
            if (candidate.name().equals(name)) {
                found.add(candidate);
            }
        }
        assertEquals(1, found.size(), "META-INF/services/" + TransportProvider.class.getName()
                + " should register exactly one provider named " + name);
        assertEquals(provider().getClass(), found.get(0).getClass());
        try (Transport transport = transport(Map.of())) {
            assertEquals(name, transport.name());
        }
    }

    // ---- pull

    @Test
    void pullCopiesFilesFoldersLinksPermissionsAndTimes() throws IOException {
        Path source = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace()).root();
        TreeSnapshot expected = TreeSnapshot.of(source);
        Path destination = localSide().resolve("base/20240101T000000/data");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, CopyJob.of(remotePath(source), destination), listener);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the pulled tree");
        assertEquals(TreeSnapshot.Kind.LINK, expected.get("pg_tblspc/16385").kind(), "the sample's tablespace link");
        assertEquals(full(expected), result);
        assertProgress(listener, result, expected);
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(source), "the source after the pull");
    }

    @Test
    void pullWithParallelJobsCopiesTheSameTree() throws IOException {
        SampleTree tree = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace());
        Random sizes = new Random(3);
        for (int i = 0; i < 64; i++) {
            tree.randomFile("base/5/" + (20000 + i), sizes.nextInt(3) == 0 ? 0 : sizes.nextInt(200_000), "rw-------");
        }
        Path source = tree.seal().root();
        TreeSnapshot expected = TreeSnapshot.of(source);
        Path destination = localSide().resolve("data");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of("parallel_jobs", "4"))) {
            result = pull(transport, CopyJob.of(remotePath(source), destination), listener);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the tree pulled with 4 parallel jobs");
        assertEquals(full(expected), result);
        assertProgress(listener, result, expected);
    }

    @Test
    void pullWithNetworkCompressionCopiesTheSameTree() throws IOException {
        Path source = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace()).root();
        TreeSnapshot expected = TreeSnapshot.of(source);
        Path destination = localSide().resolve("data");

        CopyResult result;
        try (Transport transport = transport(Map.of("network_compression", "true"))) {
            result = pull(transport, CopyJob.of(remotePath(source), destination), CopyListener.NONE);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the tree pulled with network compression");
        assertEquals(full(expected), result);
    }

    @Test
    void pullLeavesOutWhatTheExclusionsMatch() throws IOException {
        SampleTree tree = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace());
        tree.file("global/pg_notify", "a file with the name of an excluded folder\n", "rw-------");
        tree.file("base/1/1259.opts", "matches *.opts at any depth\n", "rw-------");
        Path source = tree.seal().root();
        List<String> exclusions = List.of("/postmaster.pid", "/pg_wal/*", "pgsql_tmp*", "/pg_stat_tmp/*",
                "/global/pg_control", "*.opts", "empty/deeper/", "run?me.sh", "pg_notify/");
        TreeSnapshot expected = TreeSnapshot.of(source).without("postmaster.pid",
                "pg_wal/000000010000000000000001", "pg_wal/archive_status", "base/5/pgsql_tmp",
                "base/pgsql_tmp_other", "global/pg_control", "postmaster.opts", "base/1/1259.opts", "empty/deeper",
                "run me.sh", "pg_notify");
        Path destination = localSide().resolve("data");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, job(remotePath(source), destination, exclusions), listener);
        }

        TreeSnapshot actual = TreeSnapshot.of(destination);
        TreeSnapshot.assertSame(expected, actual, "the tree pulled with exclusions " + exclusions);
        assertEquals(TreeSnapshot.Kind.FOLDER, actual.get("pg_wal").kind(), "/pg_wal/* keeps the folder");
        assertEquals(TreeSnapshot.Kind.FILE, actual.get("base/5/postmaster.pid").kind(),
                "/postmaster.pid is anchored at the root");
        assertEquals(TreeSnapshot.Kind.FILE, actual.get("global/pg_notify").kind(),
                "pg_notify/ matches folders only");
        assertEquals(full(expected), result);
        assertProgress(listener, result, expected);
    }

    @Test
    void pullIntoAnExistingDestinationMakesItACopyOfTheSource() throws IOException {
        Path source = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace()).root();
        Path destination = localSide().resolve("data");
        SampleTree leftover = SampleTree.at(destination, 9)
                .file("stale-file", "not in the source\n", "rw-------")
                .folder("stale-folder", "rwx------")
                .folder("stale-folder/deeper", "rwx------")
                .file("stale-folder/deeper/file", "not in the source\n", "rw-------")
                .folder("base", "rwx------")
                .folder("base/1", "rwx------")
                .file("base/1/1259", "an older content of another size\n", "rw-rw-rw-")
                .file("global", "a file where the source has a folder\n", "rw-------")
                .folder("PG_VERSION", "rwx------")
                .file("PG_VERSION/inside", "a folder where the source has a file\n", "rw-------")
                .folder("pg_tblspc", "rwx------")
                .link("pg_tblspc/16385", "/somewhere/else")
                .file("postmaster.pid", "9999\n", "rw-------")
                .folder("pg_wal", "rwx------")
                .file("pg_wal/000000010000000000000000", "protected by /pg_wal/*\n", "rw-------")
                .folder("read-only-folder", "rwx------")
                .file("read-only-folder/stale", "in a read-only folder\n", "rw-------");
        leftover.folder("read-only-folder", "r-x------").seal();
        List<String> exclusions = List.of("/postmaster.pid", "/pg_wal/*");
        TreeSnapshot expected = TreeSnapshot.of(source).without("postmaster.pid",
                "pg_wal/000000010000000000000001", "pg_wal/archive_status");

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, job(remotePath(source), destination, exclusions), CopyListener.NONE);
        }

        TreeSnapshot actual = TreeSnapshot.of(destination);
        TreeSnapshot.assertSame(expected, actual.without("postmaster.pid", "pg_wal/000000010000000000000000"),
                "a destination that existed, after the pull");
        assertEquals("9999\n", Files.readString(destination.resolve("postmaster.pid")),
                "an excluded file of the destination is kept");
        assertEquals(full(expected), result);
    }

    // ---- reuse

    /** Pulls the sample into a first backup, then changes the source. */
    private record TwoBackups(Path source, Path previous, TreeSnapshot previousBefore, List<String> unchanged,
            long unchangedBytes) {
    }

    private TwoBackups previousBackupAndChangedSource() throws IOException {
        SampleTree tree = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace());
        Path source = tree.root();
        Path previous = localSide().resolve("base/1/data");
        try (Transport transport = transport(Map.of())) {
            pull(transport, CopyJob.of(remotePath(source), previous), CopyListener.NONE);
        }
        byte[] changed = new byte[1024 * 1024 + 17];
        new Random(5).nextBytes(changed);
        tree.file("base/5/16384", changed, "rw-------");
        Files.setPosixFilePermissions(source.resolve("base/1/1259_fsm"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(source.resolve("PG_VERSION"), FileTime.from(tree.nextTime()));
        tree.randomFile("base/5/16390", 40000, "rw-------");
        Files.delete(source.resolve("base/1/1259"));
        tree.seal();
        TreeSnapshot before = TreeSnapshot.of(previous);
        TreeSnapshot now = TreeSnapshot.of(source);
        List<String> unchanged = new ArrayList<>();
        long unchangedBytes = 0;
        for (String file : now.files()) {
            if (now.get(file).equals(before.entries().get(file))) {
                unchanged.add(file);
                unchangedBytes += now.get(file).size();
            }
        }
        return new TwoBackups(source, previous, before, unchanged, unchangedBytes);
    }

    private static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino", NOFOLLOW_LINKS)).longValue();
    }

    @Test
    void pullWithReuseLinkHardLinksTheUnchangedFiles() throws IOException {
        TwoBackups backups = previousBackupAndChangedSource();
        TreeSnapshot expected = TreeSnapshot.of(backups.source());
        Path destination = localSide().resolve("base/2/data");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, new CopyJob(remotePath(backups.source()), destination, List.of(), ReuseMode.LINK,
                    backups.previous(), 0), listener);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the backup made with reuse = link");
        TreeSnapshot.assertSame(backups.previousBefore(), TreeSnapshot.of(backups.previous()),
                "the previous backup after a backup that reused it");
        assertTrue(backups.unchanged().size() > 5, "the sample has unchanged files: " + backups.unchanged());
        for (String file : backups.unchanged()) {
            assertEquals(inode(backups.previous().resolve(file)), inode(destination.resolve(file)),
                    file + " is unchanged: it should be a hard link to the previous backup's");
        }
        for (String file : List.of("base/5/16384", "base/1/1259_fsm", "PG_VERSION")) {
            assertNotEquals(inode(backups.previous().resolve(file)), inode(destination.resolve(file)),
                    file + " changed: it must be a new file");
        }
        assertEquals(new CopyResult(expected.fileCount(), expected.fileBytes(), backups.unchanged().size(),
                backups.unchangedBytes()), result);
        assertProgress(listener, result, expected);
    }

    @Test
    void pullWithReuseCopyCopiesTheUnchangedFilesFromThePreviousBackup() throws IOException {
        TwoBackups backups = previousBackupAndChangedSource();
        TreeSnapshot expected = TreeSnapshot.of(backups.source());
        Path destination = localSide().resolve("base/2/data");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, new CopyJob(remotePath(backups.source()), destination, List.of(), ReuseMode.COPY,
                    backups.previous(), 0), listener);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the backup made with reuse = copy");
        TreeSnapshot.assertSame(backups.previousBefore(), TreeSnapshot.of(backups.previous()),
                "the previous backup after a backup that reused it");
        for (String file : backups.unchanged()) {
            assertNotEquals(inode(backups.previous().resolve(file)), inode(destination.resolve(file)),
                    file + ": reuse = copy must make a file of its own");
        }
        assertEquals(new CopyResult(expected.fileCount(), expected.fileBytes(), backups.unchanged().size(), 0),
                result);
        assertProgress(listener, result, expected);
    }

    @Test
    void aRetryOverHardLinksNeverWritesIntoThePreviousBackup() throws IOException {
        TwoBackups backups = previousBackupAndChangedSource();
        Path destination = localSide().resolve("base/2/data");
        CopyJob job = new CopyJob(remotePath(backups.source()), destination, List.of(), ReuseMode.LINK,
                backups.previous(), 0);
        try (Transport transport = transport(Map.of())) {
            pull(transport, job, CopyListener.NONE);
            byte[] changedAgain = new byte[65536];
            new Random(6).nextBytes(changedAgain);
            String linked = backups.unchanged().stream().filter(file -> file.startsWith("global/")).findFirst()
                    .orElseThrow();
            Files.write(backups.source().resolve(linked), changedAgain);
            Files.setPosixFilePermissions(backups.source().resolve("postgresql.conf"),
                    PosixFilePermissions.fromString("rw-------"));
            pull(transport, job, CopyListener.NONE);
        }

        TreeSnapshot.assertSame(backups.previousBefore(), TreeSnapshot.of(backups.previous()),
                "the previous backup after a retried backup that hard-linked its files");
        TreeSnapshot.assertSame(TreeSnapshot.of(backups.source()), TreeSnapshot.of(destination),
                "the retried backup");
    }

    @Test
    void pullWithReuseButNoPreviousBackupCopiesEverything() throws IOException {
        Path source = SampleTree.pgdataLike(remoteSide().resolve("pgdata"), tablespace()).root();
        TreeSnapshot expected = TreeSnapshot.of(source);
        Path destination = localSide().resolve("data");

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = pull(transport, new CopyJob(remotePath(source), destination, List.of(), ReuseMode.LINK, null, 0),
                    CopyListener.NONE);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the first backup with reuse = link");
        assertEquals(full(expected), result);
    }

    // ---- push

    @Test
    void pushCopiesATreeToTheRemoteSide() throws IOException {
        Path backup = SampleTree.pgdataLike(localSide().resolve("base/1/data"), tablespace()).root();
        TreeSnapshot expected = TreeSnapshot.of(backup);
        Path destination = remoteSide().resolve("recovered/pgdata");
        RecordingListener listener = new RecordingListener();

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = push(transport, CopyJob.of(remotePath(destination), backup), listener);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination), "the pushed tree");
        assertEquals(full(expected), result);
        assertProgress(listener, result, expected);
        TreeSnapshot.assertSame(expected, TreeSnapshot.of(backup), "the backup after the push");
    }

    @Test
    void pushIntoAnExistingFolderMakesItACopyAndKeepsWhatIsExcluded() throws IOException {
        Path backup = SampleTree.pgdataLike(localSide().resolve("base/1/data"), tablespace()).root();
        Path destination = remoteSide().resolve("pgdata");
        SampleTree.at(destination, 8)
                .file("stale-file", "not in the backup\n", "rw-------")
                .file("PG_VERSION", "14\n", "rw-------")
                .file("postmaster.pid", "9999\n", "rw-------")
                .seal();
        TreeSnapshot expected = TreeSnapshot.of(backup).without("postmaster.pid");

        CopyResult result;
        try (Transport transport = transport(Map.of())) {
            result = push(transport, job(remotePath(destination), backup, List.of("/postmaster.pid")),
                    CopyListener.NONE);
        }

        TreeSnapshot.assertSame(expected, TreeSnapshot.of(destination).without("postmaster.pid"),
                "a folder that existed, after the push");
        assertEquals("9999\n", Files.readString(destination.resolve("postmaster.pid")));
        assertEquals(full(expected), result);
    }

    // ---- links in the destination

    /**
     * A destination left by an earlier attempt holds a link where the source has a folder: the copy replaces the link
     * with a folder and never writes through it into what it points to.
     */
    @Test
    void pullIntoADestinationWithALinkWhereTheSourceHasAFolderNeverWritesThroughIt() throws IOException {
        Path source = SampleTree.at(remoteSide().resolve("pgdata"), 12)
                .folder("base", "rwx------")
                .file("base/canary", "from the source\n", "rw-------")
                .seal().root();
        Path outside = canaryFolder(localSide().resolve("outside"));
        TreeSnapshot outsideBefore = TreeSnapshot.of(outside);
        Path destination = Files.createDirectories(localSide().resolve("data"));
        Files.createSymbolicLink(destination.resolve("base"), outside);

        try (Transport transport = transport(Map.of())) {
            pull(transport, CopyJob.of(remotePath(source), destination), CopyListener.NONE);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source), TreeSnapshot.of(destination), "the pulled tree");
        TreeSnapshot.assertSame(outsideBefore, TreeSnapshot.of(outside), "what the destination's link pointed to");
    }

    /** The same for a push: a link in the recovery's destination is replaced, never written through. */
    @Test
    void pushIntoADestinationWithALinkWhereTheBackupHasAFolderNeverWritesThroughIt() throws IOException {
        Path backup = SampleTree.at(localSide().resolve("base/1/data"), 13)
                .folder("base", "rwx------")
                .file("base/canary", "from the backup\n", "rw-------")
                .seal().root();
        Path outside = canaryFolder(remoteSide().resolve("outside"));
        Path destination = Files.createDirectories(remoteSide().resolve("pgdata"));
        Files.createSymbolicLink(destination.resolve("base"), outside);
        handOverToRemote(remoteSide());
        TreeSnapshot outsideBefore = TreeSnapshot.of(outside);

        try (Transport transport = transport(Map.of())) {
            push(transport, CopyJob.of(remotePath(destination), backup), CopyListener.NONE);
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(backup), TreeSnapshot.of(destination), "the pushed tree");
        TreeSnapshot.assertSame(outsideBefore, TreeSnapshot.of(outside), "what the destination's link pointed to");
    }

    private static Path canaryFolder(Path folder) throws IOException {
        return SampleTree.at(folder, 14)
                .file("canary", "must stay as it is\n", "rw-r-----")
                .folder("nest", "rwx------")
                .file("nest/egg", "must stay too\n", "rw-------")
                .seal().root();
    }

    // ---- a push copies a backup, which must not change

    /**
     * A push copies a backup for a recovery: a file of it that vanishes during the copy (the backup deleted
     * meanwhile) must fail the push, naming the file, instead of leaving an incomplete copy that looks complete. As
     * in {@link #filesThatVanishOrChangeSizeDuringThePullDoNotFailIt}, the files go at the first progress event,
     * under a bandwidth limit, with two parallel jobs.
     */
    @Test
    void aSourceFileThatVanishesDuringThePushFailsIt() throws IOException {
        SampleTree tree = SampleTree.at(localSide().resolve("base/1/data"), 15)
                .randomFile("0-first", 512 * 1024, "rw-------")
                .folder("vanishing", "rwx------");
        for (int i = 0; i < 100; i++) {
            tree.randomFile(String.format(Locale.ROOT, "vanishing/f%03d", i), 4096, "rw-------");
        }
        Path backup = tree.seal().root();
        Path destination = remoteSide().resolve("recovered/pgdata");
        RecordingListener listener = new RecordingListener(() -> {
            try {
                deleteContent(backup.resolve("vanishing"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, readsAheadOfProgress());

        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            BarmanException error = assertThrows(BarmanException.class, () -> push(transport,
                    new CopyJob(remotePath(destination), backup, List.of(), ReuseMode.OFF, null, 1000), listener),
                    "a push whose source files vanished must fail");
            assertTrue(error.getMessage().contains("vanishing/f") && error.getMessage().contains("vanish"),
                    "the message should name a vanished file: " + error.getMessage());
        }
    }

    /** A file of the backup that shrinks once the push has planned the copy fails it, naming the file. */
    @Test
    void aSourceFileThatShrinksDuringThePushFailsIt() throws IOException {
        Path backup = SampleTree.at(localSide().resolve("base/1/data"), 16)
                .randomFile("PG_VERSION", 3, "rw-------")
                .randomFile("shrinking", 256 * 1024, "rw-------")
                .seal().root();
        RecordingListener listener = new RecordingListener(() -> {
            try {
                Files.write(backup.resolve("shrinking"), new byte[100]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, true);

        assertThePushFailsNaming(backup, listener, "shrinking");
    }

    /** A file of the backup replaced by a folder once the push has planned the copy fails it, naming the file. */
    @Test
    void aSourceFileReplacedByAFolderDuringThePushFailsIt() throws IOException {
        Path backup = SampleTree.at(localSide().resolve("base/1/data"), 17)
                .randomFile("PG_VERSION", 3, "rw-------")
                .randomFile("changing", 64 * 1024, "rw-------")
                .seal().root();
        RecordingListener listener = new RecordingListener(() -> {
            try {
                Files.delete(backup.resolve("changing"));
                Files.createDirectory(backup.resolve("changing"));
                Files.writeString(backup.resolve("changing/inside"), "a folder now\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, true);

        assertThePushFailsNaming(backup, listener, "changing");
    }

    private void assertThePushFailsNaming(Path backup, RecordingListener listener, String file) throws IOException {
        Path destination = remoteSide().resolve("recovered/pgdata");
        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            BarmanException error = assertThrows(BarmanException.class, () -> push(transport,
                    CopyJob.of(remotePath(destination), backup), listener),
                    "a push whose source changed must fail");
            assertTrue(error.getMessage().contains(file), "the message should name " + file + ": "
                    + error.getMessage());
        }
    }

    // ---- limits and failures

    @Test
    void theBandwidthLimitHoldsForAllParallelJobsTogether() throws IOException {
        Path source = SampleTree.at(remoteSide().resolve("big"), 7)
                .randomFile("a", 1024 * 1024, "rw-------")
                .randomFile("b", 1024 * 1024, "rw-------")
                .seal().root();
        long limitKbps = 1000;
        Duration ideal = Duration.ofNanos(2L * 1024 * 1024 * 1_000_000_000L / (limitKbps * 1024));
        Path destination = localSide().resolve("big");

        long elapsed;
        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            long start = System.nanoTime();
            pull(transport, new CopyJob(remotePath(source), destination, List.of(), ReuseMode.OFF, null, limitKbps),
                    CopyListener.NONE);
            elapsed = System.nanoTime() - start;
        }

        TreeSnapshot.assertSame(TreeSnapshot.of(source), TreeSnapshot.of(destination), "the tree pulled with a limit");
        long lowest = ideal.toNanos() * 8 / 10;
        long highest = ideal.toNanos() * 12 / 10 + startupAllowance().toNanos();
        assertTrue(elapsed >= lowest && elapsed <= highest, "2 MiB at " + limitKbps + " KB/s took "
                + Duration.ofNanos(elapsed).toMillis() + " ms; expected " + lowest / 1_000_000 + ".."
                + highest / 1_000_000 + " ms (ideal " + ideal.toMillis() + " ms)");
    }

    @Test
    void pullOfAMissingFolderFailsNamingIt() throws IOException {
        Path missing = remoteSide().resolve("no-such-folder");
        try (Transport transport = transport(Map.of())) {
            BarmanException error = assertThrows(BarmanException.class,
                    () -> pull(transport, CopyJob.of(remotePath(missing), localSide().resolve("data")),
                            CopyListener.NONE));
            assertTrue(error.getMessage().contains("no-such-folder"), "the message should name the folder: "
                    + error.getMessage());
        }
    }

    @Test
    void pushOfAMissingFolderFailsNamingIt() throws IOException {
        Path missing = localSide().resolve("no-such-backup");
        try (Transport transport = transport(Map.of())) {
            BarmanException error = assertThrows(BarmanException.class,
                    () -> push(transport, CopyJob.of(remotePath(remoteSide().resolve("pgdata")), missing),
                            CopyListener.NONE));
            assertTrue(error.getMessage().contains("no-such-backup"), "the message should name the folder: "
                    + error.getMessage());
        }
    }

    /**
     * At the first progress event, deletes a folder's content and changes the size of two files. The copy runs with
     * a bandwidth limit, so that it is not over by then, and two parallel jobs, so that a transport that hands what
     * it lists to copying threads has files listed but not opened yet.
     */
    @Test
    void filesThatVanishOrChangeSizeDuringThePullDoNotFailIt() throws IOException {
        SampleTree tree = SampleTree.at(remoteSide().resolve("pgdata"), 11)
                .randomFile("0-first", 512 * 1024, "rw-------")
                .randomFile("shrinking", 256 * 1024, "rw-------")
                .randomFile("growing", 1024, "rw-------")
                .folder("vanishing", "rwx------")
                .folder("vanishing/folder", "rwx------");
        for (int i = 0; i < 100; i++) {
            tree.randomFile(String.format(Locale.ROOT, "vanishing/f%03d", i), 4096, "rw-------");
            tree.randomFile(String.format(Locale.ROOT, "vanishing/folder/f%03d", i), 100, "rw-------");
        }
        Path source = tree.seal().root();
        TreeSnapshot before = TreeSnapshot.of(source);
        Path destination = localSide().resolve("data");
        RecordingListener listener = new RecordingListener(() -> {
            try {
                deleteContent(source.resolve("vanishing"));
                Files.write(source.resolve("shrinking"), new byte[100]);
                Files.write(source.resolve("growing"), new byte[300 * 1024], StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, readsAheadOfProgress());

        CopyResult result;
        try (Transport transport = transport(Map.of("parallel_jobs", "2"))) {
            result = pull(transport, new CopyJob(remotePath(source), destination, List.of(), ReuseMode.OFF, null, 1000),
                    listener);
        }

        TreeSnapshot after = TreeSnapshot.of(destination);
        assertEquals(before.get("0-first"), after.get("0-first"));
        assertEquals(TreeSnapshot.Kind.FILE, after.get("shrinking").kind());
        assertEquals(TreeSnapshot.Kind.FILE, after.get("growing").kind());
        List<String> vanished = before.files().stream().filter(file -> file.startsWith("vanishing/")).toList();
        long copiedAnyway = 0;
        for (String file : vanished) {
            TreeSnapshot.Entry copy = after.entries().get(file);
            if (copy != null) {
                copiedAnyway++;
                assertEquals(before.get(file).sha256(), copy.sha256(), file + " was copied before it vanished");
            }
        }
        assertTrue(copiedAnyway < vanished.size(), "every vanishing file was copied: the test deletes them at the "
                + (readsAheadOfProgress() ? "plan" : "first progress event") + ", the transport reported no progress "
                + "before the end of the copy");
        assertEquals(after.fileCount(), result.files(), "files counted in the result");
    }

    private static void deleteContent(Path folder) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = new ArrayList<>(walk.filter(path -> !path.equals(folder)).toList());
        }
        paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path path : paths) {
            Files.delete(path);
        }
    }

    // ---- commands

    @Test
    void runReturnsTheExitCodeAndBothOutputs() throws IOException {
        try (Transport transport = transport(Map.of())) {
            CommandResult result = run(transport, "printf 'out\\000put\\377'; printf 'trouble' >&2; exit 3");

            assertEquals(3, result.exitCode());
            assertArrayEquals(new byte[] {'o', 'u', 't', 0, 'p', 'u', 't', (byte) 0xff}, result.stdout(),
                    "standard output, byte for byte");
            assertTrue(result.stderr().contains("trouble"), "standard error: " + result.stderr());
        }
    }

    @Test
    void runReportsAMissingCommandAsAnExitCode() throws IOException {
        try (Transport transport = transport(Map.of())) {
            CommandResult result = run(transport, "no-such-command-for-barman-tests");

            assertEquals(127, result.exitCode(), "sh's code for a command not found");
            assertTrue(result.stderr().contains("no-such-command-for-barman-tests"), result.stderr());
        }
    }

    @Test
    void runKeepsLargeOutputsOfBothStreams() throws IOException {
        try (Transport transport = transport(Map.of())) {
            handOverToRemote(remoteSide());
            CommandResult result = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> transport.run(
                    "head -c 300000 /dev/zero >&2; head -c 400000 /dev/zero; head -c 300000 /dev/zero >&2"),
                    "a command writing much on both streams (a transport that reads one stream to its end "
                            + "before the other blocks)");

            assertEquals(0, result.exitCode());
            assertEquals(400000, result.stdout().length);
            assertEquals(600000, result.stderr().length());
        }
    }

    @Test
    void runSeesTheRemoteFiles() throws IOException {
        Path file = remoteSide().resolve("hello.txt");
        Files.writeString(file, "hello from the remote side\n");
        try (Transport transport = transport(Map.of())) {
            CommandResult found = run(transport, "cat '" + remotePath(file) + "'");
            CommandResult missing = run(transport, "test -e '" + remotePath(remoteSide().resolve("nothing")) + "'");

            assertEquals(0, found.exitCode(), found.stderr());
            assertEquals("hello from the remote side\n", new String(found.stdout(), StandardCharsets.UTF_8));
            assertEquals(1, missing.exitCode());
        }
    }
}
