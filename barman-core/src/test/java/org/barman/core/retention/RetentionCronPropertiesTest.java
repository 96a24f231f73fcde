package org.barman.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionReport;
import org.barman.api.RetentionStatus;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.Barman;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.catalog.AbandonedBackups;
import org.barman.core.catalog.Catalog;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code barman cron} on random catalogues written to disk as Barman lays them out: what is left in
 * {@code base/}, {@code wals/} and {@code xlog.db} keeps every promise of the policy.
 */
class RetentionCronPropertiesTest {

    private static final Plugins PLUGINS = Plugins.load();

    @TempDir
    Path dir;

    @Test
    void cronLeavesOnDiskWhatThePolicyPromises() {
        AtomicInteger runs = new AtomicInteger();
        RetentionScenario.forAll(150, scenario -> {
            Path home = dir.resolve("run-" + runs.incrementAndGet());
            try {
                Barman barman = write(scenario, home);
                RetentionReport expected = scenario.policy().evaluate(scenario.backups(), scenario.now(),
                        scenario.minimumRedundancy());
                List<BackupId> announced = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                boolean ok = barman.cron(new CronListener() {
                    @Override
                    public void removingObsoleteBackup(Server server, BackupInfo backup) {
                        announced.add(backup.id());
                    }

                    @Override
                    public void failed(Server server, String error) {
                        failures.add(error);
                    }
                });
                assertThat(failures).isEmpty();
                assertThat(ok).isTrue();

                Server server = barman.server("main");
                List<BackupInfo> remaining = server.catalog().oldestFirst();
                List<BackupId> obsolete = scenario.backups().stream().map(BackupInfo::id)
                        .filter(id -> expected.statusOf(id) == RetentionStatus.OBSOLETE).sorted().toList();
                assertThat(announced).as("obsolete backups deleted oldest first").isEqualTo(obsolete);
                String abandoned = new AbandonedBackups(server.config(), server.catalog()).reason();
                assertThat(remaining).as("no process holds the backup lock: STARTED backups were abandoned")
                        .isEqualTo(scenario.backups().stream().filter(backup -> !obsolete.contains(backup.id()))
                                .map(backup -> backup.status() != BackupStatus.STARTED ? backup : backup.toBuilder()
                                        .status(BackupStatus.FAILED).error(abandoned).build())
                                .toList());

                Set<WalSegmentName> onDisk = walFilesOnDisk(server.config().walsDirectory());
                assertThat(server.walArchive().list()).extracting(WalFileInfo::name)
                        .as("xlog.db lists exactly the files on disk").containsExactlyInAnyOrderElementsOf(onDisk);
                RetentionInvariants.check(scenario, remaining, onDisk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteTree(home);
            }
        });
    }

    private static Barman write(RetentionScenario scenario, Path home) throws IOException {
        Files.createDirectories(home);
        Path config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\n\n[main]\nconninfo = host=127.0.0.1\nretention_policy = "
                + scenario.policyText() + "\nminimum_redundancy = " + scenario.minimumRedundancy() + "\n");
        Barman barman = Barman.load(config, PLUGINS).withClock(Clock.fixed(scenario.now(), ZoneOffset.UTC));
        Server server = barman.server("main");
        Catalog catalog = server.catalog();
        for (BackupInfo backup : scenario.backups()) {
            catalog.create(backup);
            Path data = catalog.dataDirectory(backup.id());
            Files.createDirectories(data);
            Files.writeString(data.resolve("PG_VERSION"), "15\n");
        }
        Path wals = server.config().walsDirectory();
        for (WalSegmentName name : scenario.archived()) {
            Path folder = wals.resolve(name.directoryName());
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(name.fileName()), name.fileName());
        }
        server.rebuildXlogDb();
        return barman;
    }

    private static Set<WalSegmentName> walFilesOnDisk(Path wals) throws IOException {
        try (Stream<Path> files = Files.walk(wals)) {
            return files.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(WalSegmentName::isValid).map(WalSegmentName::parse).collect(Collectors.toSet());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
