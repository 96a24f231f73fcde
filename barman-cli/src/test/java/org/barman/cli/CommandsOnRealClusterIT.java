package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * list-files, delete, archive-wal, rebuild-xlogdb and get-wal through {@link Main#run}, in-process, against one real
 * PostgreSQL 15 whose {@code archive_command} delivers its WAL into Barman's {@code incoming/}: real backups, real
 * WAL, real archiving. What each command printed or stored is checked against PostgreSQL's own files (pg_wal, the
 * backup_label and {@code .backup} history file it wrote, {@code pg_walfile_name}) and the file system, and
 * compressed files are read back with the system's {@code zstd}, {@code bzip2} and {@code gzip}.
 *
 * <p>Each test has a Barman home of its own: the {@code archive_command} copies into a symbolic link that each test
 * points at its own {@code incoming/}, so that the tests share the cluster (its start-up is slow) and nothing else.
 */
class CommandsOnRealClusterIT {

    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern BACKUP_ID = Pattern.compile("Backup (\\d{8}T\\d{6}) of server main: DONE");
    private static final Pattern START_LSN = Pattern.compile("^START WAL LOCATION: (\\S+) \\(file ([0-9A-F]{24})\\)$",
            Pattern.MULTILINE);
    private static final Pattern STOP_LSN = Pattern.compile("^STOP WAL LOCATION: (\\S+) \\(file [0-9A-F]{24}\\)$",
            Pattern.MULTILINE);
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofMinutes(1);

    static Path work;
    static Path incomingLink;
    static Path discarded;
    static PostgresCluster pg;
    static String tablespaceOid;

    private Path home;
    private Path config;

