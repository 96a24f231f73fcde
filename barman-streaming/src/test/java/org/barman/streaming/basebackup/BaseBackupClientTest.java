package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against scripted backend messages, in both wire formats: what it writes and checks, and how it fails
 * on a damaged, short or hostile stream.
 */
class BaseBackupClientTest {

    private static final long OID = 16384;

    @TempDir
    Path root;

    private byte[] relation;
    private ScriptedBackend.Tar base;
    private ScriptedBackend.Tar tablespace;
    private Map<String, byte[]> listed;

    @BeforeEach
    void archives() throws Exception {
        relation = new byte[20_000];
        new Random(16).nextBytes(relation);
        base = new ScriptedBackend.Tar().file("PG_VERSION", "15\n").folder("base").folder("base/1")
                .file("base/1/1259", relation).folder("pg_tblspc").folder("pg_wal")
                .folder("./pg_wal/archive_status").file("backup_label", "START WAL LOCATION: 0/2000028\n")
                .file("tablespace_map", OID + " /srv/tbs\n");
        tablespace = new ScriptedBackend.Tar().folder("PG_15_202209061").folder("PG_15_202209061/5")
                .file("PG_15_202209061/5/16385", "rows in a tablespace");
        listed = new LinkedHashMap<>();
        base.files.forEach(listed::put);
        tablespace.files.forEach((name, content) -> listed.put("pg_tblspc/" + OID + "/" + name, content));
    }

    private BaseBackupRequest request() {
        return new BaseBackupRequest("it's a test", true, 0, true, root.resolve("data"),
                oid -> root.resolve("tbs-" + oid));
    }

    /** PostgreSQL 15 and later: one COPY stream, typed messages. */
    private ScriptedBackend singleStream(byte[] baseTar, byte[] manifest) throws Exception {
        ByteBuffer progress = ByteBuffer.allocate(8).putLong(4096);
        return new ScriptedBackend().resultSet("0/2000028", "1").parameterStatus("application_name", "x")
                .tablespaces(new String[] {Long.toString(OID), "/srv/tbs", "8"}, new String[] {null, null, "30"})
                .copyOut().newArchive(OID + ".tar", "/srv/tbs").chunks(tablespace.bytes(), 700, true)
                .typed('p', progress.array()).notice("a page checksum is fine")
                .newArchive("base.tar", "").chunks(baseTar, 3000, true)
                .typed('m', new byte[0]).chunks(manifest, 100, true).copyDone()
                .resultSet("0/2000100", "1").commandComplete("BASE_BACKUP").readyForQuery();
    }

    private BaseBackupResult run(ScriptedBackend backend, int major, List<long[]> progress) {
        ScriptedBackend.PlayedWire wire = backend.wire();
        BaseBackupResult result = BaseBackupClient.backup(wire, major, request(), new BaseBackupListener() {
            @Override
            public void progress(long done, long total) {
                progress.add(new long[] {done, total});
            }
        });
        assertThat(wire.queries).hasSize(1);
        return result;
    }

    private void assertWritten(BaseBackupResult result) throws Exception {
        Path data = root.resolve("data");
        assertThat(Files.readAllBytes(data.resolve("base/1/1259"))).isEqualTo(relation);
        assertThat(data.resolve("pg_wal/archive_status")).isDirectory();
        assertThat(Files.readString(root.resolve("tbs-" + OID).resolve("PG_15_202209061/5/16385")))
                .isEqualTo("rows in a tablespace");
        assertThat(data.resolve(BaseBackupClient.MANIFEST)).hasBinaryContent(ScriptedBackend.manifest(listed));
        assertThat(data.resolve(BaseBackupClient.MANIFEST_PART)).doesNotExist();
        assertThat(root.resolve("data" + BaseBackupClient.RECEIVED_LOG)).as("the log of received files").doesNotExist();
        assertThat(result.start().position()).isEqualTo(Lsn.parse("0/2000028"));
        assertThat(result.start().tablespaces()).containsExactly(new ServerTablespace(OID, "/srv/tbs", 8 * 1024));
        assertThat(result.start().dataSizeBytes()).isEqualTo(30 * 1024);
        assertThat(result.endPosition()).isEqualTo(Lsn.parse("0/2000100"));
        assertThat(result.endTimeline()).isEqualTo(1);
        assertThat(result.files()).isEqualTo(listed.size());
        assertThat(result.manifest()).isEqualTo(new ManifestSummary(1, listed.size(),
                listed.values().stream().mapToLong(b -> b.length).sum(), "SHA256"));
    }

