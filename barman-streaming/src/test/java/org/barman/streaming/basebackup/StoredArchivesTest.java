package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives stored compressed ({@code backup_compression_format = tar}) against scripted backend messages: what is
 * stored is exactly the archive the server sent (compressed here, or as the server compressed it), and every file
 * in it is still checked against the manifest.
 */
class StoredArchivesTest {

    private static final long OID = 16384;
    private static final String LABEL = "START WAL LOCATION: 0/2000028\nLABEL: stored\n";

    /** gzip through the JDK, standing for the compressor plug-ins this module does not depend on. */
    private static final Compressor GZIP = new Compressor() {
        @Override
        public String name() {
            return "gzip";
        }

        @Override
        public OutputStream compress(OutputStream out) throws IOException {
            return new GZIPOutputStream(out, 8192);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new GZIPInputStream(in, 8192);
        }
    };

    @TempDir
    Path root;

    private byte[] relation;
    private ScriptedBackend.Tar base;
    private ScriptedBackend.Tar tablespace;
    private Map<String, byte[]> listed;
    private byte[] baseTar;
    private byte[] tablespaceTar;

    @BeforeEach
    void archives() throws IOException {
        relation = new byte[50_000];
        new Random(17).nextBytes(relation);
        base = new ScriptedBackend.Tar().file("PG_VERSION", "15\n").folder("base").folder("base/1")
                .file("base/1/1259", relation).folder("pg_tblspc").file("backup_label", LABEL);
        tablespace = new ScriptedBackend.Tar().folder("PG_15_202209061").file("PG_15_202209061/16385", "rows");
        baseTar = base.bytes();
        tablespaceTar = tablespace.bytes();
        listed = new LinkedHashMap<>();
        base.files.forEach(listed::put);
        tablespace.files.forEach((name, content) -> listed.put("pg_tblspc/" + OID + "/" + name, content));
    }

    private BaseBackupResult run(ScriptedBackend backend, boolean onServer) {
        BaseBackupRequest request = new BaseBackupRequest("stored", true, 0, true, root.resolve("data"),
                oid -> root.resolve("tbs-" + oid), new ArchiveCompression("gzip", GZIP, onServer, true, null, null));
        return BaseBackupClient.backup(backend.wire(), 15, request, BaseBackupListener.NONE);
    }

    private ScriptedBackend backend(String suffix, byte[] tablespaceArchive, byte[] baseArchive, byte[] manifest) {
        return new ScriptedBackend().resultSet("0/2000028", "1")
                .tablespaces(new String[] {Long.toString(OID), "/srv/tbs", "8"}, new String[] {null, null, "30"})
                .copyOut().newArchive(OID + ".tar" + suffix, "/srv/tbs").chunks(tablespaceArchive, 700, true)
                .newArchive("base.tar" + suffix, "").chunks(baseArchive, 3000, true)
                .typed('m', new byte[0]).chunks(manifest, 100, true).copyDone()
                .resultSet("0/2000100", "1").commandComplete("BASE_BACKUP").readyForQuery();
    }

    @Test
    void archivesCompressedHereAreStoredAsBarmanNamesThemAndCheckedFileByFile() throws Exception {
        BaseBackupResult result = run(backend("", tablespaceTar, baseTar,
                ScriptedBackend.manifest(listed)), false);

        Path data = root.resolve("data");
        try (var entries = Files.list(data)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("base.tar.gz",
                    OID + ".tar.gz", "backup_manifest");
        }
        assertThat(gunzip(data.resolve("base.tar.gz"))).isEqualTo(baseTar);
        assertThat(gunzip(data.resolve(OID + ".tar.gz"))).isEqualTo(tablespaceTar);
        assertThat(root.resolve("tbs-" + OID)).doesNotExist();
        assertThat(result.files()).isEqualTo(listed.size());
        assertThat(result.backupLabel()).isEqualTo(LABEL);
        assertThat(result.storedBytes()).isEqualTo(Files.size(data.resolve("base.tar.gz"))
                + Files.size(data.resolve(OID + ".tar.gz")));
    }

    @Test
    void archivesTheServerCompressedAreStoredByteForByte() throws Exception {
        byte[] baseGz = gzip(baseTar);
        byte[] tablespaceGz = gzip(tablespaceTar);

        run(backend(".gz", tablespaceGz, baseGz, ScriptedBackend.manifest(listed)), true);

        assertThat(root.resolve("data/base.tar.gz")).hasBinaryContent(baseGz);
        assertThat(root.resolve("data/" + OID + ".tar.gz")).hasBinaryContent(tablespaceGz);
    }

    @Test
    void aFileOfAStoredArchiveThatDiffersFromTheManifestIsNamed() throws IOException {
        byte[] other = relation.clone();
        other[40_000] ^= 1;
        listed.put("base/1/1259", other);

        assertThatThrownBy(() -> run(backend("", tablespaceTar, baseTar,
                ScriptedBackend.manifest(listed)), false)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("the base backup does not match its manifest: base/1/1259 has the SHA-256 ");
        assertThat(root.resolve("data/backup_manifest")).doesNotExist();
    }

    @Test
    void aDamagedArchiveFromTheServerFailsTheBackupAndLeavesNoHalfArchive() throws IOException {
        byte[] baseGz = gzip(baseTar);
        baseGz[baseGz.length / 2] ^= 0x55;

        assertThatThrownBy(() -> run(backend(".gz", gzip(tablespaceTar), baseGz,
                ScriptedBackend.manifest(listed)), true)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("the base backup failed in base.tar.gz");
        assertThat(root.resolve("data/base.tar.gz")).doesNotExist();
        assertThat(root.resolve("data/backup_manifest")).doesNotExist();
    }

    @Test
    void plainStorageOfWhatThisHostCompressesIsRefused() {
        assertThatThrownBy(() -> new ArchiveCompression("zstd", GZIP, false, false, null, null))
                .isInstanceOf(BarmanException.class).hasMessageContaining("backup_compression_format = plain needs "
                        + "backup_compression_location = server");
    }

    @Test
    void theServerIsAskedToCompressOnlyFrom15() {
        BaseBackupRequest request = new BaseBackupRequest("b", false, 0, false, root, oid -> root,
                new ArchiveCompression("zstd", GZIP, true, true, 5, 2));
        assertThat(BaseBackupCommand.text(request, 16)).isEqualTo("BASE_BACKUP (LABEL 'b', CHECKPOINT 'spread', "
                + "WAIT false, COMPRESSION 'zstd', COMPRESSION_DETAIL 'level=5,workers=2', TABLESPACE_MAP, "
                + "MANIFEST 'yes', MANIFEST_CHECKSUMS 'SHA256')");
        assertThatThrownBy(() -> BaseBackupCommand.text(request, 14)).isInstanceOf(BarmanException.class)
                .hasMessage("backup_compression_location = server needs PostgreSQL 15 or later; the server runs 14: "
                        + "use backup_compression_location = client");
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }
}
