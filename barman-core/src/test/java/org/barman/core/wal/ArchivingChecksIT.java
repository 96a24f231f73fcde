package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Collectors;

import org.barman.core.Server;
import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.core.support.TestBarman;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} says what is wrong with archiving, on a real PostgreSQL that does not archive. */
class ArchivingChecksIT {

    @TempDir
    Path home;

    @Test
    void aServerWithoutArchivingFailsTheArchivingItemsWithHints() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().setting("wal_level", "minimal")
                .setting("max_wal_senders", "0").start()) {
            Server server = TestBarman.withServer(home, "conninfo = " + pg.conninfo()).server("main");
            CheckReport report = server.check();
            Map<String, CheckResult> items = report.results().stream()
                    .collect(Collectors.toMap(CheckResult::name, item -> item));
            assertThat(report.ok()).isFalse();
            assertThat(items.get("PostgreSQL").ok()).isTrue();
            assertThat(items.get("directories").ok()).isTrue();
            assertThat(server.config().incomingWalsDirectory()).isDirectory();
            assertThat(items.get("wal_level").display()).startsWith("wal_level: FAILED (it is 'minimal'");
            assertThat(items.get("archive_mode").display()).startsWith("archive_mode: FAILED (it is 'off'");
            assertThat(items.get("archive_command").display()).contains("FAILED")
                    .contains(server.config().incomingWalsDirectory() + "/%f");
            assertThat(items.get("continuous archiving").ok()).isFalse();
        }
    }

    @Test
    void anUnreachablePostgresFailsThePostgresItem() throws Exception {
        Server server = TestBarman.withServer(home, "conninfo = host=127.0.0.1 port=1 user=postgres connect_timeout=2")
                .server("main");
        CheckReport report = server.check();
        assertThat(report.results().get(0).name()).isEqualTo("PostgreSQL");
        assertThat(report.results().get(0).ok()).isFalse();
        assertThat(report.results().get(0).detail()).startsWith("cannot connect to PostgreSQL of server main");
        assertThat(report.results()).extracting(CheckResult::name).doesNotContain("wal_level", "archive_mode");
    }

    @Test
    void aTornXlogDbLineFailsTheCheckNamingTheLineUntilRebuildXlogDb() throws Exception {
        Server server = TestBarman.withServer(home, "conninfo = host=127.0.0.1 port=1 user=postgres connect_timeout=2")
                .server("main");
        WalFiles.write(server.config().incomingWalsDirectory().resolve("000000010000000000000001"), 1);
        server.archiveWal();
        Path xlogDb = server.walArchive().xlogDb().file();
        Files.writeString(xlogDb, "000000010000000000000002\t167", StandardOpenOption.APPEND);

        CheckResult torn = item(server, "WAL index");
        assertThat(torn.ok()).isFalse();
        assertThat(torn.display()).contains(xlogDb + ", line 2 is unfinished").contains("000000010000000000000002")
                .contains("barman rebuild-xlogdb main");

        server.rebuildXlogDb();
        assertThat(item(server, "WAL index").ok()).isTrue();
        assertThat(server.walArchive().list()).extracting(entry -> entry.name().fileName())
                .containsExactly("000000010000000000000001");
    }

    private static CheckResult item(Server server, String name) {
        return server.check().results().stream().filter(result -> result.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
