package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemWalArchiveTest {

    @TempDir
    Path home;

    private Server server(String... options) throws IOException {
        Barman barman = TestBarman.withServer(home, options);
        return barman.server("main");
    }

    private Path incoming(Server server) {
        return server.config().incomingWalsDirectory();
    }

    @Test
    void archivesEveryKindInWalOrderAndIndexesIt() throws IOException {
        Server server = server();
        Path in = incoming(server);
        byte[] second = WalFiles.write(in.resolve("000000010000000000000002"), 2);
        byte[] first = WalFiles.write(in.resolve("000000010000000000000001"), 1);
        Files.writeString(in.resolve("00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.writeString(in.resolve("000000010000000000000002.00000028.backup"), "START WAL LOCATION: 0/2000028\n");

        ArchiveReport report = server.archiveWal();

        assertThat(report.succeeded()).isTrue();
        assertThat(report.archived()).extracting(entry -> entry.name().fileName()).containsExactly(
                "000000010000000000000001", "000000010000000000000002",
                "000000010000000000000002.00000028.backup", "00000002.history");
        Path wals = server.config().walsDirectory();
        assertThat(wals.resolve("0000000100000000/000000010000000000000001")).hasBinaryContent(first);
        assertThat(wals.resolve("0000000100000000/000000010000000000000002")).hasBinaryContent(second);
        assertThat(wals.resolve("00000002.history")).content().startsWith("1\t0/3000000");
        assertThat(wals.resolve("0000000100000000/000000010000000000000002.00000028.backup")).exists();
        assertThat(in).isEmptyDirectory();

        List<String> lines = Files.readAllLines(wals.resolve("xlog.db"));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("000000010000000000000001\t16777216\t\\d+\\.\\d+\tNone");
        assertThat(server.walArchive().list()).extracting(WalFileInfo::name).isSorted().hasSize(4);
    }

    @Test
    void getWalReturnsTheOriginalBytesAndFailsCleanlyForAMissingFile() throws IOException {
        Server server = server();
        byte[] content = WalFiles.write(incoming(server).resolve("000000010000000000000003"), 3);
        server.archiveWal();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.getWal("000000010000000000000003", out, null);
        assertThat(out.toByteArray()).isEqualTo(content);

        Path restored = server.getWal("000000010000000000000003", home.resolve("restore"), null);
        assertThat(restored).hasBinaryContent(content);

        ByteArrayOutputStream nothing = new ByteArrayOutputStream();
        assertThatThrownBy(() -> server.getWal("000000010000000000000004", nothing, null))
                .isInstanceOf(WalNotFoundException.class)
                .hasMessage("WAL file 000000010000000000000004 is not in the archive of server main");
        assertThat(nothing.size()).isZero();
        assertThatThrownBy(() -> server.getWal("../../etc/passwd", nothing, null))
                .hasMessageContaining("is not a WAL file name");
        assertThat(home.resolve("restore/000000010000000000000004")).doesNotExist();
    }

    @Test
    void anUnknownNameGoesToTheErrorsFolder() throws IOException {
        Server server = server();
        Files.createDirectories(incoming(server));
        Files.writeString(incoming(server).resolve("not-a-wal.txt"), "junk");

        ArchiveReport report = server.archiveWal();

        assertThat(report.errors()).singleElement().satisfies(path -> {
            assertThat(path.getParent()).isEqualTo(server.config().errorsDirectory());
            assertThat(path.getFileName().toString()).matches("not-a-wal\\.txt\\.\\d{8}T\\d{6}Z\\.unknown");
            assertThat(path).hasContent("junk");
        });
        assertThat(incoming(server)).isEmptyDirectory();
    }

    @Test
    void aDuplicateWithTheSameContentIsDroppedAndOneThatDiffersIsKeptInErrors() throws IOException {
        Server server = server();
        Path in = incoming(server);
        byte[] content = WalFiles.write(in.resolve("000000010000000000000005"), 5);
        server.archiveWal();

        Files.write(in.resolve("000000010000000000000005"), content);
        ArchiveReport same = server.archiveWal();
        assertThat(same.duplicates()).containsExactly("000000010000000000000005");
        assertThat(in).isEmptyDirectory();

        WalFiles.write(in.resolve("000000010000000000000005"), 99);
        ArchiveReport different = server.archiveWal();
        assertThat(different.errors()).singleElement().satisfies(path ->
                assertThat(path.getFileName().toString()).endsWith(".duplicate"));
        assertThat(server.config().walsDirectory().resolve("0000000100000000/000000010000000000000005"))
                .hasBinaryContent(content);
        assertThat(server.walArchive().list()).hasSize(1);
    }

    @Test
    void aSegmentStillBeingCopiedIsLeftInIncoming() throws IOException {
        Server server = server();
        Files.createDirectories(incoming(server));
        Files.write(incoming(server).resolve("000000010000000000000006"), new byte[5_000_000]);
        Files.write(incoming(server).resolve(".000000010000000000000007.rsync-tmp"), new byte[10]);

        ArchiveReport report = server.archiveWal();

        assertThat(report.skipped()).containsExactly("000000010000000000000006");
        assertThat(incoming(server).resolve("000000010000000000000006")).exists();
        assertThat(server.walArchive().list()).isEmpty();
    }

    @Test
    void aRunInterruptedAfterStoringFinishesTheIndexNextTime() throws IOException {
        Server server = server();
        Path in = incoming(server);
        byte[] content = WalFiles.write(in.resolve("000000010000000000000008"), 8);
        // The state a process killed between storing and indexing leaves behind.
        Path stored = server.walArchive().pathOf(WalSegmentName.parse("000000010000000000000008"));
        Files.createDirectories(stored.getParent());
        Files.createLink(stored, in.resolve("000000010000000000000008"));

        ArchiveReport report = server.archiveWal();

        assertThat(report.duplicates()).containsExactly("000000010000000000000008");
        assertThat(server.walArchive().list()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000008");
        assertThat(stored).hasBinaryContent(content);
        assertThat(in).isEmptyDirectory();
    }

    @Test
    void rebuildXlogDbIndexesWhatIsOnDisk() throws IOException {
        Server server = server();
        Path in = incoming(server);
        WalFiles.write(in.resolve("000000010000000000000009"), 9);
        WalFiles.write(in.resolve("00000001000000000000000A"), 10);
        Files.writeString(in.resolve("00000002.history"), "1\t0/A000000\tno recovery target specified\n");
        server.archiveWal();
        Path xlogDb = server.config().walsDirectory().resolve("xlog.db");
        Files.writeString(xlogDb, "garbage\n");
        assertThatThrownBy(() -> server.walArchive().list()).hasMessageContaining("xlog.db, line 1")
                .hasMessageContaining("rebuild-xlogdb");

        var counts = server.rebuildXlogDb();

        assertThat(counts.get(WalSegmentName.Kind.SEGMENT)).isEqualTo(2);
        assertThat(counts.get(WalSegmentName.Kind.HISTORY)).isEqualTo(1);
        assertThat(Files.readString(xlogDb, StandardCharsets.UTF_8).lines()).hasSize(3);
    }

    @Test
    void removeBeforeKeepsHistoryFilesAndLaterSegments() throws IOException {
        Server server = server();
        Path in = incoming(server);
        for (int i = 1; i <= 4; i++) {
            WalFiles.write(in.resolve(String.format("0000000100000000000000%02X", i)), i);
        }
        Files.writeString(in.resolve("00000002.history"), "1\t0/5000000\tx\n");
        server.archiveWal();

        List<WalFileInfo> removed = server.walArchive().removeBefore(WalSegmentName.parse("000000010000000000000003"));

        assertThat(removed).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001", "000000010000000000000002");
        assertThat(server.walArchive().list()).extracting(entry -> entry.name().fileName()).containsExactly(
                "000000010000000000000003", "000000010000000000000004", "00000002.history");
        assertThat(server.config().walsDirectory().resolve("0000000100000000/000000010000000000000001"))
                .doesNotExist();
    }

    @Test
    void archiveHooksRunInOrderWithBarmansEnvironment() throws IOException {
        Path log = home.resolve("hooks.log");
        Server server = server(
                "pre_archive_script = echo \"pre $BARMAN_PHASE $BARMAN_SEGMENT $BARMAN_RETRY\" >> " + log,
                "pre_archive_retry_script = echo \"pre-retry $BARMAN_RETRY $BARMAN_SERVER $BARMAN_SIZE\" >> " + log,
                "post_archive_retry_script = echo \"post-retry $BARMAN_PHASE $BARMAN_FILE\" >> " + log,
                "post_archive_script = echo \"post $BARMAN_COMPRESSION|$BARMAN_ERROR|$BARMAN_VERSION\" >> " + log);
        WalFiles.write(incoming(server).resolve("00000001000000000000000B"), 11);

        server.archiveWal();

        Path archived = server.walArchive().pathOf(WalSegmentName.parse("00000001000000000000000B"));
        assertThat(Files.readAllLines(log)).containsExactly(
                "pre pre 00000001000000000000000B 0",
                "pre-retry 1 main 16777216",
                "post-retry post " + archived,
                "post ||" + org.barman.core.BarmanVersion.get());
    }

    @Test
    void aPreRetryHookThatSaysAbortStopLeavesTheFileInIncoming() throws IOException {
        Path counter = home.resolve("attempts");
        Server server = server("pre_archive_retry_script = echo x >> " + counter
                + "; [ $(wc -l < " + counter + ") -ge 3 ] && exit 63; exit 1");
        WalFiles.write(incoming(server).resolve("00000001000000000000000C"), 12);

        ArchiveReport report = server.archiveWal();

        assertThat(Files.readAllLines(counter)).hasSize(3);
        assertThat(report.succeeded()).isFalse();
        assertThat(report.failure()).contains("pre_archive_retry_script returned ABORT_STOP (63)");
        assertThat(incoming(server).resolve("00000001000000000000000C")).exists();
        assertThat(server.walArchive().list()).isEmpty();
    }

    @Test
    void abortStopFromAPostRetryHookOnlyWarns() throws IOException {
        Server server = server("post_archive_retry_script = exit 63");
        WalFiles.write(incoming(server).resolve("00000001000000000000000D"), 13);

        ArchiveReport report = server.archiveWal();

        assertThat(report.succeeded()).isTrue();
        assertThat(report.archived()).hasSize(1);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void archivedWalTheIndexAndTheErrorsAreTheOwnersOnlyWhateverTheUmaskAndTheIncomingModes() throws IOException {
        Server server = server();
        Path in = incoming(server);
        WalFiles.write(in.resolve("000000010000000000000001"), 1);
        Files.writeString(in.resolve("00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        Files.setPosixFilePermissions(in.resolve("000000010000000000000001"), PosixFilePermissions.fromString(
                "rw-r--r--"));
        Files.setPosixFilePermissions(in.resolve("00000002.history"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(server.archiveWal().archived()).hasSize(2);
        WalFiles.write(in.resolve("000000010000000000000001"), 2);
        Files.setPosixFilePermissions(in.resolve("000000010000000000000001"), PosixFilePermissions.fromString(
                "rw-r--r--"));
        Path moved = server.archiveWal().errors().get(0);

        Path wals = server.config().walsDirectory();
        assertThat(mode(wals)).isEqualTo("rwx------");
        assertThat(mode(wals.resolve("0000000100000000"))).isEqualTo("rwx------");
        assertThat(mode(wals.resolve("0000000100000000/000000010000000000000001"))).isEqualTo("rw-------");
        assertThat(mode(wals.resolve("00000002.history"))).isEqualTo("rw-------");
        assertThat(mode(wals.resolve("xlog.db"))).isEqualTo("rw-------");
        assertThat(mode(server.config().errorsDirectory())).isEqualTo("rwx------");
        assertThat(mode(moved)).isEqualTo("rw-------");
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (var paths = Files.walk(folder)) {
            return paths.filter(path -> !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)).toList();
        }
    }

    @Test
    void aLinkInIncomingGoesToErrorsAndItsTargetIsNeverArchived() throws IOException {
        Server server = server("compression = gzip");
        Path in = incoming(server);
        Files.createDirectories(in);
        Path secretSegment = home.resolve("outside/secret-segment");
        byte[] secret = WalFiles.write(secretSegment, 21);
        Path secretText = home.resolve("outside/secret.txt");
        Files.writeString(secretText, "1\t0/3000000\tthe barman user's private text\n");
        Files.createSymbolicLink(in.resolve("000000010000000000000015"), secretSegment);
        Files.createSymbolicLink(in.resolve("00000002.history"), secretText);

        ArchiveReport report = server.archiveWal();

        assertThat(report.archived()).isEmpty();
        assertThat(report.errors()).hasSize(2).allSatisfy(path -> {
            assertThat(path.getParent()).isEqualTo(server.config().errorsDirectory());
            assertThat(path.getFileName().toString()).matches(".*\\.\\d{8}T\\d{6}Z\\.link");
            assertThat(Files.isSymbolicLink(path)).as(path + " is the link itself, moved").isTrue();
        });
        assertThat(server.walArchive().list()).isEmpty();
        assertThat(filesUnder(server.config().walsDirectory())).isEmpty();
        assertThat(secretSegment).hasBinaryContent(secret);
        assertThat(in).isEmptyDirectory();
    }

    @Test
    void aFolderOrAFifoInIncomingGoesToErrorsWithoutStoppingTheOthers() throws Exception {
        Server server = server();
        Path in = incoming(server);
        Files.createDirectories(in.resolve("000000010000000000000016"));
        Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("000000010000000000000017").toString())
                .inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        WalFiles.write(in.resolve("000000010000000000000018"), 24);

        ArchiveReport report = server.archiveWal();

        assertThat(report.succeeded()).isTrue();
        assertThat(report.archived()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000018");
        assertThat(report.errors()).extracting(path -> path.getFileName().toString()).satisfiesExactly(
                name -> assertThat(name).startsWith("000000010000000000000016.").endsWith(".folder"),
                name -> assertThat(name).startsWith("000000010000000000000017.").endsWith(".special"));
        assertThat(in).isEmptyDirectory();
    }

    @Test
    void historyAndBackupLabelFilesTooLargeGoToErrors() throws IOException {
        Server server = server();
        Path in = incoming(server);
        Files.createDirectories(in);
        Files.write(in.resolve("00000003.history"), new byte[2 * 1024 * 1024]);
        Files.write(in.resolve("000000010000000000000019.00000028.backup"), new byte[1024 * 1024]);
        Files.writeString(in.resolve("00000004.history"), "3\t0/19000000\tno recovery target specified\n");

        ArchiveReport report = server.archiveWal();

        assertThat(report.archived()).extracting(entry -> entry.name().fileName()).containsExactly(
                "00000004.history");
        assertThat(report.errors()).extracting(path -> path.getFileName().toString()).satisfiesExactly(
                name -> assertThat(name).startsWith("000000010000000000000019.00000028.backup.")
                        .endsWith(".oversized"),
                name -> assertThat(name).startsWith("00000003.history.").endsWith(".oversized"));
    }

    @Test
    void aSegmentOfAnotherSizeThanTheServersIsNotArchived() throws IOException {
        Server server = server();
        server.catalog().create(BackupInfo.builder(BackupId.parse("20240101T000000")).serverName("main")
                .status(BackupStatus.DONE).xlogSegmentSize(WalFiles.SEGMENT_SIZE).build());
        Path in = incoming(server);
        Files.createDirectories(in);
        Files.write(in.resolve("00000001000000000000001A"), new byte[1024 * 1024]);
        Files.write(in.resolve("00000001000000000000001B"), new byte[2 * WalFiles.SEGMENT_SIZE]);

        ArchiveReport report = server.archiveWal();

        assertThat(report.archived()).isEmpty();
        assertThat(report.skipped()).containsExactly("00000001000000000000001A");
        assertThat(in.resolve("00000001000000000000001A")).exists();
        assertThat(report.errors()).extracting(path -> path.getFileName().toString()).singleElement()
                .satisfies(name -> assertThat(name).startsWith("00000001000000000000001B.").endsWith(".oversized"));
    }
}
