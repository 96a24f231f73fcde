package org.barman.compress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * {@code compression = xz}: the xz format (LZMA2, CRC64 check, as {@code xz} writes by default) through XZ for
 * Java. Its level is xz's preset.
 */
final class XzCompressor extends LibraryCompressor {

    static final String NAME = "xz";
    static final MagicNumber MAGIC = MagicNumber.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00);
    /** xz's presets; 1 is fast enough for WAL and already beats gzip -9 on ratio. */
    static final LevelRange LEVELS = new LevelRange(NAME, 0, 9, 0, 1, 6);

    /** Reuses the large dictionary arrays from one WAL segment to the next instead of allocating them anew. */
    private static final ArrayCache ARRAYS = BasicArrayCache.getInstance();

    private final LZMA2Options options;

    XzCompressor(int level) {
        super(NAME, MAGIC, level);
        try {
            this.options = new LZMA2Options(level);
        } catch (UnsupportedOptionsException e) {
            throw new IllegalArgumentException("xz preset " + level + " is not supported", e);
        }
    }

    @Override
    OutputStream openEncoder(OutputStream out) throws IOException {
        return new XZOutputStream(out, options, XZ.CHECK_CRC64, ARRAYS);
    }

    @Override
    InputStream openDecoder(InputStream in) throws IOException {
        // No memory limit (-1), like xz -d; concatenated streams are read, like xz -d.
        return new XZInputStream(new BufferedInputStream(in, IO_BUFFER_SIZE), -1, ARRAYS);
    }
}