    @BeforeAll
    static void startClusterArchivingThroughALink() throws IOException {
        work = Files.createTempDirectory("barman-commands-it");
        discarded = Files.createDirectories(work.resolve("discarded"));
        Path tablespace = Files.createDirectories(work.resolve("tbs1"));
        incomingLink = Files.createSymbolicLink(work.resolve("incoming"), discarded);
        PostgresCluster.grantToClusterUser(work);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "rsync -a %p " + incomingLink + "/%f")
                .setting("checkpoint_timeout", "30min").setting("wal_keep_size", "1GB").start();
        pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + tablespace + "'");
        pg.execute("CREATE TABLE items(id int, payload text) TABLESPACE tbs1");
        tablespaceOid = pg.queryValue("SELECT oid FROM pg_tablespace WHERE spcname = 'tbs1'");
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    @AfterEach
    void archiveNowhere() throws IOException {
        pointIncomingLinkAt(discarded);
    }

    // ---------------------------------------------------------------- archive-wal

    @Test
    void archiveWalStoresWhatPostgresArchivedCompressedWithIndexLinesOfTheRealSizeTimeAndCompression()
            throws Exception {
        newHome("compression = zstd");
        switchWal();
        try (Connection connection = pg.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_backup_start('archive-wal test', true)");
            statement.execute("SELECT * FROM pg_backup_stop(false)");
        }
        String last = switchWal();
        awaitDelivered(last);
        Map<String, Delivered> delivered = new TreeMap<>();
        for (Path file : list(incoming())) {
            byte[] content = Files.readAllBytes(file);
            delivered.put(file.getFileName().toString(), new Delivered(content,
                    Files.getLastModifiedTime(file).to(TimeUnit.MICROSECONDS)));
        }
        assertThat(delivered.keySet()).as("what PostgreSQL archived").contains(last)
                .anyMatch(name -> name.endsWith(".backup")).hasSizeGreaterThanOrEqualTo(3);
        for (Map.Entry<String, Delivered> entry : delivered.entrySet()) {
            if (SEGMENT.matcher(entry.getKey()).matches()) {
                assertThat(entry.getValue().content()).as("%s as pg_wal holds it", entry.getKey())
                        .isEqualTo(Files.readAllBytes(pgWal(entry.getKey())));
            }
        }

        Run run = barman("archive-wal", "main");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> expectedOutput = new ArrayList<>(List.of("Processing xlog segments from file archival for main"));
        delivered.keySet().forEach(name -> expectedOutput.add("\t" + name));
        assertThat(run.out().lines()).containsExactlyElementsOf(expectedOutput);
        assertThat(list(incoming())).as("incoming/ after archive-wal").isEmpty();
        Map<String, String[]> index = xlogDbByName();
        assertThat(index.keySet()).containsExactlyElementsOf(delivered.keySet());
        for (Map.Entry<String, Delivered> entry : delivered.entrySet()) {
            String name = entry.getKey();
            Path stored = archived(name);
            String[] line = index.get(name);
            assertThat(line).as("xlog.db line of %s", name).hasSize(4);
            assertThat(Long.parseLong(line[1])).as("size of %s in xlog.db", name).isEqualTo(Files.size(stored));
            assertThat(Math.round(Double.parseDouble(line[2]) * 1_000_000)).as("time of %s in xlog.db", name)
                    .isEqualTo(entry.getValue().mtimeMicros());
            if (SEGMENT.matcher(name).matches()) {
                assertThat(line[3]).as("compression of %s in xlog.db", name).isEqualTo("zstd");
                assertThat(Arrays.copyOf(Files.readAllBytes(stored), 4)).as("zstd magic number of %s", name)
                        .containsExactly(0x28, 0xb5, 0x2f, 0xfd);
                assertThat(Files.size(stored)).isLessThan(entry.getValue().content().length);
                assertThat(decompress("zstd", Files.readAllBytes(stored))).as("%s decompressed by zstd", name)
                        .isEqualTo(entry.getValue().content());
            } else {
                assertThat(line[3]).as("compression of %s in xlog.db", name).isEqualTo("None");
                assertThat(stored).hasBinaryContent(entry.getValue().content());
            }
        }
    }

    // ---------------------------------------------------------------- rebuild-xlogdb

    @Test
    void rebuildXlogDbWritesBackTheIndexArchivingWroteAfterItWasRemovedOrCorrupted() throws Exception {
        newHome("compression = zstd");
        switchWal();
        backup();
        awaitDelivered(switchWal());
        assertThat(barman("archive-wal", "main").exitCode()).isZero();
        Path xlogDb = home.resolve("main/wals/xlog.db");
        String written = Files.readString(xlogDb);
        long segments = written.lines().filter(line -> SEGMENT.matcher(line.split("\t")[0]).matches()).count();
        long labels = written.lines().filter(line -> line.split("\t")[0].endsWith(".backup")).count();
        assertThat(segments).isGreaterThanOrEqualTo(3);
        assertThat(labels).isEqualTo(1);
        String walOfLatest = listOrFail("--target", "wal", "main", "latest");
        String done = "Rebuilding xlogdb for server main\nDone rebuilding xlogdb for server main (history: 0, "
                + "backup_labels: " + labels + ", wal_file: " + segments + ")\n";

        Files.delete(xlogDb);
        Run afterRemoval = barman("rebuild-xlogdb", "main");

        assertThat(afterRemoval.exitCode()).as(afterRemoval.err()).isZero();
        assertThat(afterRemoval.out()).isEqualTo(done);
        String rebuiltAfterRemoval = Files.readString(xlogDb);
        assertThat(withoutTimes(rebuiltAfterRemoval)).as("names, sizes and compressions rebuilt after a removal")
                .isEqualTo(withoutTimes(written));

        String[] lines = written.split("\n");
        Files.writeString(xlogDb, lines[0] + "\n" + "garbage\tline\n" + lines[1].substring(0, 10));
        Run broken = barman("list-files", "--target", "wal", "main", "latest");
        assertThat(broken.exitCode()).isNotZero();
        assertThat(broken.err()).startsWith("ERROR: " + xlogDb + ", line 2: ")
                .contains("run barman rebuild-xlogdb");
        Run afterCorruption = barman("rebuild-xlogdb", "main");

        assertThat(afterCorruption.exitCode()).as(afterCorruption.err()).isZero();
        assertThat(afterCorruption.out()).isEqualTo(done);
        String rebuiltAfterCorruption = Files.readString(xlogDb);
        assertThat(withoutTimes(rebuiltAfterCorruption)).as("names, sizes and compressions rebuilt after a "
                + "corruption").isEqualTo(withoutTimes(written));
        assertThat(listOrFail("--target", "wal", "main", "latest")).isEqualTo(walOfLatest);
        assertThat(rebuiltAfterRemoval).as("xlog.db rebuilt after its removal, times included (a time is the WAL "
                + "file's modification time when PostgreSQL delivered it)").isEqualTo(written);
        assertThat(rebuiltAfterCorruption).as("xlog.db rebuilt after its corruption, times included")
                .isEqualTo(written);
    }

    /** @return the lines of an xlog.db without their time column */
    private static List<String> withoutTimes(String xlogDb) {
        return xlogDb.lines().map(line -> line.split("\t", -1)).map(fields -> {
            List<String> kept = new ArrayList<>(Arrays.asList(fields));
            kept.remove(2);
            return String.join("\t", kept);
        }).toList();
    }

    // ---------------------------------------------------------------- get-wal

    @Test
    void getWalGivesBackTheSegmentPostgresWroteOnStandardOutputIntoAFolderAndCompressed() throws Exception {
        newHome("compression = zstd");
        String wal = switchWal();
        awaitDelivered(wal);
        byte[] original = Files.readAllBytes(pgWal(wal));
        assertThat(barman("archive-wal", "main").exitCode()).isZero();

        Run plain = barman("get-wal", "main", wal);
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.err()).isEmpty();
        assertThat(plain.bytes()).as("get-wal on standard output").isEqualTo(original);

        Run bzip2 = barman("get-wal", "-j", "main", wal);
        assertThat(bzip2.exitCode()).as(bzip2.err()).isZero();
        assertThat(new String(bzip2.bytes(), 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("BZh");
        assertThat(decompress("bzip2", bzip2.bytes())).as("get-wal -j, through bzip2 -d").isEqualTo(original);

        Run gzip = barman("get-wal", "-x", "main", wal);
        assertThat(gzip.exitCode()).as(gzip.err()).isZero();
        assertThat(Arrays.copyOf(gzip.bytes(), 2)).containsExactly(0x1f, 0x8b);
        assertThat(decompress("gzip", gzip.bytes())).as("get-wal -x, through gzip -d").isEqualTo(original);

        Path folder = home.resolve("restore/plain");
        Run intoFolder = barman("get-wal", "-o", folder.toString(), "main", wal);
        assertThat(intoFolder.exitCode()).as(intoFolder.err()).isZero();
        assertThat(intoFolder.bytes()).as("standard output with -o").isEmpty();
        assertThat(list(folder)).containsExactly(folder.resolve(wal));
        assertThat(folder.resolve(wal)).as("get-wal -o").hasBinaryContent(original);

        Path bzip2Folder = home.resolve("restore/bzip2");
        Run bzip2IntoFolder = barman("get-wal", "-o", bzip2Folder.toString(), "-j", "main", wal);
        assertThat(bzip2IntoFolder.exitCode()).as(bzip2IntoFolder.err()).isZero();
        assertThat(list(bzip2Folder)).containsExactly(bzip2Folder.resolve(wal));
        assertThat(decompress("bzip2", Files.readAllBytes(bzip2Folder.resolve(wal)))).as("get-wal -o -j")
                .isEqualTo(original);

        Path gzipFolder = home.resolve("restore/gzip");
        Run gzipIntoFolder = barman("get-wal", "-x", "-o", gzipFolder.toString(), "main", wal);
        assertThat(gzipIntoFolder.exitCode()).as(gzipIntoFolder.err()).isZero();
        assertThat(list(gzipFolder)).containsExactly(gzipFolder.resolve(wal));
        assertThat(decompress("gzip", Files.readAllBytes(gzipFolder.resolve(wal)))).as("get-wal -x -o")
                .isEqualTo(original);
    }

    @Test
    void getWalOfASegmentNotYetArchivedFailsWithOneLineAndWritesNothing() throws Exception {
        newHome("compression = zstd");
        String last = switchWal();
        awaitDelivered(last);
        assertThat(barman("archive-wal", "main").exitCode()).isZero();
        String current = segmentAfter(last);
        String expected = "ERROR: WAL file " + current + " is not in the archive of server main\n";

        Run plain = barman("get-wal", "main", current);
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.bytes()).isEmpty();
        assertThat(plain.err()).isEqualTo(expected);

        Run compressed = barman("get-wal", "-j", "main", current);
        assertThat(compressed.exitCode()).isEqualTo(1);
        assertThat(compressed.bytes()).as("no bzip2 header for a missing file").isEmpty();
        assertThat(compressed.err()).isEqualTo(expected);

        Path folder = Files.createDirectories(home.resolve("restore"));
        Run intoFolder = barman("get-wal", "-o", folder.toString(), "-x", "main", current);
        assertThat(intoFolder.exitCode()).isEqualTo(1);
        assertThat(intoFolder.err()).isEqualTo(expected);
        assertThat(list(folder)).as("the -o folder after a missing WAL file").isEmpty();
    }

    // ---------------------------------------------------------------- list-files

    @Test
    void listFilesListsExactlyTheBackupFolderAndTheWalEachTargetNeeds() throws Exception {
        newHome("compression = zstd");
        switchWal();
        String first = backupAcrossWalSwitches();
        switchWal();
        String second = backup();
        String last = switchWal();
        awaitDelivered(last);
        assertThat(barman("archive-wal", "main").exitCode()).isZero();
        WalRange firstRange = walRange(first);
        WalRange secondRange = walRange(second);
        assertThat(segments(firstRange.start(), firstRange.stop())).as("WAL the first backup needs")
                .hasSizeGreaterThan(1);
        assertThat(archivedSegments()).as("WAL archived after the second backup's end").last()
                .matches(name -> name.compareTo(secondRange.stop()) > 0);

        for (String id : List.of(first, second)) {
            List<Path> data = filesOnDisk(home.resolve("main/base").resolve(id));
            assertThat(data).contains(home.resolve("main/base").resolve(id).resolve("backup.info"),
                    home.resolve("main/base").resolve(id).resolve("data/PG_VERSION"),
                    home.resolve("main/base").resolve(id).resolve("data/backup_label"));
            assertThat(data).as("files of the tablespace in backup %s", id)
                    .anyMatch(path -> path.startsWith(home.resolve("main/base").resolve(id).resolve(tablespaceOid)));
            WalRange range = id.equals(first) ? firstRange : secondRange;
            List<Path> standaloneWal = segments(range.start(), range.stop()).stream().map(this::archived).toList();
            assertThat(standaloneWal).as("WAL backup %s needs", id).isNotEmpty()
                    .allMatch(Files::isRegularFile);
            List<Path> walUntilNext = archivedSegments().stream()
                    .filter(name -> name.compareTo(range.start()) >= 0)
                    .filter(name -> !id.equals(first) || name.compareTo(secondRange.stop()) <= 0)
                    .map(this::archived).toList();

            List<Path> listedData = listFiles("data", id);
            assertThat(listedData).as("list-files --target data %s", id).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(data);
            List<Path> standalone = listFiles("standalone", id);
            assertThat(standalone.subList(0, data.size())).as("list-files --target standalone %s", id)
                    .containsExactlyElementsOf(listedData);
            assertThat(standalone.subList(data.size(), standalone.size()))
                    .as("WAL of list-files --target standalone %s", id).containsExactlyElementsOf(standaloneWal);
            assertThat(listFiles(null, id)).as("list-files %s (standalone by default)", id).isEqualTo(standalone);
            List<Path> wal = listFiles("wal", id);
            assertThat(wal).as("list-files --target wal %s", id).containsExactlyElementsOf(walUntilNext);
            List<Path> full = new ArrayList<>(listedData);
            full.addAll(wal);
            assertThat(listFiles("full", id)).as("list-files --target full %s", id).isEqualTo(full);
        }
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteRemovesTheOldestBackupAndOnlyTheWalNoRemainingBackupNeedsThenRefusesBelowMinimumRedundancy()
            throws Exception {
        newHome("compression = zstd", "minimum_redundancy = 2");
        switchWal();
        String first = backup();
        switchWal();
        String second = backup();
        switchWal();
        String third = backup();
        awaitDelivered(switchWal());
        assertThat(barman("archive-wal", "main").exitCode()).isZero();
        String keepFrom = walRange(second).start();
        List<String> walBefore = archivedNames();
        List<String> indexBefore = Files.readAllLines(home.resolve("main/wals/xlog.db"));
        List<String> needless = walBefore.stream().filter(name -> name.substring(0, 24).compareTo(keepFrom) < 0)
                .toList();
        assertThat(needless).as("WAL before the second backup").contains(walRange(first).start())
                .anyMatch(name -> name.endsWith(".backup"));

        Run delete = barman("delete", "main", "oldest");

        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(home.resolve("main/base").resolve(first)).as("folder of the deleted backup").doesNotExist();
        Run show = barman("show-backup", "main", first);
        assertThat(show.exitCode()).as("show-backup of the deleted backup").isNotZero();
        assertThat(show.err()).contains(first);
        assertThat(barman("list-backup", "main").out().lines().map(line -> line.split(" ")[1]))
                .containsExactly(third, second);
        List<String> walAfter = archivedNames();
        List<String> removed = new ArrayList<>(walBefore);
        removed.removeAll(walAfter);
        assertThat(removed).as("WAL removed with the oldest backup").containsExactlyElementsOf(needless);
        assertThat(walAfter).as("WAL kept").allMatch(name -> name.substring(0, 24).compareTo(keepFrom) >= 0)
                .containsAll(segments(keepFrom, walRange(third).stop()));
        assertThat(Files.readAllLines(home.resolve("main/wals/xlog.db"))).as("xlog.db after the deletion")
                .containsExactlyElementsOf(indexBefore.stream()
                        .filter(line -> !needless.contains(line.split("\t")[0])).toList());
        List<String> expectedOutput = new ArrayList<>(List.of("Deleting backup " + first + " for server main",
                "Delete associated WAL segments:"));
        needless.forEach(name -> expectedOutput.add("\t" + name));
        assertThat(delete.out().lines().toList().subList(0, expectedOutput.size()))
                .containsExactlyElementsOf(expectedOutput);
        assertThat(delete.out().lines().toList()).hasSize(expectedOutput.size() + 1).last().asString()
                .startsWith("Deleted backup " + first + " (start time: ");
        for (String kept : List.of(second, third)) {
            assertThat(listFiles("standalone", kept)).as("files of backup %s after the deletion", kept)
                    .allMatch(Files::isRegularFile);
        }

        String backupInfo = Files.readString(home.resolve("main/base").resolve(second).resolve("backup.info"));
        Run refused = barman("delete", "main", "oldest");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).isEqualTo("ERROR: Skipping delete of backup " + second + " for server main due to "
                + "minimum redundancy requirements (minimum redundancy = 2, current redundancy = 2)\n");
        assertThat(home.resolve("main/base").resolve(second).resolve("backup.info")).hasContent(backupInfo);
        assertThat(archivedNames()).as("WAL after a refused deletion").isEqualTo(walAfter);
    }

    // ---------------------------------------------------------------- the cluster and Barman around it

    private record Delivered(byte[] content, long mtimeMicros) {
    }

    /** Where a backup starts and stops, as PostgreSQL's pg_walfile_name names the segments. */
    private record WalRange(String start, String stop) {
    }

    private record Run(int exitCode, String out, byte[] bytes, String err) {
    }

    private void newHome(String... serverOptions) throws IOException {
        home = Files.createTempDirectory(work, "home");
        Path incoming = Files.createDirectories(home.resolve("main/incoming"));
        PostgresCluster.grantToClusterUser(incoming);
        config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\nlog_file = " + home.resolve("barman.log") + "\n\n[main]\n"
                + "conninfo = " + pg.conninfo() + "\n" + String.join("\n", serverOptions) + "\n");
        pointIncomingLinkAt(incoming);
    }

    private static void pointIncomingLinkAt(Path folder) throws IOException {
        Path next = work.resolve("incoming.next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, folder);
        Files.move(next, incomingLink, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path incoming() {
        return home.resolve("main/incoming");
    }

    private static Path pgWal(String name) {
        return pg.dataDirectory().resolve("pg_wal").resolve(name);
    }

    /** Writes some rows and switches to a new WAL segment; returns the segment just completed. */
    private static String switchWal() {
        pg.execute("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        return pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
    }

    /** Waits until PostgreSQL's archive_command has delivered a file into this test's incoming folder. */
    private void awaitDelivered(String name) throws InterruptedException {
        long deadline = System.nanoTime() + ARCHIVE_TIMEOUT.toNanos();
        while (!Files.exists(incoming().resolve(name))) {
            assertThat(System.nanoTime()).as("%s delivered into %s", name, incoming()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Takes a backup through the command line; returns its id. */
    private String backup() {
        Run run = barman("backup", "--wait", "--immediate-checkpoint", "main");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher id = BACKUP_ID.matcher(run.out());
        assertThat(id.find()).as(run.out()).isTrue();
        return id.group(1);
    }

    /**
     * Takes a backup during whose copy PostgreSQL switches WAL segments, so that it needs several: the command line
     * offers no moment between the backup's start and its stop, the embedding API's copy listener does.
     */
    private String backupAcrossWalSwitches() {
        CopyListener switching = new CopyListener() {
            @Override
            public void planned(long files, long bytes) {
                switchWal();
            }
        };
        BackupOptions wait = new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                Optional.empty(), ARCHIVE_TIMEOUT);
        BackupInfo backup = Barman.load(config, Plugins.load()).server("main").takeBackup(wait, switching);
        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        return backup.id().value();
    }

    private Run barman(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = config.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true), bytes);
        return new Run(code, out.toString(), bytes.toByteArray(), err.toString());
    }

    private String listOrFail(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "list-files";
        System.arraycopy(args, 0, full, 1, args.length);
        Run run = barman(full);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out();
    }

    private List<Path> listFiles(String target, String id) {
        String out = target == null ? listOrFail("main", id) : listOrFail("--target", target, "main", id);
        return out.lines().map(Path::of).toList();
    }

    /**
     * The start of a backup from the backup_label PostgreSQL wrote (copied into the backup), its stop from the
     * {@code .backup} history file PostgreSQL archived, each named by PostgreSQL's pg_walfile_name.
     */
    private WalRange walRange(String id) throws IOException {
        String label = Files.readString(home.resolve("main/base").resolve(id).resolve("data/backup_label"));
        Matcher start = START_LSN.matcher(label);
        assertThat(start.find()).as(label).isTrue();
        String startLsn = start.group(1);
        String offset = String.format("%08X", Long.parseLong(startLsn.substring(startLsn.indexOf('/') + 1), 16)
                % (16 * 1024 * 1024));
        String history = Files.readString(archived(start.group(2) + "." + offset + ".backup"));
        Matcher stop = STOP_LSN.matcher(history);
        assertThat(stop.find()).as(history).isTrue();
        return new WalRange(pg.queryValue("SELECT pg_walfile_name('" + startLsn + "')"),
                pg.queryValue("SELECT pg_walfile_name('" + stop.group(1) + "')"));
    }

    /** @return the segments from one to another, both included, on the first one's timeline (16 MiB segments) */
    private static List<String> segments(String from, String to) {
        List<String> names = new ArrayList<>(List.of(from));
        while (names.get(names.size() - 1).compareTo(to) < 0) {
            names.add(segmentAfter(names.get(names.size() - 1)));
        }
        return names;
    }

    private static String segmentAfter(String name) {
        long segment = Long.parseLong(name.substring(8, 16), 16) * 256 + Long.parseLong(name.substring(16), 16) + 1;
        return name.substring(0, 8) + String.format("%08X%08X", segment / 256, segment % 256);
    }

    private Path archived(String name) {
        return home.resolve("main/wals").resolve(name.substring(0, 16)).resolve(name);
    }

    /** @return the names of the files in the archive's hash folders, sorted */
    private List<String> archivedNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path folder : list(home.resolve("main/wals"))) {
            if (Files.isDirectory(folder)) {
                list(folder).forEach(file -> names.add(file.getFileName().toString()));
            }
        }
        names.sort(null);
        return names;
    }

    private List<String> archivedSegments() throws IOException {
        return archivedNames().stream().filter(name -> SEGMENT.matcher(name).matches()).toList();
    }

    /** @return every line of xlog.db, by file name, split at its tabs */
    private Map<String, String[]> xlogDbByName() throws IOException {
        Map<String, String[]> lines = new LinkedHashMap<>();
        for (String line : Files.readAllLines(home.resolve("main/wals/xlog.db"))) {
            String[] fields = line.split("\t", -1);
            assertThat(lines.put(fields[0], fields)).as("a second line for %s", fields[0]).isNull();
        }
        return lines;
    }

    /** @return the files of a folder tree as Python's os.walk sees them: not folders, nor links to folders */
    private static List<Path> filesOnDisk(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                    .filter(path -> !Files.isDirectory(path)).toList();
        }
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> paths = Files.list(folder)) {
            return paths.sorted().toList();
        }
    }

    /** Decompresses with the system's own tool (zstd, bzip2, gzip), not with Barman's code. */
    private static byte[] decompress(String tool, byte[] compressed) throws Exception {
        Path input = Files.createTempFile(work, "compressed", ".bin");
        try {
            Files.write(input, compressed);
            Process process = new ProcessBuilder(tool, "-d", "-c", input.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] output = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as("%s -d exit code", tool).isZero();
            return output;
        } finally {
            Files.delete(input);
        }
    }
}