    @Test
    void singleStreamOfPostgres15IsWrittenAndChecked() throws Exception {
        List<long[]> progress = new ArrayList<>();
        BaseBackupResult result = run(singleStream(base.bytes(), ScriptedBackend.manifest(listed)), 15, progress);
        assertWritten(result);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)[1]).isEqualTo(38 * 1024);
    }

    @Test
    void oneStreamPerArchiveOfPostgres13IsWrittenAndChecked() throws Exception {
        ScriptedBackend backend = new ScriptedBackend().resultSet("0/2000028", "1")
                .tablespaces(new String[] {Long.toString(OID), "/srv/tbs", "8"}, new String[] {null, null, "30"})
                .copyOut().chunks(tablespace.bytes(), 700, false).copyDone()
                .copyOut().notice("between archives").chunks(base.bytes(), 3000, false).copyDone()
                .copyOut().chunks(ScriptedBackend.manifest(listed), 100, false).copyDone()
                .resultSet("0/2000100", "1").commandComplete("BASE_BACKUP").readyForQuery();
        assertWritten(run(backend, 13, new ArrayList<>()));
    }

    @Test
    void commandAsksForManifestAndTablespaceMapWithoutWal() {
        assertThat(BaseBackupCommand.text(request(), 15)).isEqualTo("BASE_BACKUP (LABEL 'it''s a test', PROGRESS, "
                + "CHECKPOINT 'fast', WAIT false, TABLESPACE_MAP, MANIFEST 'yes', MANIFEST_CHECKSUMS 'SHA256')");
        BaseBackupRequest slow = new BaseBackupRequest("b", false, 2048, false, root, oid -> root);
        assertThat(BaseBackupCommand.text(slow, 18)).isEqualTo("BASE_BACKUP (LABEL 'b', CHECKPOINT 'spread', "
                + "WAIT false, MAX_RATE 2048, TABLESPACE_MAP, MANIFEST 'yes', MANIFEST_CHECKSUMS 'SHA256')");
        assertThat(BaseBackupCommand.text(request(), 14)).isEqualTo("BASE_BACKUP LABEL 'it''s a test' PROGRESS "
                + "FAST NOWAIT TABLESPACE_MAP MANIFEST 'yes' MANIFEST_CHECKSUMS 'SHA256'");
        assertThat(BaseBackupCommand.text(slow, 13)).isEqualTo("BASE_BACKUP LABEL 'b' NOWAIT MAX_RATE 2048 "
                + "TABLESPACE_MAP MANIFEST 'yes' MANIFEST_CHECKSUMS 'SHA256'");
    }

    @Test
    void transferLimitOutsideTheServersRangeIsRefused() {
        assertThatThrownBy(() -> new BaseBackupRequest("b", true, 31, false, root, oid -> root))
                .isInstanceOf(BarmanException.class).hasMessageContaining("between 32 kB/s and 1048576 kB/s");
    }

    private void assertFailsLeavingNoManifest(ScriptedBackend backend, String... message) {
        assertThatThrownBy(() -> run(backend, 15, new ArrayList<>())).isInstanceOf(BarmanException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(message));
        assertThat(root.resolve("data").resolve(BaseBackupClient.MANIFEST)).doesNotExist();
        assertThat(root.resolve("data").resolve(BaseBackupClient.MANIFEST_PART)).doesNotExist();
        assertThat(root.resolve("data" + BaseBackupClient.RECEIVED_LOG)).as("the log of received files").doesNotExist();
    }

    @Test
    void nonEmptyDataFolderIsRefusedBeforeTheCommandIsSent() throws Exception {
        Files.createDirectories(root.resolve("data/base"));
        ScriptedBackend.PlayedWire wire = new ScriptedBackend().wire();
        assertThatThrownBy(() -> BaseBackupClient.backup(wire, 15, request(), BaseBackupListener.NONE))
                .isInstanceOf(BarmanException.class).hasMessageContaining("the base backup's data folder "
                        + root.resolve("data").toAbsolutePath() + " is not empty");
        assertThat(wire.queries).isEmpty();
    }

    @Test
    void fileWhoseChecksumDiffersFromTheManifestIsNamed() throws Exception {
        byte[] other = relation.clone();
        other[10_000] ^= 1;
        listed.put("base/1/1259", other);
        assertFailsLeavingNoManifest(singleStream(base.bytes(), ScriptedBackend.manifest(listed)),
                "the base backup does not match its manifest: base/1/1259 has the SHA-256 ");
    }

    @Test
    void fileWhoseSizeDiffersFromTheManifestIsNamed() throws Exception {
        listed.put("PG_VERSION", "150\n".getBytes(StandardCharsets.UTF_8));
        assertFailsLeavingNoManifest(singleStream(base.bytes(), ScriptedBackend.manifest(listed)),
                "PG_VERSION has 3 bytes, the backup manifest says 4");
    }

    @Test
    void fileTheManifestListsButTheServerDidNotSendIsNamed() throws Exception {
        listed.put("base/1/9999", new byte[0]);
        assertFailsLeavingNoManifest(singleStream(base.bytes(), ScriptedBackend.manifest(listed)),
                "base/1/9999 is in the backup manifest, but the server did not send it");
    }

    @Test
    void fileTheManifestDoesNotListIsNamed() throws Exception {
        listed.remove("tablespace_map");
        assertFailsLeavingNoManifest(singleStream(base.bytes(), ScriptedBackend.manifest(listed)),
                "tablespace_map was received, but the backup manifest does not list it");
    }

    @Test
    void manifestDamagedOnTheWayIsRefused() throws Exception {
        byte[] manifest = replace(ScriptedBackend.manifest(listed), "2026-12-08", "2026-12-09");
        assertFailsLeavingNoManifest(singleStream(base.bytes(), manifest),
                "the base backup's manifest is unusable: its Manifest-Checksum is ");
    }

    /** The archive cut inside base/1/1259, then what {@code after} adds. */
    private ScriptedBackend cutInsideRelation(UnaryOperator<ScriptedBackend> after) throws Exception {
        byte[] baseTar = base.bytes();
        int cut = indexOf(baseTar, Arrays.copyOf(relation, 64)) + 5000;
        ScriptedBackend backend = new ScriptedBackend().resultSet("0/2000028", "1")
                .tablespaces(new String[] {null, null, "30"}).copyOut().newArchive("base.tar", "")
                .chunks(Arrays.copyOf(baseTar, cut), 3000, true);
        return after.apply(backend);
    }

    @Test
    void serverErrorMidStreamIsOneLineWithItsSqlStateAndTheHalfFileIsRemoved() throws Exception {
        assertFailsLeavingNoManifest(cutInsideRelation(b -> b.error("57P01", "terminating connection due to "
                + "administrator command", "a\nb")), "the server failed the base backup: FATAL: terminating "
                + "connection due to administrator command (a b) [SQLSTATE 57P01]");
        assertThat(root.resolve("data/base/1/1259")).doesNotExist();
        assertThat(root.resolve("data/PG_VERSION")).hasContent("15");
    }

    @Test
    void connectionEndingMidFileFailsAndTheHalfFileIsRemoved() throws Exception {
        assertFailsLeavingNoManifest(cutInsideRelation(b -> b), "the base backup failed in base.tar",
                "the connection to the server ended");
        assertThat(root.resolve("data/base/1/1259")).doesNotExist();
    }

    @Test
    void copyStreamEndingMidFileFails() throws Exception {
        assertFailsLeavingNoManifest(cutInsideRelation(ScriptedBackend::copyDone), "the base backup failed in "
                + "base.tar");
        assertThat(root.resolve("data/base/1/1259")).doesNotExist();
    }

    @Test
    void entryNamedOutsideTheDataFolderIsRefused() throws Exception {
        byte[] hostile = new ScriptedBackend.Tar().file("../escape", "x").bytes();
        assertFailsLeavingNoManifest(singleStream(hostile, ScriptedBackend.manifest(listed)),
                "names '../escape', which has a '..' component: refused");
        assertThat(root.resolve("escape")).doesNotExist();
    }

    @Test
    void linkOutsidePgTblspcIsRefused() throws Exception {
        TarArchiveEntry link = new TarArchiveEntry("pg_wal", TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("/etc");
        byte[] hostile = new ScriptedBackend.Tar().entry(link).bytes();
        assertFailsLeavingNoManifest(singleStream(hostile, ScriptedBackend.manifest(listed)),
                "holds the link 'pg_wal' -> '/etc': refused");
        assertThat(root.resolve("data/pg_wal")).doesNotExist();
    }

    @Test
    void tablespaceLinkPointsToTheRequestedFolderNotTheArchivesTarget() throws Exception {
        TarArchiveEntry link = new TarArchiveEntry("pg_tblspc/" + OID, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("/srv/tbs");
        byte[] baseTar = new ScriptedBackend.Tar().folder("pg_tblspc").entry(link).file("PG_VERSION", "15\n")
                .folder("base").folder("base/1").file("base/1/1259", relation).file("backup_label", "START WAL LOCATION: 0/2000028\n")
                .file("tablespace_map", OID + " /srv/tbs\n").bytes();
        run(singleStream(baseTar, ScriptedBackend.manifest(listed)), 15, new ArrayList<>());
        assertThat(Files.readSymbolicLink(root.resolve("data/pg_tblspc/" + OID)))
                .isEqualTo(root.resolve("tbs-" + OID).toAbsolutePath());
    }

    @Test
    void hardLinkIsRefused() throws Exception {
        TarArchiveEntry link = new TarArchiveEntry("base/1/2", TarArchiveEntry.LF_LINK);
        link.setLinkName("base/1/1259");
        byte[] hostile = new ScriptedBackend.Tar().folder("base").folder("base/1").file("base/1/1259", relation)
                .entry(link).bytes();
        assertFailsLeavingNoManifest(singleStream(hostile, ScriptedBackend.manifest(listed)),
                "holds 'base/1/2', which is neither a regular file, a folder nor a tablespace link: refused");
    }

    @Test
    void unknownMessageTypeInTheStreamIsRefused() throws Exception {
        ScriptedBackend backend = new ScriptedBackend().resultSet("0/2000028", "1")
                .tablespaces(new String[] {null, null, "30"}).copyOut().typed('x', new byte[3]);
        assertFailsLeavingNoManifest(backend, "a CopyData message of type 'x', which this Barman does not know");
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        return new String(bytes, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
