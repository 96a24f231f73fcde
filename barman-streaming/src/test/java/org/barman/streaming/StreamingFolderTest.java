package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.barman.api.WalReceiverJob;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalReceiverProvider;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingFolderTest {

    private static final long SIZE = 1024 * 1024;

    @TempDir
    Path work;

    private final List<StreamingFolder> opened = new ArrayList<>();

    private StreamingFolder folder() {
        StreamingFolder folder = new StreamingFolder(work.resolve("streaming"), "main");
        folder.prepare();
        opened.add(folder);
        return folder;
    }

    /** A receiver closes its folder; so do the tests, or the next segment's preparation outlives the folder. */
    @AfterEach
    void closeFolders() {
        opened.forEach(StreamingFolder::close);
    }

    private void touch(String name) throws IOException {
        Files.write(work.resolve("streaming").resolve(name), new byte[] {1});
    }

    @Test
    void theNewestFileIsOfTheHighestTimelineThenTheHighestPosition() throws IOException {
        StreamingFolder folder = folder();
        touch("000000010000000000000007");
        touch("000000010000000000000005.partial");
        touch("000000020000000000000005");
        touch("000000020000000000000006.partial");
        touch("00000003.history");
        touch("not-wal");

        assertThat(folder.newest()).contains(WalSegmentName.parse("000000020000000000000006.partial"));
        assertThat(folder.partials()).extracting(WalSegmentName::fileName)
                .containsExactly("000000010000000000000005.partial", "000000020000000000000006.partial");
    }

    @Test
    void anEmptyFolderHasNoNewestFile() {
        assertThat(folder().newest()).isEmpty();
    }

    @Test
    void preparingCreatesTheFolderOwnerOnlyAndRemovesTheTemporaryFilesOfAnInterruptedRun() throws IOException {
        Path path = work.resolve("streaming");
        folder();
        touch("000000010000000000000003.partial.tmp");
        touch("notes.tmp");

        folder();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
        assertThat(path.resolve("000000010000000000000003.partial.tmp")).doesNotExist();
        assertThat(path.resolve("notes.tmp")).exists();
    }

    @Test
    void aNewPartialIsFullSizeZerosOwnerOnly() throws IOException {
        StreamingFolder folder = folder();
        WalSegmentName segment = WalSegmentName.parse("000000010000000000000003");

        try (SegmentFile file = folder.open(segment, SIZE)) {
            assertThat(file.earlierContentEnd()).isZero();
        }

        Path partial = work.resolve("streaming/000000010000000000000003.partial");
        assertThat(Files.readAllBytes(partial)).hasSize((int) SIZE).containsOnly(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(partial))).isEqualTo("rw-------");
    }

    @Test
    void completingASegmentGivesItItsNameAndOpensTheNextOne() throws IOException {
        StreamingFolder folder = folder();
        WalSegmentName segment = WalSegmentName.parse("0000000100000000000000FF");
        SegmentFile file = folder.open(segment, SIZE);
        file.write(0, ByteBuffer.wrap(new byte[] {7, 8, 9}));

        try (SegmentFile next = folder.complete(file, true, SIZE)) {
            assertThat(next.segment()).isEqualTo(WalSegmentName.parse("000000010000000000000100"));
        }

        assertThat(StreamedWal.files(work.resolve("streaming"))).extracting(WalSegmentName::fileName)
                .containsExactly("0000000100000000000000FF", "000000010000000000000100.partial");
        assertThat(Files.readAllBytes(work.resolve("streaming/0000000100000000000000FF"))).startsWith(7, 8, 9)
                .hasSize((int) SIZE);
    }

    @Test
    void theNextSegmentIsPreparedAheadAndAnUnusedOneIsRemovedAtTheEnd() throws IOException {
        StreamingFolder folder = folder();
        SegmentFile file = folder.open(WalSegmentName.parse("000000010000000000000003"), SIZE);
        file.close();

        folder.close();

        try (var entries = Files.list(work.resolve("streaming"))) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactly("000000010000000000000003.partial");
        }
    }

    @Test
    void theLastSegmentOfATimelineOpensNoNextOne() {
        StreamingFolder folder = folder();
        SegmentFile file = folder.open(WalSegmentName.parse("000000010000000000000003"), SIZE);

        assertThat(folder.complete(file, false, SIZE)).isNull();
        assertThat(StreamedWal.files(work.resolve("streaming"))).extracting(WalSegmentName::fileName)
                .containsExactly("000000010000000000000003");
    }

    @Test
    void aResumedPartialMustHoldWhatTheServerSendsAgain() {
        StreamingFolder folder = folder();
        WalSegmentName segment = WalSegmentName.parse("000000010000000000000003");
        try (SegmentFile file = folder.open(segment, SIZE)) {
            file.write(100, ByteBuffer.wrap(new byte[] {1, 2, 0, 4}));
            file.sync();
        }

        try (SegmentFile file = folder.open(segment, SIZE)) {
            assertThat(file.earlierContentEnd()).isEqualTo(104);
            file.write(0, ByteBuffer.wrap(new byte[100]));
            file.write(100, ByteBuffer.wrap(new byte[] {1, 2, 0, 4, 5}));
            file.write(105, ByteBuffer.wrap(new byte[] {6}));
        }
        try (SegmentFile file = folder.open(segment, SIZE)) {
            assertThatThrownBy(() -> file.write(100, ByteBuffer.wrap(new byte[] {1, 3})))
                    .isInstanceOf(BarmanException.class)
                    .hasMessageStartingWith("000000010000000000000003.partial in " + work.resolve("streaming")
                            + " does not hold the WAL the server sends: they differ at 0/300065 (offset 101)");
        }
    }

    @Test
    void aPartialOfAnotherSizeIsRefused() throws IOException {
        StreamingFolder folder = folder();
        Files.write(work.resolve("streaming/000000010000000000000003.partial"), new byte[1000]);

        assertThatThrownBy(() -> folder.open(WalSegmentName.parse("000000010000000000000003"), SIZE))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("000000010000000000000003.partial in " + work.resolve("streaming")
                        + " has 1000 bytes, but the server's WAL segments have 1048576");
    }

    @Test
    void anEmptyPartialIsFilledToItsSize() throws IOException {
        StreamingFolder folder = folder();
        Files.write(work.resolve("streaming/000000010000000000000003.partial"), new byte[0]);

        folder.open(WalSegmentName.parse("000000010000000000000003"), SIZE).close();

        assertThat(work.resolve("streaming/000000010000000000000003.partial")).hasSize(SIZE);
    }

    @Test
    void aHistoryFileIsWrittenOnceAndADifferentOneIsRefused() throws IOException {
        StreamingFolder folder = folder();
        String history = "1\t0/30B2B18\tno recovery target specified\n";

        folder.writeHistory(2, history);
        folder.writeHistory(2, history);

        Path file = work.resolve("streaming/00000002.history");
        assertThat(file).hasContent(history);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThatThrownBy(() -> folder.writeHistory(2, "1\t0/4000000\tother\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("00000002.history in " + work.resolve("streaming") + " differs from the "
                        + "server's history of timeline 2");
    }

    @Test
    void aFolderThatCannotBeCreatedStopsTheReceiverNamingIt() throws IOException {
        Files.writeString(work.resolve("a-file"), "not a folder");
        Path folder = work.resolve("a-file/streaming");
        WalReceiverJob job = new WalReceiverJob("main", () -> {
            throw new AssertionError("no connection is opened before the folder is ready");
        }, folder, null, false, Duration.ofSeconds(1), () -> false);

        assertThatThrownBy(() -> new StreamingWalReceiver().receive(job, WalReceiverListener.NONE))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("cannot create the streaming folder " + folder + ": ");
    }

    @Test
    void theProviderIsFoundByItsName() {
        WalReceiverProvider provider = java.util.ServiceLoader.load(WalReceiverProvider.class).stream()
                .map(java.util.ServiceLoader.Provider::get).filter(p -> p.name().equals("streaming")).findFirst()
                .orElseThrow();

        assertThat(provider.create(PluginOptions.of(Map.of()))).isInstanceOf(StreamingWalReceiver.class);
    }
}
