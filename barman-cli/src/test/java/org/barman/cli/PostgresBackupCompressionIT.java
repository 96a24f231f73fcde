package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.CompressorProvider;
import org.barman.api.CopyListener;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryTarget;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compression at rest of {@code backup_method = postgres} on a real PostgreSQL 15 with a tablespace: gzip, lz4 and
 * zstd compressed by Barman, zstd and lz4 by the server; stored as Barman stores them ({@code base.tar.*} and
 * {@code <oid>.tar.*} beside {@code backup_manifest}), or decompressed on arrival ({@code plain}); every one
 * recovered (locally, and through sshd with {@code recovery_staging_path}), started, with exact row counts.
 */
class PostgresBackupCompressionIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    static PostgresMethodCluster cluster;
    static Path root;
    static PostgresCluster pg;

    @BeforeAll
    static void clusterWithATablespace() throws Exception {
        cluster = PostgresMethodCluster.start("barman-postgres-compression-it", 15);
        root = cluster.root();
        pg = cluster.pg();
        PostgresMethodCluster.fillTablespace(pg, 20000);
        pg.execute("CREATE TABLE in_default(id int)");
        pg.execute("INSERT INTO in_default SELECT generate_series(1, 4321)");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "{0} on the {1}")
    @CsvSource({"gzip, client, gz", "lz4, client, lz4", "zstd, client, zst", "zstd, server, zst",
        "gzip, server, gz"})
    void aCompressedTarBackupIsStoredAsBarmanStoresItAndRecoversWithExactRowCounts(String algorithm,
            String location, String extension) throws Exception {
        Server server = server(algorithm + "-" + location, "backup_compression = " + algorithm + "\n"
                + "backup_compression_location = " + location + "\n");

        BackupInfo backup = backup(server);

        assertThat(backup.compression()).isEqualTo(algorithm);
        Tablespace tbs = backup.tablespaces().get(0);
        Path data = server.catalog().dataDirectory(backup.id());
        assertThat(names(data)).containsExactlyInAnyOrder("base.tar." + extension,
                tbs.oid() + ".tar." + extension, "backup_manifest");
        assertThat(server.catalog().tablespaceDirectory(backup.id(), tbs)).doesNotExist();
        assertThat(writtenBy(data.resolve("base.tar." + extension))).isEqualTo(algorithm);
        assertThat(backup.backupLabel()).contains("LABEL: Barman backup main " + backup.id());
        assertThat(backup.size()).isEqualTo(Files.size(data.resolve("base.tar." + extension))
                + Files.size(data.resolve(tbs.oid() + ".tar." + extension)));

        assertRecovered(server, backup, algorithm + "-" + location, RecoveryOptions.of(RecoveryTarget.NONE));
    }

    @Test
    void aBackupTheServerCompressesCanBeStoredPlain() throws Exception {
        Server server = server("lz4-plain", "backup_compression = lz4\nbackup_compression_location = server\n"
                + "backup_compression_format = plain\n");

        BackupInfo backup = backup(server);

        assertThat(backup.compression()).isNull();
        Path data = server.catalog().dataDirectory(backup.id());
        assertThat(data.resolve("PG_VERSION")).hasContent("15\n");
        assertThat(server.catalog().tablespaceDirectory(backup.id(), backup.tablespaces().get(0)))
                .isNotEmptyDirectory();
        assertRecovered(server, backup, "lz4-plain", RecoveryOptions.of(RecoveryTarget.NONE));
    }

    @Test
    void plainStorageOfWhatThisHostCompressesIsRefusedBeforeAnythingIsRecorded() throws Exception {
        Server server = server("plain-client", "backup_compression = zstd\nbackup_compression_format = plain\n");
        int before = server.catalog().oldestFirst().size();

        assertThatThrownBy(() -> backup(server)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("backup_compression_format = plain needs backup_compression_location = "
                        + "server");
        assertThat(server.catalog().oldestFirst()).hasSize(before);
    }

    @Test
    void aRemoteRecoveryUnpacksIntoTheStagingPathThenCopiesThroughSsh() throws Exception {
        assertThatThrownBy(() -> RecoveryOptions.of(RecoveryTarget.NONE).withRecoveryStagingPath(Path.of("staging")))
                .isInstanceOf(BarmanException.class).hasMessage("--recovery-staging-path staging: the directory must "
                        + "be an absolute path");
        Server withoutStaging = server("remote", "backup_compression = lz4\n");
        BackupInfo backup = backup(withoutStaging);
        Path remote = root.resolve("remote-restore");
        Files.createDirectories(remote);
        PostgresCluster.grantToClusterUser(remote);
        try (SshServer sshd = SshServer.start()) {
            RecoveryOptions throughSsh = RecoveryOptions.of(RecoveryTarget.NONE).withRemoteSshCommand(
                    sshd.sshCommand("postgres"));
            assertThatThrownBy(() -> withoutStaging.recover(backup.id().toString(), remote.resolve("data")
                    .toString(), throughSsh.withTablespaces(Map.of("tbs1", remote.resolve("tbs1").toString())),
                    CopyListener.NONE)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("set recovery_staging_path for server main");
            assertThat(remote.resolve("data")).as("nothing copied").doesNotExist();

            Path staging = root.resolve("staging");
            Server server = server("remote-staging", "backup_compression = lz4\nrecovery_staging_path = " + staging
                    + "\n");
            assertRecovered(server, backup, "remote-restore", throughSsh);
            try (Stream<Path> left = Files.list(staging)) {
                assertThat(left).as("the unpacked copy removed").isEmpty();
            }

            Path optionStaging = root.resolve("option-staging");
            Path second = root.resolve("remote-restore-2");
            Files.createDirectories(second);
            PostgresCluster.grantToClusterUser(second);
            assertRecovered(withoutStaging, backup, "remote-restore-2", throughSsh.withRecoveryStagingPath(
                    optionStaging));
            try (Stream<Path> left = Files.list(optionStaging)) {
                assertThat(left).as("--recovery-staging-path used, then emptied").isEmpty();
            }
        }
    }

    /** Recovers the backup with its tablespace relocated, starts the copy and checks every row is there. */
    private static void assertRecovered(Server server, BackupInfo backup, String name, RecoveryOptions options)
            throws Exception {
        Path folder = root.resolve(name);
        Path destination = folder.resolve("data");
        server.recover(backup.id().toString(), destination.toString(), options.withTablespaces(Map.of("tbs1",
                folder.resolve("tbs1").toString())), CopyListener.NONE);
        PostgresCluster.grantToClusterUser(folder);
        assertThat(Files.readSymbolicLink(destination.resolve("pg_tblspc/" + backup.tablespaces().get(0).oid())))
                .isEqualTo(folder.resolve("tbs1"));
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, 15, Map.of())) {
            copy.awaitRecoveryEnd(Duration.ofMinutes(2));
            assertThat(copy.queryValue("SELECT count(*) FROM in_tbs")).isEqualTo("20000");
            assertThat(copy.queryValue("SELECT sum(id) FROM in_default")).isEqualTo(Long.toString(4321L * 4322 / 2));
        }
    }

    private static Server server(String name, String options) throws IOException {
        Path config = root.resolve("barman-" + name + ".conf");
        Files.writeString(config, Files.readString(cluster.config()) + options);
        return Barman.load(config, Plugins.load()).server("main");
    }

    private static BackupInfo backup(Server server) {
        BackupInfo backup = server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                Optional.empty(), Optional.empty(), WAIT), CopyListener.NONE);
        assertThat(backup.status()).as(String.valueOf(backup.error())).isEqualTo(BackupStatus.DONE);
        return backup;
    }

    private static String[] names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).toArray(String[]::new);
        }
    }

    /** @return the name of the compressor plug-in that recognises the file's first bytes */
    private static String writtenBy(Path file) throws IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(CompressorProvider.HEADER_LENGTH);
        }
        return Plugins.load().detectCompression(Arrays.copyOf(header, header.length),
                org.barman.api.PluginOptions.of(Map.of()), null).orElse("none");
    }
}
