package org.barman.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The parts of the LZ4 frame reader that lz4-java's own writer never exercises: linked blocks, odd frames. */
class Lz4FrameReaderTest {

    @Test
    void aLinkedBlockCopiesFromTheHistoryBeforeIt() throws IOException {
        byte[] dest = new byte[64];
        byte[] history = "barman!".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(history, 0, dest, 0, history.length);
        // token: 1 literal, match of 4 + 10 = 14; literal 'X'; offset 8 (back to "barman!X"); then 2 last literals
        byte[] block = {(byte) 0x1A, 'X', 8, 0, 0x20, 'y', 'z'};
        int end = Lz4FrameReader.decodeLinkedBlock(block, 0, block.length, dest, history.length, dest.length);
        assertThat(new String(dest, history.length, end - history.length, StandardCharsets.US_ASCII))
                .isEqualTo("Xbarman!Xbarmanyz");
    }

    @Test
    void anOverlappingMatchRepeatsItsPeriod() throws IOException {
        byte[] dest = new byte[100];
        // literal "ab", match offset 2 length 4 + 15 + 5 = 24, no last literals but the format needs some: "."
        byte[] block = {(byte) 0x2F, 'a', 'b', 2, 0, 5, 0x10, '.'};
        int end = Lz4FrameReader.decodeLinkedBlock(block, 0, block.length, dest, 0, dest.length);
        assertThat(new String(dest, 0, end, StandardCharsets.US_ASCII)).isEqualTo("ab".repeat(13) + ".");
    }

    @Test
    void malformedBlocksAreRejectedNeverReadOutOfBounds() {
        byte[] dest = new byte[32];
        assertThatThrownBy(() -> Lz4FrameReader.decodeLinkedBlock(new byte[] {0x10, 'a', 9, 0, 0}, 0, 5, dest, 0,
                dest.length)).isInstanceOf(IOException.class).hasMessageContaining("offset outside");
        assertThatThrownBy(() -> Lz4FrameReader.decodeLinkedBlock(new byte[] {(byte) 0xF0, (byte) 255}, 0, 2, dest,
                0, dest.length)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Lz4FrameReader.decodeLinkedBlock(new byte[] {0x1F, 'a', 1, 0, (byte) 200}, 0, 5,
                dest, 0, dest.length)).isInstanceOf(IOException.class).hasMessageContaining("overflows");
        Samples.forAll(200, 300, sample -> {
            try {
                Lz4FrameReader.decodeLinkedBlock(sample.data(), 0, sample.data().length, new byte[1024], 16, 1024);
            } catch (IOException expected) {
                assertThat(expected.getMessage()).startsWith("lz4 block ");
            }
        });
    }

    @Test
    void skippableFramesAreSkippedAndFramesFollowingThemRead() throws IOException {
        byte[] frame = TestCompressors.compress(TestCompressors.create("lz4", java.util.Map.of()),
                "after the skippable frame".getBytes(StandardCharsets.US_ASCII));
        byte[] skippable = HexFormat.of().parseHex("5a2a4d1803000000414243");
        byte[] file = new byte[frame.length + skippable.length + frame.length];
        System.arraycopy(frame, 0, file, 0, frame.length);
        System.arraycopy(skippable, 0, file, frame.length, skippable.length);
        System.arraycopy(frame, 0, file, frame.length + skippable.length, frame.length);
        try (InputStream in = new Lz4FrameReader(new ByteArrayInputStream(file))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("after the skippable frame".repeat(2));
        }
    }

    @Test
    void aWrongHeaderChecksumIsReported() throws IOException {
        byte[] frame = TestCompressors.compress(TestCompressors.create("lz4", java.util.Map.of()), new byte[10]);
        byte[] corrupted = Arrays.copyOf(frame, frame.length);
        corrupted[6] ^= 1;
        try (InputStream in = new Lz4FrameReader(new ByteArrayInputStream(corrupted))) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessage("lz4 frame header checksum mismatch");
        }
    }
}
