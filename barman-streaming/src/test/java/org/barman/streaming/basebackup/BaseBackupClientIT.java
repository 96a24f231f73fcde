package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.barman.api.BarmanException;
import org.barman.testkit.PostgresCluster;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code BASE_BACKUP} against a real cluster of every supported major version, with a tablespace: the copy holds
 * exactly the manifest's files, and starts with the same major's binaries to the same rows.
 */
class BaseBackupClientIT {

    private static final String APPLICATION_NAME = "barman_base_backup_it";
    private static final Pattern MANIFEST_PATH = Pattern.compile("\"Path\": \"([^\"]+)\"");

    @TempDir
    Path root;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void copyWithTablespaceMatchesManifestAndStarts(int major) throws Exception {
        Path sourceTablespace = Files.createDirectories(root.resolve("source-tbs"));
        PostgresCluster.grantToClusterUser(root);
        try (PostgresCluster pg = PostgresCluster.builder().majorVersion(major).start()) {
            pg.execute("CREATE TABLESPACE tbs1 LOCATION '" + sourceTablespace + "'");
            pg.execute("CREATE TABLE in_tbs(id int) TABLESPACE tbs1");
            pg.execute("INSERT INTO in_tbs SELECT generate_series(1, 1234)");
            pg.execute("CREATE TABLE in_default(id int, t text)");
            pg.execute("INSERT INTO in_default SELECT i, repeat('x', 100) FROM generate_series(1, 5678) i");
            long oid = Long.parseLong(pg.queryValue("SELECT oid FROM pg_tablespace WHERE spcname = 'tbs1'"));
            Path data = root.resolve("copy/data");
            Path tablespace = root.resolve("copy/" + oid);
            List<BaseBackupStart> starts = new ArrayList<>();
            List<long[]> progress = new ArrayList<>();
            BaseBackupResult result;
            try (Connection connection = connect(pg)) {
                result = BaseBackupClient.backup(connection, new BaseBackupRequest("barman-it", true, 0, true, data,
                        o -> o == oid ? tablespace : null), new BaseBackupListener() {
                            @Override
                            public void started(BaseBackupStart start) {
                                starts.add(start);
                            }

                            @Override
                            public void progress(long done, long total) {
                                progress.add(new long[] {done, total});
                            }
                        });
                // The driver's connection is left as the driver expects it: idle, ready for the next command.
                try (var statement = connection.createStatement();
                     var identify = statement.executeQuery("IDENTIFY_SYSTEM")) {
                    assertThat(identify.next()).isTrue();
                    assertThat(identify.getLong("timeline")).isEqualTo(1);
                }
            }

            assertThat(starts).containsExactly(result.start());
            assertThat(result.start().timeline()).isEqualTo(1);
            assertThat(result.start().tablespaces()).singleElement().satisfies(t -> {
                assertThat(t.oid()).isEqualTo(oid);
                assertThat(t.location()).isEqualTo(sourceTablespace.toString());
                assertThat(t.sizeBytes()).isPositive();
            });
            assertThat(result.endPosition()).isGreaterThan(result.start().position());
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1)[1]).isEqualTo(result.start().totalSizeBytes());

            String manifest = Files.readString(data.resolve("backup_manifest"));
            Set<String> listed = new TreeSet<>();
            Matcher paths = MANIFEST_PATH.matcher(manifest);
            while (paths.find()) {
                listed.add(paths.group(1));
            }
            Set<String> written = new TreeSet<>(regularFiles(data, ""));
            written.remove("backup_manifest");
            written.addAll(regularFiles(tablespace, "pg_tblspc/" + oid + "/"));
            assertThat(written).isEqualTo(listed);
            assertThat(result.files()).isEqualTo(listed.size());
            assertThat(result.manifest().files()).isEqualTo(listed.size());
            assertThat(result.manifest().bytes()).isEqualTo(result.bytes());
            assertThat(result.manifest().checksumAlgorithm()).isEqualTo("SHA256");
            assertThat(written).contains("backup_label", "tablespace_map", "global/pg_control");

