package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

/**
 * {@code compression = zstd}: the Zstandard frame format through zstd-jni (the reference C library), with a
 * content checksum as {@code zstd} writes by default.
 */
final class ZstdCompressor extends LibraryCompressor {

    static final String NAME = "zstd";
    static final MagicNumber MAGIC = MagicNumber.of(0x28, 0xb5, 0x2f, 0xfd);
    /** zstd's regular levels; 3 is zstd's default, fast and with a ratio close to xz's for WAL. */
    static final LevelRange LEVELS = new LevelRange(NAME, 1, 22, 1, 3, 9);

    private final int workers;

    ZstdCompressor(int level) {
        this(level, 0);
    }

    ZstdCompressor(int level, int workers) {
        super(NAME, MAGIC, level);
        this.workers = workers;
    }

    @Override
    OutputStream openEncoder(OutputStream out) throws IOException {
        ZstdOutputStreamNoFinalizer encoder = new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE);
        try {
            encoder.setLevel(level());
            encoder.setChecksum(true);
            if (workers > 0) {
                encoder.setWorkers(workers);
            }
        } catch (IOException | RuntimeException e) {
            encoder.closeWithoutClosingParentStream();
            throw e;
        }
        return encoder;
    }

    @Override
    InputStream openDecoder(InputStream in) throws IOException {
        return new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
    }
}
