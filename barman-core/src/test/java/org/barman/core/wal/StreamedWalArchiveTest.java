package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archiving of what {@code receive-wal} writes into the streaming folder (the layout of {@code pg_receivewal}:
 * complete segments, {@code <name>.partial}, {@code .history}), alone and together with the incoming folder.
 */
class StreamedWalArchiveTest {

    private static final String STREAMING_ONLY = "streaming_archiver = on\narchiver = off\nslot_name = barman";
    private static final String BOTH = "streaming_archiver = on\nslot_name = barman";

    @TempDir
    Path home;

    private Server server(String... options) throws IOException {
        return server(home, options);
    }

    private static Server server(Path barmanHome, String... options) throws IOException {
        return TestBarman.withServer(barmanHome, options).server("main");
    }

    private static Path streaming(Server server) {
        return server.config().streamingWalsDirectory();
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void completeSegmentsAreArchivedAndThePartialNeverIs() throws IOException {
        Server server = server(STREAMING_ONLY, "compression = gzip");
        Path streaming = streaming(server);
        byte[] first = WalFiles.write(streaming.resolve("000000010000000000000001"), 1);
        WalFiles.write(streaming.resolve("000000010000000000000002"), 2);
        byte[] partial = WalFiles.write(streaming.resolve("000000010000000000000003.partial"), 3);

        ArchiveReport report = server.archiveWal();

        assertThat(report.succeeded()).isTrue();
        assertThat(report.archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001", "000000010000000000000002");
        assertThat(report.streamed()).hasSize(2);
        assertThat(report.archived()).allMatch(report::wasStreamed).extracting(WalFileInfo::compression)
                .containsOnly("gzip");
        assertThat(names(streaming)).containsExactly("000000010000000000000003.partial");
        assertThat(streaming.resolve("000000010000000000000003.partial")).hasBinaryContent(partial);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.getWal("000000010000000000000001", out, null);
        assertThat(out.toByteArray()).isEqualTo(first);
        assertThat(server.walArchive().list()).extracting(entry -> entry.name().fileName())
                .doesNotContain("000000010000000000000003", "000000010000000000000003.partial");
    }

    @Test
    void withoutAPartialTheNewestCompleteSegmentStaysForTheReceiverToResumeAfter() throws IOException {
        Server server = server(STREAMING_ONLY);
        Path streaming = streaming(server);
        WalFiles.write(streaming.resolve("000000010000000000000001"), 1);
        WalFiles.write(streaming.resolve("000000010000000000000002"), 2);

        assertThat(server.archiveWal().archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001");
        assertThat(names(streaming)).containsExactly("000000010000000000000002");

        WalFiles.write(streaming.resolve("000000010000000000000003.partial"), 3);
        assertThat(server.archiveWal().archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000002");
        assertThat(names(streaming)).containsExactly("000000010000000000000003.partial");
    }

    @Test
    void historyFilesAreArchivedAndTemporaryFilesLeftAlone() throws IOException {
        Server server = server(STREAMING_ONLY);
        Path streaming = streaming(server);
        Files.createDirectories(streaming);
        Files.writeString(streaming.resolve("00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.writeString(streaming.resolve("00000003.history.tmp"), "2\t0/4000000\tbeing written\n");
        WalFiles.write(streaming.resolve("000000020000000000000003.partial"), 3);

        ArchiveReport report = server.archiveWal();

        assertThat(report.archived()).extracting(entry -> entry.name().fileName()).containsExactly(
                "00000002.history");
        assertThat(server.config().walsDirectory().resolve("00000002.history")).content()
                .startsWith("1\t0/3000000");
        assertThat(names(streaming)).containsExactly("000000020000000000000003.partial", "00000003.history.tmp");
        assertThat(report.errors()).isEmpty();
    }

    @Test
    void anEntryOfTheStreamingFolderThatIsNoWalFileGoesToErrorsAsFromIncoming() throws IOException {
        Server server = server(STREAMING_ONLY);
        Path streaming = streaming(server);
        Files.createDirectories(streaming);
        Files.writeString(streaming.resolve("notes.txt"), "not WAL");
        WalFiles.write(streaming.resolve("000000010000000000000001.partial"), 1);

        ArchiveReport report = server.archiveWal();

        assertThat(report.errors()).hasSize(1);
        assertThat(report.errors().get(0).getParent()).isEqualTo(server.config().errorsDirectory());
        assertThat(report.errors().get(0).getFileName().toString()).startsWith("notes.txt.").endsWith(".unknown");
    }

    @Test
    void bothFoldersGoInOneRunInWalOrderAndASegmentThatCameBothWaysIsArchivedOnce() throws IOException {
        Server server = server(BOTH);
        Path streaming = streaming(server);
        Path incoming = server.config().incomingWalsDirectory();
        byte[] one = WalFiles.write(streaming.resolve("000000010000000000000001"), 1);
        Files.write(Files.createDirectories(incoming).resolve("000000010000000000000001"), one);
        WalFiles.write(incoming.resolve("000000010000000000000002"), 2);
        WalFiles.write(streaming.resolve("000000010000000000000003"), 3);
        WalFiles.write(streaming.resolve("000000010000000000000004.partial"), 4);

        ArchiveReport report = server.archiveWal();

        assertThat(report.succeeded()).isTrue();
        assertThat(report.archived()).extracting(entry -> entry.name().fileName()).containsExactly(
                "000000010000000000000001", "000000010000000000000002", "000000010000000000000003");
        assertThat(report.archived()).extracting(report::wasStreamed).containsExactly(true, false, true);
        assertThat(report.duplicates()).containsExactly("000000010000000000000001");
        assertThat(report.errors()).isEmpty();
        assertThat(incoming).isEmptyDirectory();
        assertThat(names(streaming)).containsExactly("000000010000000000000004.partial");
        assertThat(Files.readAllLines(server.config().walsDirectory().resolve("xlog.db"))).hasSize(3);
    }

    @Test
    void aSegmentThatCameBothWaysWithDifferentContentKeepsTheSecondInErrors() throws IOException {
        Server server = server(BOTH);
        Path streaming = streaming(server);
        Path incoming = server.config().incomingWalsDirectory();
        byte[] streamed = WalFiles.write(streaming.resolve("000000010000000000000001"), 1);
        WalFiles.write(incoming.resolve("000000010000000000000001"), 99);
        WalFiles.write(streaming.resolve("000000010000000000000002.partial"), 2);

        ArchiveReport report = server.archiveWal();

        assertThat(report.archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001");
        assertThat(report.errors()).singleElement().satisfies(error -> assertThat(error.getFileName().toString())
                .startsWith("000000010000000000000001.").endsWith(".duplicate"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.getWal("000000010000000000000001", out, null);
        assertThat(out.toByteArray()).as("the streamed copy, archived first").isEqualTo(streamed);
    }

    @Test
    void withArchiverOffTheIncomingFolderIsNotReadAndWithStreamingOffTheStreamingFolderIsNot() throws IOException {
        Server streamingOnly = server(home.resolve("streaming-only"), STREAMING_ONLY);
        WalFiles.write(streamingOnly.config().incomingWalsDirectory().resolve("000000010000000000000001"), 1);
        assertThat(streamingOnly.archiveWal().archived()).isEmpty();
        assertThat(names(streamingOnly.config().incomingWalsDirectory())).containsExactly("000000010000000000000001");

        Server filesOnly = server(home.resolve("files-only"), "streaming_archiver = off");
        WalFiles.write(filesOnly.config().incomingWalsDirectory().resolve("000000010000000000000001"), 1);
        WalFiles.write(streaming(filesOnly).resolve("000000010000000000000002"), 2);
        WalFiles.write(streaming(filesOnly).resolve("000000010000000000000003.partial"), 3);
        assertThat(filesOnly.archiveWal().archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001");
        assertThat(names(streaming(filesOnly))).hasSize(2);
    }

    @Test
    void getWalWithPartialGivesTheStreamedSegmentUnderItsNameWhenTheArchiveLacksIt() throws IOException {
        Server server = server(STREAMING_ONLY);
        Path streaming = streaming(server);
        byte[] complete = WalFiles.write(streaming.resolve("000000010000000000000001"), 1);
        byte[] partial = WalFiles.write(streaming.resolve("000000010000000000000002.partial"), 2);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.getWal("000000010000000000000002", out, null, true);
        assertThat(out.toByteArray()).isEqualTo(partial);
        out.reset();
        server.getWal("000000010000000000000001", out, null, true);
        assertThat(out.toByteArray()).isEqualTo(complete);
        Path folder = server.getWal("000000010000000000000002", home.resolve("restore"), null, true);
        assertThat(folder.getFileName().toString()).isEqualTo("000000010000000000000002");
        assertThat(folder).hasBinaryContent(partial);

        ByteArrayOutputStream nothing = new ByteArrayOutputStream();
        assertThatThrownBy(() -> server.getWal("000000010000000000000002", nothing, null))
                .isInstanceOf(WalNotFoundException.class);
        assertThatThrownBy(() -> server.getWal("000000010000000000000003", nothing, null, true))
                .isInstanceOf(WalNotFoundException.class)
                .hasMessage("WAL file 000000010000000000000003 is not in the archive of server main");
        assertThat(nothing.size()).isZero();
    }
}
