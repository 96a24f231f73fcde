package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.ReuseMode;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.Test;

/**
 * Base backups of a real PostgreSQL 15 with a tablespace through {@code ssh_command} and the rsync transport (the
 * default when ssh_command is set), taken through the Barman facade as {@code barman backup} takes them, and proven
 * consistent by starting a copy of them.
 */
class RsyncBackupIT {

    private static final BackupOptions WAIT = new BackupOptions(Optional.of(true), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ofMinutes(1));

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void aBackupWhilePostgresWorksIsConsistent() throws Exception {
        try (RemotePostgres fixture = new RemotePostgres()) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE in_tbs(id int, payload text) TABLESPACE tbs1");
            pg.execute("INSERT INTO in_tbs SELECT g, md5(g::text) FROM generate_series(1, 50000) g");
            pg.execute("CREATE TABLE in_default(id int)");
            pg.execute("INSERT INTO in_default SELECT generate_series(1, 1234)");
            pg.execute("CREATE TABLE churn(id int, payload text)");
            pg.execute("CHECKPOINT");
            String relation = pg.queryValue("SELECT pg_relation_filepath('in_tbs')");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            AtomicBoolean working = new AtomicBoolean(true);
            AtomicLong rounds = new AtomicLong();
            AtomicReference<RuntimeException> loadFailure = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    while (working.get()) {
                        long round = rounds.incrementAndGet();
                        pg.execute("CREATE TABLE vanishing_" + round + " AS SELECT g FROM generate_series(1, 2000) g");
                        pg.execute("INSERT INTO churn SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
                        pg.execute("DROP TABLE vanishing_" + round);
                    }
                } catch (RuntimeException e) {
                    loadFailure.set(e);
                }
            }, "write-load");
            load.start();

            BackupInfo backup;
            try {
                backup = server.takeBackup(WAIT, CopyListener.NONE);
            } finally {
                working.set(false);
                load.join();
            }

            assertThat(loadFailure.get()).as("the write load").isNull();
            assertThat(rounds.get()).as("rounds of writes during the backup").isPositive();
            assertThat(backup.status()).isEqualTo(BackupStatus.DONE);
            BackupInfo recorded = server.catalog().get(backup.id());
            assertThat(recorded.mode()).isEqualTo("rsync-concurrent");
            assertThat(recorded.systemid())
                    .isEqualTo(pg.queryValue("SELECT system_identifier FROM pg_control_system()"));
            assertThat(recorded.size()).isGreaterThan(10_000_000);
            Path base = server.catalog().backupDirectory(backup.id());
            Path data = base.resolve("data");
            Tablespace tbs = recorded.tablespaces().get(0);
            assertThat(data.resolve("backup_label")).content().startsWith("START WAL LOCATION:");
            assertThat(data.resolve("postmaster.pid")).doesNotExist();
            assertThat(data.resolve("pg_wal")).isEmptyDirectory();
            assertThat(Files.readSymbolicLink(data.resolve("pg_tblspc").resolve(Long.toString(tbs.oid()))))
                    .isEqualTo(fixture.tablespaceLocation);
            Path copiedRelation = base.resolve(Long.toString(tbs.oid())).resolve(relation.substring(
                    relation.indexOf("PG_15")));
            assertThat(sha256(copiedRelation)).isEqualTo(sha256(pg.dataDirectory().resolve(relation)));

            try (PostgresCluster copy = RemotePostgres.start(fixture.restoreForStart(barman, recorded, "one"))) {
                assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("50000");
                assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("1234");
                assertThat(Long.parseLong(copy.queryValue("SELECT count(*) FROM churn")) % 2000).isZero();
                assertThat(copy.queryValue("SELECT count(*) FROM pg_class WHERE relname LIKE 'vanishing%'"))
                        .isIn("0", "1");
            }
        }
    }

    @Test
    void reuseLinkWithNetworkCompressionAndParallelJobsHardLinksTheUnchangedFiles() throws Exception {
        try (RemotePostgres fixture = new RemotePostgres("network_compression = true", "parallel_jobs = 2",
                "reuse_backup = link")) {
            PostgresCluster pg = fixture.pg;
            pg.execute("CREATE TABLE big(id int, payload text) TABLESPACE tbs1");
            pg.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 100000) g");
            pg.execute("VACUUM FREEZE big");
            pg.execute("CHECKPOINT");
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            BackupInfo first = server.takeBackup(WAIT, CopyListener.NONE);
            String relation = pg.queryValue("SELECT pg_relation_filepath('big')");
            pg.execute("CREATE TABLE after_first AS SELECT generate_series(1, 777) id");

            BackupInfo second = server.takeBackup(new BackupOptions(Optional.of(true), Optional.of(ReuseMode.LINK),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE);

            assertThat(first.status()).isEqualTo(BackupStatus.DONE);
            assertThat(second.status()).isEqualTo(BackupStatus.DONE);
            Tablespace tbs = second.tablespaces().get(0);
            String inTablespace = relation.substring(relation.indexOf("PG_15"));
            Path before = server.catalog().tablespaceDirectory(first.id(), tbs).resolve(inTablespace);
            Path after = server.catalog().tablespaceDirectory(second.id(), tbs).resolve(inTablespace);
            assertThat(Files.isSameFile(before, after)).as("the unchanged table is a hard link").isTrue();
            assertThat(Files.isSameFile(server.catalog().dataDirectory(first.id()).resolve("PG_VERSION"),
                    server.catalog().dataDirectory(second.id()).resolve("PG_VERSION"))).isTrue();
            assertThat(second.deduplicatedSize()).as("deduplicated size of %s", second).isLessThan(second.size() / 2);
            try (PostgresCluster copy = RemotePostgres.start(fixture.restoreForStart(barman, second, "linked"))) {
                assertThat(copy.queryValue("SELECT count(*) FROM big")).isEqualTo("100000");
                assertThat(copy.queryValue("SELECT count(*) FROM after_first")).isEqualTo("777");
            }
        }
    }
}
