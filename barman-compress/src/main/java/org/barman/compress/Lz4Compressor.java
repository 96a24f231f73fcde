package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

/**
 * {@code compression = lz4}: the LZ4 frame format through lz4-java's native library, written as {@code lz4} writes
 * it by default: independent 4 MiB blocks and a content checksum. It reads every frame {@code lz4} and
 * PostgreSQL's tools write, through {@link Lz4FrameReader}.
 */
final class Lz4Compressor extends LibraryCompressor {

    static final String NAME = "lz4";
    static final MagicNumber MAGIC = MagicNumber.of(0x04, 0x22, 0x4d, 0x18);
    /** lz4's levels: 1 and 2 are the fast compressor (lz4's default), 3 to 12 the high-compression one. */
    static final LevelRange LEVELS = new LevelRange(NAME, 1, 12, 1, 1, 9);

    private static final int FIRST_HIGH_COMPRESSION_LEVEL = 3;

    private volatile LZ4Compressor blockCompressor;

    Lz4Compressor(int level) {
        super(NAME, MAGIC, level);
    }

    /** The native library loads on first use only: creating a compressor to read a magic number costs nothing. */
    private LZ4Compressor blockCompressor() {
        LZ4Compressor compressor = blockCompressor;
        if (compressor == null) {
            LZ4Factory factory = LZ4Factory.fastestInstance();
            compressor = level() < FIRST_HIGH_COMPRESSION_LEVEL ? factory.fastCompressor()
                    : factory.highCompressor(level());
            blockCompressor = compressor;
        }
        return compressor;
    }

    @Override
    OutputStream openEncoder(OutputStream out) throws IOException {
        return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L, blockCompressor(),
                XXHashFactory.fastestInstance().hash32(), LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
    }

    @Override
    InputStream openDecoder(InputStream in) throws IOException {
        // Reads linked blocks (which lz4-java's LZ4FrameInputStream refuses) and concatenated frames, like lz4 -d.
        return new Lz4FrameReader(in);
    }
}
