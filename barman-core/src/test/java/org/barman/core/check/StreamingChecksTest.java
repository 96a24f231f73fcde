package org.barman.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check items that need no PostgreSQL: a folder whose archiver is off must hold no WAL. */
class StreamingChecksTest {

    @TempDir
    Path home;

    private CheckReport check(String... options) throws IOException {
        Server server = TestBarman.withServer(home, options).server("main");
        return server.check();
    }

    @Test
    void aFolderWhoseArchiverIsOffMustBeEmpty() throws IOException {
        Path incoming = Files.createDirectories(home.resolve("main/incoming"));
        Files.write(incoming.resolve("000000010000000000000001"), new byte[16]);
        CheckReport streamingOnly = check("conninfo = host=127.0.0.1 port=1 connect_timeout=2",
                "archiver = off", "streaming_archiver = on", "slot_name = barman");
        assertThat(streamingOnly.failures()).extracting(CheckResult::display).contains("empty incoming directory: "
                + "FAILED ('" + incoming + "' must be empty when archiver = off: it holds 1 WAL files that nothing "
                + "archives; turn archiver on until they are archived, or move them away)");
        assertThat(home.resolve("main/streaming")).as("created by check").isDirectory();

        Path streaming = home.resolve("main/streaming");
        Files.write(streaming.resolve("000000010000000000000002"), new byte[16]);
        Files.write(streaming.resolve("000000010000000000000003.partial"), new byte[16]);
        Files.delete(incoming.resolve("000000010000000000000001"));
        CheckReport filesOnly = check("conninfo = host=127.0.0.1 port=1 connect_timeout=2");
        assertThat(filesOnly.failures()).extracting(CheckResult::display).contains("empty streaming directory: "
                + "FAILED ('" + streaming + "' must be empty when streaming_archiver = off: it holds 2 WAL files "
                + "that nothing archives; turn streaming_archiver on until they are archived, or move them away)")
                .noneMatch(display -> display.startsWith("empty incoming directory"));
    }

    @Test
    void aPostgresBackupServerChecksItsReplicationConnectionWithoutStreamingWal() throws IOException {
        CheckReport postgresMethod = check("conninfo = host=127.0.0.1 port=1 connect_timeout=2",
                "backup_method = postgres");
        assertThat(postgresMethod.results()).extracting(CheckResult::name).containsOnlyOnce("PostgreSQL streaming");
        assertThat(postgresMethod.failures()).extracting(CheckResult::display).anyMatch(display -> display
                .startsWith("PostgreSQL streaming: FAILED (cannot open a replication connection to PostgreSQL of "
                        + "server main (")
                && display.endsWith(": check streaming_conninfo, and that pg_hba.conf has a replication line for its "
                        + "user)"));

        CheckReport rsync = check("conninfo = host=127.0.0.1 port=1 connect_timeout=2");
        assertThat(rsync.results()).extracting(CheckResult::name).doesNotContain("PostgreSQL streaming");
    }
}
