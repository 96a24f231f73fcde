package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code compression = gzip}: the gzip format of RFC 1952 through the JDK's zlib, read and written by {@code gzip}
 * and {@code pigz}.
 */
final class GzipCompressor extends LibraryCompressor {

    static final String NAME = "gzip";
    static final MagicNumber MAGIC = MagicNumber.of(0x1f, 0x8b, 0x08);
    /** gzip's own levels; 6 is gzip's default and a good balance for WAL. */
    static final LevelRange LEVELS = new LevelRange(NAME, 1, 9, 1, 6, 9);

    GzipCompressor(int level) {
        super(NAME, MAGIC, level);
    }

    @Override
    OutputStream openEncoder(OutputStream out) throws IOException {
        return new LeveledGzipOutputStream(out, level());
    }

    @Override
    InputStream openDecoder(InputStream in) throws IOException {
        return new GZIPInputStream(new ExactAvailableInputStream(in), IO_BUFFER_SIZE);
    }

    /**
     * Java 17's {@link GZIPInputStream} looks for a next member (files written by {@code cat a.gz b.gz}, which
     * {@code gzip -d} reads whole) only when {@code available()} says more bytes are coming; a pipe or a socket
     * says 0, and the rest of the file would be silently dropped. This stream's {@code available()} answers
     * exactly: 0 only at the end of the input.
     */
    private static final class ExactAvailableInputStream extends PushbackInputStream {

        ExactAvailableInputStream(InputStream in) {
            super(in, 1);
        }

        @Override
        public int available() throws IOException {
            int available = super.available();
            if (available > 0) {
                return available;
            }
            int next = read();
            if (next < 0) {
                return 0;
            }
            unread(next);
            return 1;
        }
    }

    /** The JDK's gzip stream, at a chosen level instead of zlib's default. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {

        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, IO_BUFFER_SIZE);
            def.setLevel(level);
        }
    }
}
