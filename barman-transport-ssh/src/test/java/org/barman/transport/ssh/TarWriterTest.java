package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link TarWriter} writes, extracted by the real GNU tar as the remote side of a push does. */
class TarWriterTest {

    @TempDir
    Path folder;

    private static final FileTime EXACT = FileTime.from(Instant.parse("2022-02-03T04:05:06.123456789Z"));
    private static final FileTime WHOLE = FileTime.from(Instant.parse("2001-09-09T01:46:40Z"));

    /** Content first, folders last (as a push sends them), so that tar sets the folders' times after filling them. */
    @Test
    void gnuTarExtractsEveryKindWithExactBitsAndTimes() throws Exception {
        String longPath = "d".repeat(80) + "/" + "f".repeat(120);
        String content = "a file's content\n";
        Path archive = folder.resolve("a.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            TarWriter tar = new TarWriter(out);
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            tar.file("read-only/inside", 0640, bytes.length, EXACT);
            tar.write(bytes, 0, bytes.length);
            tar.closeEntry();
            tar.file(longPath, 0600, 0, WHOLE);
            tar.closeEntry();
            tar.file("été", 0755, 3, EXACT);
            tar.write(new byte[] {1, 2, 3}, 0, 3);
            tar.closeEntry();
            tar.link("pg_tblspc-16385", "/a/target/" + "t".repeat(120) + "/é", EXACT);
            tar.folder("", 0750, WHOLE);
            tar.folder("read-only", 0500, EXACT);
            tar.folder("d".repeat(80), 0700, WHOLE);
            tar.finish();
        }
        assertThat(Files.size(archive) % 10240).as("whole records").isZero();
        Path target = Files.createDirectories(folder.resolve("x"));

        Process extract = new ProcessBuilder("tar", "-x", "-p", "--no-same-owner", "-f", archive.toString())
                .directory(target.toFile()).redirectErrorStream(true).start();
        String output = new String(extract.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(extract.waitFor()).as(output).isZero();

        assertThat(output).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(WHOLE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("read-only"))))
                .isEqualTo("r-x------");
        assertThat(Files.getLastModifiedTime(target.resolve("read-only"))).isEqualTo(EXACT);
        assertThat(target.resolve("read-only/inside")).hasContent(content);
        assertThat(Files.getLastModifiedTime(target.resolve("read-only/inside"))).isEqualTo(EXACT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("read-only/inside"))))
                .isEqualTo("rw-r-----");
        assertThat(target.resolve(longPath)).isEmptyFile();
        assertThat(Files.readAllBytes(target.resolve("été"))).containsExactly(1, 2, 3);
        assertThat(Files.getLastModifiedTime(target.resolve("été"))).isEqualTo(EXACT);
        assertThat(Files.readSymbolicLink(target.resolve("pg_tblspc-16385")).toString())
                .isEqualTo("/a/target/" + "t".repeat(120) + "/é");
    }

    @Test
    void theAnnouncedSizeIsEnforced() throws Exception {
        TarWriter tar = new TarWriter(new ByteArrayOutputStream());
        tar.file("f", 0600, 2, WHOLE);
        assertThatThrownBy(() -> tar.write(new byte[3], 0, 3)).isInstanceOf(IllegalStateException.class);
        tar.write(new byte[1], 0, 1);
        assertThatThrownBy(tar::closeEntry).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 bytes of the 2 announced are missing");
    }

    @Test
    void decimalSecondsAsPaxWantsThem() {
        assertThat(TarWriter.decimalSeconds(Instant.parse("2022-02-03T04:05:06.000000001Z")))
                .isEqualTo("1643861106.000000001");
        assertThat(TarWriter.decimalSeconds(Instant.ofEpochMilli(-1500))).isEqualTo("-1.500000000");
    }
}
