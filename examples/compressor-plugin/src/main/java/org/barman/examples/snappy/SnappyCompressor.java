package org.barman.examples.snappy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import org.barman.api.Compressor;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * Snappy in its framing format: a stream identifier ({@code ff 06 00 00 sNaPpY}, the magic number Barman uses to
 * recognize snappy WAL files), then chunks of at most 64 KiB, each with a CRC-32C of its uncompressed bytes.
 *
 * <p>The format has no end marker: a file cut exactly between two chunks reads as a shorter valid file. A file
 * cut inside a chunk, or with a damaged chunk, fails with an {@link IOException}.
 */
final class SnappyCompressor implements Compressor {

    private static final byte[] MAGIC = HexFormat.of().parseHex("ff060000734e61507059");

    @Override
    public String name() {
        return SnappyCompressorProvider.NAME;
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out is null");
        try {
            return new SnappyFramedOutputStream(out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw new IOException("snappy compression cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in is null");
        try {
            PushbackInputStream checked = new PushbackInputStream(in, MAGIC.length);
            byte[] start = checked.readNBytes(MAGIC.length);
            if (!Arrays.equals(start, MAGIC)) {
                throw new IOException(start.length == 0 ? "not snappy data: the input is empty"
                        : "not snappy data: it starts with " + HexFormat.ofDelimiter(" ").formatHex(start));
            }
            checked.unread(start);
            return new SnappyFramedInputStream(checked, true);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public boolean recognizes(byte[] header) {
        return header != null && header.length >= MAGIC.length
                && Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }
}
