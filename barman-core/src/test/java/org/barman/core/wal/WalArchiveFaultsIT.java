package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must never lose a WAL file: a process killed in the middle, two processes at once, a full disk, a
 * folder that refuses writes.
 */
class WalArchiveFaultsIT {

    private static final int SEGMENT = 1024 * 1024;

    @TempDir
    Path home;

    private Map<String, byte[]> fillIncoming(Server server, int count, long seed) throws IOException {
        Path incoming = server.config().incomingWalsDirectory();
        Files.createDirectories(incoming);
        Random random = new Random(seed);
        Map<String, byte[]> originals = new HashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] content = new byte[SEGMENT];
            random.nextBytes(content);
            java.util.Arrays.fill(content, SEGMENT / 4, SEGMENT, (byte) i);
            String name = WalSegmentName.ofSegmentNumber(1, i + 1, SEGMENT).fileName();
            Files.write(incoming.resolve(name), content);
            originals.put(name, content);
        }
        return originals;
    }

    /** Every original is whole in incoming, or archived, indexed and whole; nothing else exists. */
    private void assertNothingLost(Server server, Map<String, byte[]> originals) throws IOException {
        Map<String, WalFileInfo> indexed = server.walArchive().list().stream()
                .collect(Collectors.toMap(entry -> entry.name().fileName(), entry -> entry));
        for (Map.Entry<String, byte[]> original : originals.entrySet()) {
            String name = original.getKey();
            Path incoming = server.config().incomingWalsDirectory().resolve(name);
            if (indexed.containsKey(name)) {
                var out = new java.io.ByteArrayOutputStream();
                server.getWal(name, out, null);
                assertThat(out.toByteArray()).as("archived " + name).isEqualTo(original.getValue());
            } else {
                assertThat(incoming).as(name + " is neither indexed nor in incoming").exists();
                assertThat(Files.readAllBytes(incoming)).as("incoming " + name).isEqualTo(original.getValue());
            }
        }
        assertThat(indexed.keySet()).isSubsetOf(originals.keySet());
    }

    @Test
    void aProcessKilledMidwayNeverLosesAFileAndTheNextRunFinishes() throws Exception {
        Barman barman = TestBarman.withServer(home, "compression = gzip");
        Server server = barman.server("main");
        Map<String, byte[]> originals = fillIncoming(server, 200, 42);
        Random random = new Random(7);
        int kills = 0;
        for (int round = 0; round < 8 && !server.walArchive().incomingFiles().isEmpty(); round++) {
            Process process = ArchiverProcess.start(barman.config().mainFile(), "main");
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(first).isEqualTo("started");
            Thread.sleep(50 + random.nextInt(400));
            if (process.isAlive()) {
                new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
                kills++;
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertNothingLost(server, originals);
        }
        assertThat(kills).as("the archiver was killed mid-way at least twice").isGreaterThanOrEqualTo(2);

        assertThat(barman.cron(new CronListener() {
        })).isTrue();
        assertNothingLost(server, originals);
        assertThat(server.walArchive().incomingFiles()).isEmpty();
        assertThat(server.walArchive().list()).hasSize(originals.size());
        List<String> lines = Files.readAllLines(server.config().walsDirectory().resolve("xlog.db"));
        assertThat(lines.stream().map(line -> line.split("\t")[0]).distinct().count())
                .as("no file indexed twice").isEqualTo(lines.size());
    }

    @Test
    void twoArchiversAtOnceArchiveEachFileExactlyOnce() throws Exception {
        Barman barman = TestBarman.withServer(home, "compression = lz4");
        Server server = barman.server("main");
        Map<String, byte[]> originals = fillIncoming(server, 120, 43);

        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(ArchiverProcess.start(barman.config().mainFile(), "main"));
        }
        List<Integer> codes = new ArrayList<>();
        for (Process process : processes) {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            codes.add(process.exitValue());
        }
        assertThat(codes).allMatch(code -> code == 0 || code == 3).contains(0);
        barman.server("main").archiveWal();

        assertNothingLost(server, originals);
        List<String> names = Files.readAllLines(server.config().walsDirectory().resolve("xlog.db")).stream()
                .map(line -> line.split("\t")[0]).toList();
        assertThat(names).hasSize(originals.size()).doesNotHaveDuplicates();
        assertThat(server.config().errorsDirectory()).satisfiesAnyOf(
                dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
    }

    @Test
    void aFullDiskLeavesTheFilesInIncomingAndCronFails() throws Exception {
        Barman barman = TestBarman.withServer(home);
        Server server = barman.server("main");
        Map<String, byte[]> originals = fillIncoming(server, 12, 44);
        Path wals = server.config().walsDirectory();
        Files.createDirectories(wals);
        // A small file system of its own: hard links are impossible, copies fill it after a few files.
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", wals.toString())
                .inheritIO().start();
        assertThat(mount.waitFor()).as("mounting a 5 MiB tmpfs needs root").isZero();
        try {
            List<String> failures = new ArrayList<>();
            boolean ok = barman.cron(new CronListener() {
                @Override
                public void failed(Server failedServer, String error) {
                    failures.add(error);
                }
            });
            assertThat(ok).isFalse();
            assertThat(failures).singleElement().asString().contains("No space left on device")
                    .contains("stay in " + server.config().incomingWalsDirectory());
            assertNothingLost(server, originals);
            assertThat(server.walArchive().incomingFiles()).isNotEmpty();
            try (var temps = Files.walk(wals)) {
                assertThat(temps.filter(p -> p.getFileName().toString().startsWith(".barman-tmp"))).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", wals.toString()).inheritIO().start().waitFor();
        }
        assertThat(barman.cron(new CronListener() {
        })).isTrue();
        assertThat(server.walArchive().list()).hasSize(originals.size());
        assertNothingLost(server, originals);
    }

    @Test
    void aFolderThatRefusesWritesLeavesTheFilesInIncoming() throws Exception {
        Barman barman = TestBarman.withServer(home);
        Server server = barman.server("main");
        Map<String, byte[]> originals = fillIncoming(server, 3, 45);
        Path wals = server.config().walsDirectory();
        Files.createDirectories(wals);
        Process immutable = new ProcessBuilder("chattr", "+i", wals.toString()).inheritIO().start();
        assertThat(immutable.waitFor()).as("chattr +i").isZero();
        try {
            var report = server.archiveWal();
            assertThat(report.succeeded()).isFalse();
            assertThat(report.failure()).contains("Operation not permitted");
            assertNothingLost(server, originals);
            assertThat(server.walArchive().incomingFiles()).hasSize(3);
        } finally {
            new ProcessBuilder("chattr", "-i", wals.toString()).inheritIO().start().waitFor();
        }
        assertThat(server.archiveWal().succeeded()).isTrue();
        assertNothingLost(server, originals);
    }
}
