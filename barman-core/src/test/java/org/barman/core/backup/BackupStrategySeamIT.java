package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.check.CheckResult;
import org.barman.core.hook.HookScripts;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code backup_method = postgres} through the {@code BackupStrategy} seam, on a real PostgreSQL 15: a strategy of
 * another jar that receives the files itself (never the transport) is driven by core to a DONE backup that
 * recovers; without such a strategy installed, backup and check fail in one line.
 */
class BackupStrategySeamIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    private static BackupFixture fixture;

    @BeforeAll
    static void cluster() throws Exception {
        fixture = new BackupFixture("backup_method = postgres");
        fixture.pg.execute("CREATE TABLE in_tbs(id int, payload text) TABLESPACE tbs1");
        fixture.pg.execute("INSERT INTO in_tbs SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        fixture.pg.execute("CREATE TABLE in_default(id int)");
        fixture.pg.execute("INSERT INTO in_default SELECT generate_series(1, 777)");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** The plug-ins of the class path plus the stand-in strategy's jar (its own META-INF/services). */
    private static Barman withReceivingStrategy() {
        URL jar = BackupStrategySeamIT.class.getResource("/receiving-strategy/");
        ClassLoader loader = new URLClassLoader(new URL[] {jar}, BackupStrategySeamIT.class.getClassLoader());
        return Barman.load(fixture.config(), Plugins.load(loader)).withHookPause(
                new HookScripts.RetryPause(Duration.ofMillis(10), 1, Duration.ofMillis(10)));
    }

    private static Map<String, CheckResult> items(Server server) {
        return server.check().results().stream().collect(Collectors.toMap(CheckResult::name, item -> item));
    }

    @Test
    void aStrategyThatReceivesTheFilesItselfEndsDoneRecordedWithItsModeAndRecovers() throws Exception {
        Barman barman = withReceivingStrategy();
        Server server = barman.server("main");
        assertThat(items(server).get("backup_method").display()).isEqualTo("backup_method: OK (postgres)");
        AtomicLong transferred = new AtomicLong();
        CopyListener counting = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                transferred.addAndGet(bytes);
            }
        };

        BackupInfo backup = server.takeBackup(WAIT, counting);

        assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
        BackupInfo recorded = server.catalog().get(backup.id());
        assertThat(recorded.status()).isEqualTo(BackupStatus.DONE);
        assertThat(recorded.mode()).isEqualTo("postgres");
        assertThat(recorded.timeline()).isEqualTo(1);
        assertThat(recorded.beginWal().fileName()).isEqualTo(
                fixture.pg.queryValue("SELECT pg_walfile_name('" + recorded.beginXlog() + "')"));
        assertThat(recorded.endXlog()).isGreaterThan(recorded.beginXlog());
        assertThat(recorded.backupLabel()).startsWith("START WAL LOCATION: " + recorded.beginXlog())
                .contains("LABEL: Barman backup main " + backup.id());
        Path data = server.catalog().dataDirectory(backup.id());
        Tablespace tbs = recorded.tablespaces().get(0);
        assertThat(data.resolve("backup_label")).hasContent(recorded.backupLabel());
        assertThat(data.resolve("tablespace_map")).hasContent(tbs.oid() + " " + tbs.location() + "\n");
        long labelAndMap = recorded.backupLabel().getBytes(StandardCharsets.UTF_8).length
                + Files.size(data.resolve("tablespace_map"));
        assertThat(transferred.get()).isGreaterThan(10_000_000);
        assertThat(recorded.size()).isEqualTo(transferred.get() + labelAndMap);
        assertThat(server.catalog().tablespaceDirectory(backup.id(), tbs)).isNotEmptyDirectory();

        fixture.pg.execute("INSERT INTO in_default SELECT generate_series(1, 5)");
        try (PostgresCluster copy = BackupFixture.start(fixture.restoreForStart(barman, recorded, "received"))) {
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("20000");
            assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("777");
        }
    }

    @Test
    void withoutAPostgresStrategyBackupAndCheckFailInOneLineNamingTheModule() {
        Server server = fixture.barman().server("main");
        int backupsBefore = server.catalog().oldestFirst().size();
        String expected = fixture.config() + " [main] backup_method = postgres needs the backup strategy 'postgres' "
                + "of the barman-streaming module, which is not installed (lib/barman-streaming-*.jar of the "
                + "distribution): install it, or set backup_method = rsync";

        assertThatThrownBy(() -> server.takeBackup(WAIT, CopyListener.NONE)).isInstanceOf(BarmanException.class)
                .hasMessage(expected);
        assertThat(server.catalog().oldestFirst()).hasSize(backupsBefore);
        assertThat(items(server).get("backup_method").display()).isEqualTo("backup_method: FAILED (" + expected
                + ")");
        assertThat(items(server)).doesNotContainKey("backup_options");
    }
}
