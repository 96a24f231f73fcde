package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.barman.api.PluginOptions;
import org.barman.core.Barman;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code barman get-wal} through the command line: plain, -z/-x (gzip), -j (bzip2), -o DIR, -P (the streaming
 * folder's segment), missing files.
 */
class GetWalCommandTest {

    private static final String WAL = "000000010000000000000007";

    @TempDir
    Path home;

    private Path config;
    private byte[] segment;

    @BeforeEach
    void archiveOneSegment() throws IOException {
        config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\n[main]\nconninfo = host=127.0.0.1\ncompression = zstd\n");
        segment = new byte[1024 * 1024];
        new Random(7).nextBytes(segment);
        Path incoming = home.resolve("main/incoming");
        Files.createDirectories(incoming);
        Files.write(incoming.resolve(WAL), segment);
        Barman.load(config, Plugins.load()).server("main").archiveWal();
    }

    private record Run(int exitCode, byte[] out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err, true), out);
        return new Run(code, out.toByteArray(), err.toString());
    }

    private static byte[] decompress(String compression, byte[] data) throws IOException {
        try (InputStream in = Plugins.load().compressor(compression, PluginOptions.of(Map.of()))
                .decompress(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    @Test
    void writesTheOriginalBytesToStandardOutput() {
        Run run = run("-c", config.toString(), "get-wal", "main", WAL);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(segment);
    }

    @Test
    void compressesTheOutputWithGzipOrBzip2() throws IOException {
        for (String flag : new String[] {"-z", "-x", "--gzip"}) {
            Run run = run("-c", config.toString(), "get-wal", flag, "main", WAL);
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()[0] & 0xff).isEqualTo(0x1f);
            assertThat(decompress("gzip", run.out())).isEqualTo(segment);
        }
        Run bzip2 = run("-c", config.toString(), "get-wal", "-j", "main", WAL);
        assertThat(new String(bzip2.out(), 0, 3)).isEqualTo("BZh");
        assertThat(decompress("bzip2", bzip2.out())).isEqualTo(segment);
    }

    @Test
    void writesIntoAFolderWithMinusO() {
        Path folder = home.resolve("restore");
        Run run = run("-c", config.toString(), "get-wal", "-o", folder.toString(), "main", WAL);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(folder.resolve(WAL)).hasBinaryContent(segment);
    }

    @Test
    void aMissingFileIsAShortErrorAndNothingOnStandardOutput() {
        Run run = run("-c", config.toString(), "get-wal", "main", "000000010000000000000008");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("ERROR: WAL file 000000010000000000000008 is not in the archive of server "
                + "main\n");
        Run bad = run("-c", config.toString(), "get-wal", "main", "../../etc/passwd");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("is not a WAL file name");
    }

    @Test
    void partialGivesTheSegmentReceiveWalIsReceivingUnderItsNameAndOnlyWithTheOption() throws IOException {
        byte[] receiving = new byte[1024 * 1024];
        new Random(8).nextBytes(receiving);
        Path streaming = Files.createDirectories(home.resolve("main/streaming"));
        Files.write(streaming.resolve("000000010000000000000008.partial"), receiving);

        Run plain = run("-c", config.toString(), "get-wal", "main", "000000010000000000000008");
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.out()).isEmpty();
        Run partial = run("-c", config.toString(), "-q", "get-wal", "-P", "main", "000000010000000000000008");
        assertThat(partial.exitCode()).as(partial.err()).isZero();
        assertThat(partial.out()).isEqualTo(receiving);
        Path folder = home.resolve("restore");
        Run intoFolder = run("-c", config.toString(), "get-wal", "--partial", "-z", "-o", folder.toString(), "main",
                "000000010000000000000008");
        assertThat(intoFolder.exitCode()).as(intoFolder.err()).isZero();
        assertThat(decompress("gzip", Files.readAllBytes(folder.resolve("000000010000000000000008"))))
                .isEqualTo(receiving);
        Run archived = run("-c", config.toString(), "get-wal", "-P", "main", WAL);
        assertThat(archived.out()).as("the archive's copy first").isEqualTo(segment);
    }

    @Test
    void twoCompressionsOrAMissingArgumentAreUsageErrors() {
        Run both = run("-c", config.toString(), "get-wal", "-j", "-z", "main", WAL);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.out()).isEmpty();
        Run missing = run("-c", config.toString(), "get-wal", "main");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("WAL_NAME");
    }
}
