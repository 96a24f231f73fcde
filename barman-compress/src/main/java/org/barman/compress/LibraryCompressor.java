package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.barman.api.Compressor;

/**
 * What every compressor built on a Java library shares: its name, its magic number, and the streams around the
 * library's own ({@link EncodingOutputStream}, {@link DecodingInputStream}). A subclass only opens the library's
 * streams.
 *
 * <p>When {@link #compress} or {@link #decompress} fails, the stream passed to it is closed, so that a caller who
 * opens a file inline in a try-with-resources leaks nothing.
 */
abstract class LibraryCompressor implements Compressor {

    /** Buffer size for the libraries' own reading and writing: large, for 16 MiB WAL segments. */
    static final int IO_BUFFER_SIZE = 64 * 1024;

    private final String name;
    private final MagicNumber magic;
    private final int level;

    /**
     * @param name the name used in {@code compression =}
     * @param magic what the format starts with
     * @param level the compression level, as the library understands it
     */
    LibraryCompressor(String name, MagicNumber magic, int level) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.magic = Objects.requireNonNull(magic, "magic is null");
        this.level = level;
    }

    @Override
    public final String name() {
        return name;
    }

    /** @return the compression level this compressor writes with */
    final int level() {
        return level;
    }

    @Override
    public final OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out is null");
        OutputStream encoder;
        try {
            encoder = openEncoder(out);
        } catch (IOException | RuntimeException e) {
            IOException failure = new IOException(name + " compression cannot start: " + e.getMessage(), e);
            try {
                out.close();
            } catch (IOException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        return new EncodingOutputStream(name, encoder, out);
    }

    @Override
    public final InputStream decompress(InputStream in) throws IOException {
        return DecodingInputStream.open(name, magic, in, this::openDecoder);
    }

    @Override
    public final boolean recognizes(byte[] header) {
        return magic.matches(header);
    }

    /**
     * @param out where compressed bytes go
     * @return the library's compressing stream over {@code out}; closing it closes {@code out}
     * @throws IOException when the library cannot start
     */
    abstract OutputStream openEncoder(OutputStream out) throws IOException;

    /**
     * @param in compressed bytes, whose magic number was checked
     * @return the library's decompressing stream over {@code in}; closing it closes {@code in}
     * @throws IOException when the library cannot start
     */
    abstract InputStream openDecoder(InputStream in) throws IOException;

    @Override
    public String toString() {
        return name + " (level " + level + ")";
    }
}
