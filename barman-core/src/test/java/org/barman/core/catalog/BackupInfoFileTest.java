package org.barman.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.Tablespace;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupInfoFileTest {

    private static final BackupId ID = BackupId.parse("20141222T092522");

    @TempDir
    Path dir;

    private static String fixture(String name) throws IOException {
        try (InputStream in = BackupInfoFileTest.class.getResourceAsStream("/catalog/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("backup.info");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsTheFileOfBarmansOwnTests() throws IOException {
        BackupInfoFile.Content content = BackupInfoFile.read(write(fixture("barman-tests-base-backup.info")), ID);
        BackupInfo info = content.info();

        assertThat(info.id()).isEqualTo(ID);
        assertThat(info.status()).isEqualTo(BackupStatus.DONE);
        assertThat(info.serverName()).isEqualTo("fake-9.4-server");
        assertThat(info.backupLabel()).isNull();
        assertThat(info.beginTime()).isEqualTo(OffsetDateTime.of(2014, 12, 22, 9, 25, 22, 561_207_000,
                ZoneOffset.ofHours(1)));
        assertThat(info.endTime()).isEqualTo(OffsetDateTime.of(2014, 12, 22, 9, 25, 27, 410_470_000,
                ZoneOffset.ofHours(1)));
        assertThat(info.beginWal()).isEqualTo(WalSegmentName.parse("000000010000000000000004"));
        assertThat(info.beginXlog()).isEqualTo(Lsn.parse("0/4000028"));
        assertThat(info.endXlog()).isEqualTo(Lsn.parse("0/40000B8"));
        assertThat(info.beginOffset()).isEqualTo(40);
        assertThat(info.endOffset()).isEqualTo(184);
        assertThat(info.size()).isEqualTo(20_935_690);
        assertThat(info.version()).isEqualTo(90400);
        assertThat(info.timeline()).isEqualTo(1);
        assertThat(info.mode()).isEqualTo("default");
        assertThat(info.tablespaces()).containsExactly(new Tablespace("fake_tbs", 16384, "/fake_tmp/tbs"));
        assertThat(info.xlogSegmentSize()).isEqualTo(WalSegmentName.DEFAULT_SEGMENT_SIZE);
        assertThat(info.includedFiles()).isEmpty();
        assertThat(content.otherFields()).containsExactly(Map.entry("children_backup_ids", "None"),
                Map.entry("parent_backup_id", "None"));
    }

    @Test
    void rewritingBarmansTestFileGivesBarman3sKeySet() throws IOException {
        BackupInfoFile.Content content = BackupInfoFile.read(write(fixture("barman-tests-base-backup.info")), ID);

        String rewritten = BackupInfoFile.format(content.info(), content.otherFields());

        assertThat(rewritten).isEqualTo("""
                backup_label=None
                begin_offset=40
                begin_time=2014-12-22 09:25:22.561207+01:00
                begin_wal=000000010000000000000004
                begin_xlog=0/4000028
                children_backup_ids=None
                cluster_size=None
                compression=None
                config_file=/fakepath/postgresql.conf
                copy_stats=None
                data_checksums=None
                deduplicated_size=None
                end_offset=184
                end_time=2014-12-22 09:25:27.410470+01:00
                end_wal=000000010000000000000004
                end_xlog=0/40000B8
                error=None
                hba_file=/fakepath/pg_hba.conf
                ident_file=/fakepath/pg_ident.conf
                included_files=None
                mode=default
                parent_backup_id=None
                pgdata=/fakepath/data
                server_name=fake-9.4-server
                size=20935690
                status=DONE
                summarize_wal=None
                systemid=None
                tablespaces=[('fake_tbs', 16384, '/fake_tmp/tbs')]
                timeline=1
                version=90400
                xlog_segment_size=16777216
                """);
        BackupInfoFile.Content again = BackupInfoFile.parse(rewritten.lines().toList(), ID, "rewritten");
        assertThat(again.info()).isEqualTo(content.info());
    }

    @Test
    void aBarman3FileRoundTripsByteForByteKeepingTheFieldsNotModelled() throws IOException {
        String original = fixture("barman3-rsync-backup.info");
        Path file = write(original);
        BackupInfoFile.Content content = BackupInfoFile.read(file, BackupId.parse("20240410T165613"));

        BackupInfo info = content.info();
        assertThat(info.backupLabel()).startsWith("START WAL LOCATION: 0/8000028 (file 000000010000000000000008)\n")
                .endsWith("START TIMELINE: 1\n");
        assertThat(info.includedFiles()).containsExactly("/etc/postgresql/16/main/conf.d/extra.conf");
        assertThat(info.tablespaces()).containsExactly(new Tablespace("tbs1", 16387, "/srv/tbs1"),
                new Tablespace("tbs2", 16388, "/srv/tbs2"));
        assertThat(info.systemid()).isEqualTo("7356142312346542121");
        assertThat(content.otherFields()).containsEntry("data_checksums", "off")
                .containsEntry("copy_stats", "{'copy_time': 0.716405, 'analysis_time': 0.012, "
                        + "'number_of_workers': 1, 'serialized_copy_time': 0.7, 'total_time': 0.763823}");

        BackupInfoFile.write(file, info, content.otherFields());

        assertThat(file).hasContent(original);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void aNewBackupIsWrittenInBarmansFormat() {
        BackupInfo info = BackupInfo.builder(BackupId.parse("20240101T120000"))
                .serverName("main")
                .status(BackupStatus.STARTED)
                .mode("local-concurrent")
                .beginTime(OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30)))
                .beginWal(WalSegmentName.parse("00000001000000000000000A"))
                .beginXlog(Lsn.parse("0/A000000"))
                .beginOffset(0)
                .timeline(1)
                .version(150004)
                .pgdata("/var/lib/postgresql/15/main")
                .backupLabel("START WAL LOCATION: 0/A000000 (file 00000001000000000000000A)\nLABEL: it's\n")
                .build();

        assertThat(BackupInfoFile.format(info, null)).isEqualTo("""
                backup_label="START WAL LOCATION: 0/A000000 (file 00000001000000000000000A)\\nLABEL: it's\\n"
                begin_offset=0
                begin_time=2024-01-01 12:00:00-03:30
                begin_wal=00000001000000000000000A
                begin_xlog=0/A000000
                children_backup_ids=None
                cluster_size=None
                compression=None
                config_file=None
                copy_stats=None
                data_checksums=None
                deduplicated_size=None
                end_offset=None
                end_time=None
                end_wal=None
                end_xlog=None
                error=None
                hba_file=None
                ident_file=None
                included_files=None
                mode=local-concurrent
                parent_backup_id=None
                pgdata=/var/lib/postgresql/15/main
                server_name=main
                size=None
                status=STARTED
                summarize_wal=None
                systemid=None
                tablespaces=None
                timeline=1
                version=150004
                xlog_segment_size=16777216
                """);
    }

    @Test
    void theBackupMethodIsRecordedInModeForBarmanHasNoBackupMethodField() {
        Set<String> barmansFields = Set.of("backup_label", "backup_name", "begin_offset", "begin_time", "begin_wal",
                "begin_xlog", "children_backup_ids", "cluster_size", "compression", "config_file", "copy_stats",
                "data_checksums", "deduplicated_size", "end_offset", "end_time", "end_wal", "end_xlog", "error",
                "hba_file", "ident_file", "included_files", "mode", "parent_backup_id", "pgdata", "server_name",
                "size", "snapshots_info", "status", "summarize_wal", "systemid", "tablespaces", "timeline",
                "version", "xlog_segment_size");
        BackupInfo postgres = BackupInfo.builder(ID).serverName("main").status(BackupStatus.DONE).mode("postgres")
                .build();

        String text = BackupInfoFile.format(postgres, null);

        assertThat(text.lines().map(line -> line.substring(0, line.indexOf('=')))).allMatch(barmansFields::contains);
        assertThat(text).contains("\nmode=postgres\n").doesNotContain("backup_method");
        assertThat(BackupInfoFile.parse(text.lines().toList(), ID, "backup.info").info().mode())
                .isEqualTo("postgres");
    }

    @Test
    void anErrorSpanningLinesStaysOnOneLine() {
        BackupInfo info = BackupInfo.builder(ID).status(BackupStatus.FAILED)
                .error("failure copying files\nrsync: connection refused\n").build();

        String text = BackupInfoFile.format(info, Map.of());

        assertThat(text).contains("\nerror=failure copying files rsync: connection refused\n");
        assertThat(BackupInfoFile.parse(text.lines().toList(), ID, "x").info().error())
                .isEqualTo("failure copying files rsync: connection refused");
    }

    @Test
    void timesWithoutAnOffsetAreLocalAndOtherFormsAreAccepted() {
        LocalDateTime local = LocalDateTime.of(2012, 12, 15, 10, 14, 51, 898_000_000);
        assertThat(BackupInfoFile.parseTime("2012-12-15 10:14:51.898000"))
                .isEqualTo(local.atZone(ZoneId.systemDefault()).toOffsetDateTime());
        assertThat(BackupInfoFile.parseTime("2012-12-15 10:14:51.898000 +0100"))
                .isEqualTo(local.atOffset(ZoneOffset.ofHours(1)));
        assertThat(BackupInfoFile.parseTime("2012-12-15T10:14:51Z"))
                .isEqualTo(LocalDateTime.of(2012, 12, 15, 10, 14, 51).atOffset(ZoneOffset.UTC));
        assertThat(BackupInfoFile.time(LocalDateTime.of(2012, 12, 15, 10, 14, 51, 999)
                .atOffset(ZoneOffset.UTC))).isEqualTo("2012-12-15 10:14:51+00:00");
        assertThatThrownBy(() -> BackupInfoFile.parseTime("Invalid datetime"))
                .hasMessageContaining("is not a date and time");
    }

    @Test
    void aMalformedLineIsNamedByFileAndLine() throws IOException {
        Path file = write("status=DONE\n# comment\n\nthis line has no equals sign\n");
        assertThatThrownBy(() -> BackupInfoFile.read(file, ID))
                .isInstanceOf(BarmanException.class)
                .hasMessage(file + ", line 4: 'this line has no equals sign' is not a key=value line");
    }

    @Test
    void aBadValueIsNamedByFileLineAndField() throws IOException {
        assertBadValue("begin_time=yesterday\n", ", line 2: begin_time: 'yesterday' is not a date and time");
        assertBadValue("size=12 MB\n", ", line 2: size: '12 MB' is not an integer");
        assertBadValue("tablespaces=[('tbs', 'x', '/p')]\n",
                ", line 2: tablespaces: expected a list of (name, oid, location) tuples or None");
        assertBadValue("backup_label='unterminated\n", ", line 2: backup_label: not a Python literal: "
                + "unterminated string");
        assertBadValue("begin_wal=000000010000000000000004.00000028.backup\n",
                ", line 2: begin_wal: '000000010000000000000004.00000028.backup' is not a WAL segment name");
        assertBadValue("begin_xlog=0/XYZ\n", ", line 2: begin_xlog: '0/XYZ' is not an LSN");
        Path file = write("status=FINISHED\n");
        assertThatThrownBy(() -> BackupInfoFile.read(file, ID))
                .hasMessageStartingWith(file + ", line 1: status: 'FINISHED' is not a backup status");
    }

    private void assertBadValue(String line, String message) throws IOException {
        Path file = write("status=DONE\n" + line);
        assertThatThrownBy(() -> BackupInfoFile.read(file, ID))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith(file + message);
    }

    @Test
    void aFileThatIsNotTextOrMissingIsAClearError() throws IOException {
        Path file = dir.resolve("backup.info");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> BackupInfoFile.read(file, ID))
                .hasMessage("cannot read " + file + ": it is not UTF-8 text (is it a backup.info file?)");
        Path missing = dir.resolve("nope/backup.info");
        assertThatThrownBy(() -> BackupInfoFile.read(missing, ID))
                .hasMessage("cannot read " + missing + ": no such file");
    }

    @Test
    void extraFieldsMustBeFieldNamesThatAreNotModelled() {
        BackupInfo info = BackupInfo.builder(ID).build();
        assertThatThrownBy(() -> BackupInfoFile.format(info, Map.of("status", "DONE")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupInfoFile.format(info, Map.of("bad key", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(BackupInfoFile.format(info, Map.of("backup_name", "before upgrade")))
                .contains("\nbackup_name=before upgrade\n");
        assertThat(List.of(BackupInfoFile.format(info, Map.of()).split("\n"))).isSorted();
    }
}
