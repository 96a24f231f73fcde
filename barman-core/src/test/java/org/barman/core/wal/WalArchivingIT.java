package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.barman.api.WalFileInfo;
import org.barman.api.support.OwnerOnly;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.core.hook.HookScripts;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Continuous archiving from a real PostgreSQL 15 into one Barman server per compression: every segment
 * PostgreSQL archives reaches the archive, is indexed, and comes back byte for byte through get-wal.
 */
class WalArchivingIT {

    static final List<String> COMPRESSIONS = List.of("none", "gzip", "bzip2", "xz", "zstd", "lz4", "custom");

    static Path root;
    static Path truth;
    static PostgresCluster pg;
    static Barman barman;

    @BeforeAll
    static void startPostgresArchivingToEveryServer() throws IOException {
        root = Files.createTempDirectory("barman-wal-it");
        truth = root.resolve("truth");
        Files.createDirectories(truth);
        StringBuilder config = new StringBuilder("[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                + System.getProperty("user.name") + "\n");
        StringBuilder archiveCommand = new StringBuilder("cp %p " + truth + "/%f");
        for (String compression : COMPRESSIONS) {
            Path incoming = root.resolve("home").resolve(compression).resolve("incoming");
            OwnerOnly.createFolders(incoming);
            archiveCommand.append(" && rsync -a %p ").append(incoming).append("/%f");
            config.append("\n[").append(compression).append("]\nconninfo = PLACEHOLDER\n");
            switch (compression) {
                case "none" -> { }
                case "custom" -> config.append("compression = custom\ncustom_compression_filter = gzip -c -1\n"
                        + "custom_decompression_filter = gzip -dc\ncustom_compression_magic = 0x1f8b\n");
                default -> config.append("compression = ").append(compression).append('\n');
            }
        }
        PostgresCluster.grantToClusterUser(root);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", archiveCommand.toString()).start();
        Path file = root.resolve("barman.conf");
        Files.writeString(file, config.toString().replace("PLACEHOLDER", pg.conninfo()));
        barman = Barman.load(file, Plugins.load()).withHookPause(
                new HookScripts.RetryPause(Duration.ofMillis(10), 1, Duration.ofMillis(10)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pg != null) {
            pg.close();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static List<String> generateWal(int segments) {
        pg.execute("CREATE TABLE IF NOT EXISTS filler(id serial, payload text)");
        List<String> switched = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            pg.execute("INSERT INTO filler(payload) SELECT md5(g::text) FROM generate_series(1, 20000) g");
            switched.add(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
        }
        return switched;
    }

    private static void awaitArchived(String lastWal) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!Files.exists(truth.resolve(lastWal)) || !everyIncomingHas(lastWal)) {
            assertThat(Instant.now()).as("PostgreSQL archived " + lastWal).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean everyIncomingHas(String wal) {
        return COMPRESSIONS.stream().allMatch(c -> Files.exists(root.resolve("home").resolve(c)
                .resolve("incoming").resolve(wal)));
    }

    @Test
    void everySegmentIsArchivedIndexedAndReturnedIdenticalForEveryCompression() throws Exception {
        List<String> switched = generateWal(4);
        awaitArchived(switched.get(switched.size() - 1));

        boolean ok = barman.cron(new CronListener() {
        });
        assertThat(ok).isTrue();

        List<Path> originals;
        try (Stream<Path> files = Files.list(truth)) {
            originals = files.filter(path -> path.getFileName().toString().matches("[0-9A-F]{24}")).sorted()
                    .toList();
        }
        assertThat(originals).hasSizeGreaterThanOrEqualTo(4);
        for (String compression : COMPRESSIONS) {
            Server server = barman.server(compression);
            List<String> indexed = server.walArchive().list().stream().map(entry -> entry.name().fileName())
                    .toList();
            for (Path original : originals) {
                String name = original.getFileName().toString();
                assertThat(indexed).as(compression + " indexes " + name).contains(name);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                server.getWal(name, out, null);
                assertThat(out.toByteArray()).as(compression + " get-wal " + name)
                        .isEqualTo(Files.readAllBytes(original));
                WalFileInfo entry = server.walArchive().find(org.barman.api.WalSegmentName.parse(name)).orElseThrow();
                assertThat(entry.compression()).isEqualTo(compression.equals("none") ? null : compression);
                if (!compression.equals("none")) {
                    assertThat(entry.size()).as(compression + " compressed " + name)
                            .isLessThan(Files.size(original));
                }
            }
            assertThat(server.walArchive().incomingFiles()).isEmpty();

            List<org.barman.api.WalFileInfo> before = server.walArchive().list();
            server.rebuildXlogDb();
            assertThat(server.walArchive().list()).as(compression + " rebuilt index")
                    .extracting(WalFileInfo::name, WalFileInfo::compression, WalFileInfo::size)
                    .containsExactlyElementsOf(before.stream().map(entry -> org.assertj.core.groups.Tuple.tuple(
                            entry.name(), entry.compression(), entry.size())).toList());
        }
    }

    @Test
    void checkReportsEveryArchivingItemOk() throws Exception {
        List<String> switched = generateWal(1);
        awaitArchived(switched.get(0));
        barman.cron(new CronListener() {
        });
        CheckReport report = barman.server("zstd").check();
        assertThat(report.failures()).isEmpty();
        assertThat(report.results()).extracting(CheckResult::name).contains("PostgreSQL", "wal_level",
                "directories", "compression settings", "WAL index", "archive_mode", "archive_command", "continuous archiving",
                "archiver errors");
    }
}
