package org.barman.examples.snappy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

import org.barman.api.BarmanApi;
import org.barman.api.Compressor;
import org.barman.api.CompressorProvider;
import org.barman.api.PluginOptions;
import org.junit.jupiter.api.Test;

/** The plug-in works as Barman uses it: found by ServiceLoader, round trips, magic number, damaged files. */
class SnappyCompressorTest {

    private static final Compressor SNAPPY = new SnappyCompressorProvider().create(PluginOptions.of(Map.of()));

    private static byte[] compress(byte[] data) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = SNAPPY.compress(compressed)) {
            out.write(data);
        }
        return compressed.toByteArray();
    }

    private static byte[] decompress(byte[] compressed) throws IOException {
        try (InputStream in = SNAPPY.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /** Pages of 8 KiB: a random tuple header, small values, then zeros, as WAL full-page images look. */
    private static byte[] walLike(int size) {
        byte[] data = new byte[size];
        Random random = new Random(size);
        byte[] header = new byte[512];
        for (int page = 0; page + 1024 <= size; page += 8192) {
            random.nextBytes(header);
            System.arraycopy(header, 0, data, page, header.length);
            for (int i = page + 512; i < page + 1024; i++) {
                data[i] = (byte) random.nextInt(16);
            }
        }
        return data;
    }

    @Test
    void serviceLoaderFindsItUnderTheNameSnappy() {
        List<CompressorProvider> providers = ServiceLoader.load(CompressorProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(providers).extracting(CompressorProvider::name).containsExactly("snappy");
        assertThat(BarmanApi.isCompatible(providers.get(0).apiVersion())).isTrue();
    }

    @Test
    void givesBackEmptyOneByteAndWalSizedInputs() throws IOException {
        for (byte[] data : List.of(new byte[0], new byte[] {7}, walLike(16 * 1024 * 1024))) {
            byte[] compressed = compress(data);
            assertThat(SNAPPY.recognizes(Arrays.copyOf(compressed, Math.min(64, compressed.length)))).isTrue();
            assertThat(decompress(compressed)).isEqualTo(data);
        }
        assertThat(compress(walLike(16 * 1024 * 1024)).length).isLessThan(16 * 1024 * 1024 / 2);
    }

    @Test
    void startsWithTheSnappyMagicNumberBarmanKnows() throws IOException {
        assertThat(java.util.HexFormat.of().formatHex(compress(new byte[100]))).startsWith("ff060000734e61507059");
        assertThat(SNAPPY.recognizes(new byte[] {0x1f, (byte) 0x8b, 8})).isFalse();
    }

    @Test
    void aFileCutInsideAChunkFails() throws IOException {
        byte[] compressed = compress(walLike(1024 * 1024));
        assertThatThrownBy(() -> decompress(Arrays.copyOf(compressed, compressed.length - 5)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aDamagedChunkFailsItsChecksum() throws IOException {
        byte[] compressed = compress(walLike(1024 * 1024));
        byte[] damaged = compressed.clone();
        damaged[10 + 4] ^= 0x01; // first byte of the first data chunk's CRC-32C, after the stream identifier
        assertThatThrownBy(() -> decompress(damaged)).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void damageAnywhereFailsOrChangesNothingNeverGivesWrongBytes() throws IOException {
        byte[] data = walLike(1024 * 1024);
        byte[] compressed = compress(data);
        int detected = 0;
        for (int position = 10; position < compressed.length; position += 997) {
            byte[] damaged = compressed.clone();
            damaged[position] ^= 0x40;
            try {
                assertThat(decompress(damaged)).as("damage at byte %d", position).isEqualTo(data);
            } catch (IOException e) {
                detected++;
            }
        }
        assertThat(detected).as("damaged copies rejected").isPositive();
    }

    @Test
    void otherDataIsRejectedAtOnce() {
        assertThatThrownBy(() -> decompress(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}))
                .isInstanceOf(IOException.class).hasMessage("not snappy data: it starts with 28 b5 2f fd");
        assertThatThrownBy(() -> decompress(new byte[0]))
                .isInstanceOf(IOException.class).hasMessage("not snappy data: the input is empty");
    }
}