            String label = Files.readString(data.resolve("backup_label"));
            assertThat(label).contains("START WAL LOCATION: " + result.start().position() + " (file "
                    + pg.queryValue("SELECT pg_walfile_name('" + result.start().position() + "')") + ")");
            assertThat(label).contains("LABEL: barman-it");
            String relation = pg.queryValue("SELECT pg_relation_filepath('in_tbs')");
            assertThat(relation).startsWith("pg_tblspc/" + oid + "/");
            assertThat(tablespace.resolve(relation.substring(("pg_tblspc/" + oid + "/").length()))).isRegularFile();
            // With TABLESPACE_MAP the server sends the map instead of the links, as pg_backup_stop() gives it.
            assertThat(data.resolve("pg_tblspc/" + oid)).doesNotExist();
            assertThat(Files.readString(data.resolve("tablespace_map"))).isEqualTo(oid + " " + sourceTablespace
                    + "\n");
            assertThat(Files.getPosixFilePermissions(data.resolve("global/pg_control")))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

            // As a recovery would: the tablespace where it was copied, and the WAL from the start to the end.
            Files.writeString(data.resolve("tablespace_map"), oid + " " + tablespace + "\n");
            copyWal(pg, result, data.resolve("pg_wal"));
            PostgresCluster.grantToClusterUser(root.resolve("copy"));
            try (PostgresCluster copy = PostgresCluster.startExisting(data, major, Map.of())) {
                copy.awaitRecoveryEnd(Duration.ofMinutes(1));
                assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("1234");
                assertThat(copy.queryValue("SELECT count(*) FROM in_default")).isEqualTo("5678");
                assertThat(copy.queryValue("SELECT current_setting('server_version_num')::int / 10000"))
                        .isEqualTo(Integer.toString(major));
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 17})
    void terminatedWalSenderFailsWithOneLineAndNoManifest(int major) throws Exception {
        PostgresCluster.grantToClusterUser(root);
        try (PostgresCluster pg = PostgresCluster.builder().majorVersion(major).start()) {
            pg.execute("CREATE TABLE t(id int, t text)");
            pg.execute("INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(1, 20000) i");
            Path data = root.resolve("copy/data");
            AtomicBoolean terminated = new AtomicBoolean();
            BaseBackupListener killer = new BaseBackupListener() {
                @Override
                public void progress(long done, long total) {
                    if (terminated.compareAndSet(false, true)) {
                        pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                                + APPLICATION_NAME + "'");
                    }
                }
            };
            try (Connection connection = connect(pg)) {
                assertThatThrownBy(() -> BaseBackupClient.backup(connection, new BaseBackupRequest("killed", true,
                        1024, false, data, o -> null), killer))
                        .isInstanceOf(BarmanException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")
                                .containsAnyOf("57P01", "connection to the server ended"));
            }
            assertThat(terminated).isTrue();
            assertThat(data.resolve("backup_manifest")).doesNotExist();
            assertThat(data.resolve(BaseBackupClient.MANIFEST_PART)).doesNotExist();
            // Every file left is whole: the one being written when the stream broke was removed.
            for (String file : regularFiles(data.resolve("base"), "base/")) {
                Path source = pg.dataDirectory().resolve(file);
                assertThat(Files.size(data.resolve(file))).as(file).isEqualTo(Files.size(source));
            }
        }
    }

    private static Connection connect(PostgresCluster pg) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("replication", "true");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        return DriverManager.getConnection(pg.jdbcUrl(), properties);
    }

    private static List<String> regularFiles(Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .map(f -> prefix + folder.relativize(f).toString()).toList();
        }
    }

    /** Copies the segments from the backup's start to its end from the server's pg_wal into the copy's. */
    private static void copyWal(PostgresCluster pg, BaseBackupResult result, Path target) throws IOException {
        String first = pg.queryValue("SELECT pg_walfile_name('" + result.start().position() + "')");
        String last = pg.queryValue("SELECT pg_walfile_name('" + result.endPosition() + "')");
        try (Stream<Path> segments = Files.list(pg.dataDirectory().resolve("pg_wal"))) {
            for (Path segment : (Iterable<Path>) segments::iterator) {
                String name = segment.getFileName().toString();
                if (name.length() == 24 && name.compareTo(first) >= 0 && name.compareTo(last) <= 0) {
                    Files.copy(segment, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        assertThat(target.resolve(first)).exists();
        assertThat(target.resolve(last)).exists();
    }
}
