package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The manifest's own checksum, computed on the bytes as they arrive in chunks of any size. */
class ManifestDigestTest {

    @Test
    void checksumIsTheSameWhateverTheChunks() throws Exception {
        byte[] manifest = ScriptedBackend.manifest(Map.of("PG_VERSION", "15\n".getBytes(StandardCharsets.UTF_8),
                "\"Manifest-Checksum\"", new byte[3]));
        String text = new String(manifest, StandardCharsets.UTF_8);
        String expected = text.substring(text.lastIndexOf("\"Manifest-Checksum\": \"") + 22, text.lastIndexOf('"'));
        qt().forAll(lists().of(integers().between(1, 40)).ofSizeBetween(1, 30)).check(sizes -> {
            ManifestDigest digest = feed(manifest, sizes);
            return digest.sawChecksumLine() && digest.hex().equals(expected);
        });
    }

    @Test
    void manifestWithoutChecksumLineIsNoticed() {
        ManifestDigest digest = feed("{\"Files\": []}\n".getBytes(StandardCharsets.UTF_8), List.of(3));
        assertThat(digest.sawChecksumLine()).isFalse();
    }

    private static ManifestDigest feed(byte[] manifest, List<Integer> sizes) {
        ManifestDigest digest = new ManifestDigest();
        int offset = 0;
        int i = 0;
        while (offset < manifest.length) {
            int size = Math.min(sizes.get(i++ % sizes.size()), manifest.length - offset);
            digest.update(manifest, offset, size);
            offset += size;
        }
        return digest;
    }
}
