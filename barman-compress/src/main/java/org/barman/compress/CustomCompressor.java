package org.barman.compress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.barman.api.Compressor;

/**
 * {@code compression = custom}: compression by two shell commands of the DBA's choice, as in Barman's guide
 * ({@code custom_compression_filter = gzip -c}, {@code custom_decompression_filter = gzip -c -d}), each run once
 * per stream through {@code sh -c}, reading standard input and writing standard output. The optional
 * {@code custom_compression_magic} tells its files apart from the others.
 */
final class CustomCompressor implements Compressor {

    static final String NAME = "custom";
    static final String COMPRESSION_FILTER = "custom_compression_filter";
    static final String DECOMPRESSION_FILTER = "custom_decompression_filter";
    static final String MAGIC = "custom_compression_magic";

    private final String compressionFilter;
    private final String decompressionFilter;
    private final MagicNumber magic;

    /**
     * @param compressionFilter the shell command that compresses
     * @param decompressionFilter the shell command that decompresses
     * @param magic what the filter's output starts with, or {@code null} when unknown
     */
    CustomCompressor(String compressionFilter, String decompressionFilter, MagicNumber magic) {
        this.compressionFilter = Objects.requireNonNull(compressionFilter, "compressionFilter is null");
        this.decompressionFilter = Objects.requireNonNull(decompressionFilter, "decompressionFilter is null");
        this.magic = magic;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputStream compress(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out is null");
        try {
            return new ShellFilterOutputStream(COMPRESSION_FILTER, compressionFilter, out);
        } catch (IOException | RuntimeException e) {
            closeAfter(out, e);
            throw e;
        }
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in is null");
        try {
            InputStream checked = magic == null ? in : magic.requireAtStart(in, "custom compressed");
            return new ShellFilterInputStream(DECOMPRESSION_FILTER, decompressionFilter, checked);
        } catch (IOException | RuntimeException e) {
            closeAfter(in, e);
            throw e;
        }
    }

    /** @return whether {@code custom_compression_magic} is set and {@code header} starts with it */
    @Override
    public boolean recognizes(byte[] header) {
        return magic != null && magic.matches(header);
    }

    private static void closeAfter(java.io.Closeable stream, Exception failure) {
        try {
            stream.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return NAME + " (" + COMPRESSION_FILTER + " '" + compressionFilter + "')";
    }
}
