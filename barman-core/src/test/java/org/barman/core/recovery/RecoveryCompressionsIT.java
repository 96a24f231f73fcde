package org.barman.core.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/**
 * A point-in-time recovery from an archive written with every compression: one PostgreSQL archives into one
 * Barman server per compression; each server backs it up, and each recovery to the same restore point holds the
 * same rows.
 */
class RecoveryCompressionsIT {

    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "bzip2", "xz", "zstd", "lz4",
            "custom");

    @Test
    void everyCompressionRecoversToTheRestorePoint() throws Exception {
        Path root = Files.createTempDirectory("barman-recovery-compressions");
        try {
            StringBuilder config = new StringBuilder("[barman]\nbarman_home = " + root.resolve("home")
                    + "\nbarman_user = " + System.getProperty("user.name") + "\n");
            StringBuilder archiveCommand = new StringBuilder("true");
            for (String compression : COMPRESSIONS) {
                Path incoming = root.resolve("home").resolve(compression).resolve("incoming");
                Files.createDirectories(incoming);
                archiveCommand.append(" && rsync -a %p ").append(incoming).append("/%f");
                config.append("\n[").append(compression).append("]\nconninfo = PLACEHOLDER\n");
                switch (compression) {
                    case "none" -> { }
                    case "custom" -> config.append("compression = custom\ncustom_compression_filter = gzip -c\n"
                            + "custom_decompression_filter = gzip -dc\ncustom_compression_magic = 0x1f8b\n");
                    default -> config.append("compression = ").append(compression).append('\n');
                }
            }
            PostgresCluster.grantToClusterUser(root);
            try (PostgresCluster pg = PostgresCluster.builder().setting("archive_mode", "on")
                    .setting("archive_command", archiveCommand.toString()).start()) {
                Path file = root.resolve("barman.conf");
                Files.writeString(file, config.toString().replace("PLACEHOLDER", pg.conninfo()));
                Barman barman = Barman.load(file, Plugins.load());
                pg.execute("CREATE TABLE t(batch int)");
                pg.execute("INSERT INTO t SELECT 0 FROM generate_series(1, 50)");
                BackupOptions wait = new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                        Optional.empty(), Duration.ofMinutes(1));
                for (String compression : COMPRESSIONS) {
                    BackupInfo backup = barman.server(compression).takeBackup(wait, CopyListener.NONE);
                    assertThat(backup.status()).as(compression).isEqualTo(BackupStatus.DONE);
                }
                pg.execute("INSERT INTO t SELECT 1 FROM generate_series(1, 25)");
                pg.execute("SELECT pg_create_restore_point('compressed')");
                pg.execute("INSERT INTO t SELECT 2 FROM generate_series(1, 25)");
                WalSegmentName last = WalSegmentName.parse(pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())"));
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (!COMPRESSIONS.stream().allMatch(c -> barman.server(c).walArchive().find(last).isPresent())) {
                    assertThat(System.nanoTime()).as("WAL " + last + " archived everywhere").isLessThan(deadline);
                    barman.cron(new CronListener() {
                    });
                    Thread.sleep(200);
                }
                for (String compression : COMPRESSIONS) {
                    Path destination = root.resolve("recovered-" + compression);
                    RecoveryReport report = barman.server(compression).recover("latest", destination.toString(),
                            RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "compressed", false))
                                    .withTargetAction("promote"), CopyListener.NONE);
                    assertThat(report.walFiles()).as(compression).isPositive();
                    PostgresCluster.grantToClusterUser(destination);
                    try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
                        copy.awaitRecoveryEnd(Duration.ofMinutes(2));
                        assertThat(copy.queryValue("SELECT count(*) FROM t")).as(compression).isEqualTo("75");
                    }
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
