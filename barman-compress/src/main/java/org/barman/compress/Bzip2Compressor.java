package org.barman.compress;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * {@code compression = bzip2}: the bzip2 format through Commons Compress, read and written by {@code bzip2}. Its
 * level is the block size in units of 100 kB, as for {@code bzip2 -1} to {@code -9}.
 */
final class Bzip2Compressor extends LibraryCompressor {

    static final String NAME = "bzip2";
    static final MagicNumber MAGIC = MagicNumber.of(0x42, 0x5a, 0x68);
    /** bzip2's block sizes; 9 is bzip2's default: smaller blocks are hardly faster and compress worse. */
    static final LevelRange LEVELS = new LevelRange(NAME, 1, 9, 1, 9, 9);

    Bzip2Compressor(int level) {
        super(NAME, MAGIC, level);
    }

    @Override
    OutputStream openEncoder(OutputStream out) throws IOException {
        // Commons Compress writes the bit stream one byte at a time: buffer it.
        return new BZip2CompressorOutputStream(new BufferedOutputStream(out, IO_BUFFER_SIZE), level());
    }

    @Override
    InputStream openDecoder(InputStream in) throws IOException {
        // It also reads one byte at a time; and like bzip2 -d, it reads concatenated streams.
        return new BZip2CompressorInputStream(new BufferedInputStream(in, IO_BUFFER_SIZE), true);
    }
}
