package org.barman.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One way of compressing WAL files and backup streams, configured for one server.
 *
 * <p>The streams it returns own the stream they wrap: closing them closes it, on every path, failures included.
 * A decompressing stream must fail with an {@link IOException} on corrupted or truncated input, never end early
 * with short output.
 *
 * <p>Failures surface as {@link IOException}s from {@code write}, {@code read} or {@code close} (an external
 * filter that exits non-zero fails {@code close}, or the read that reaches its end). Whatever was written to the
 * target before such a failure is incomplete: the caller writes to a temporary file and deletes it when any of
 * these calls fails, so that no partial output survives.
 */
public interface Compressor {

    /** @return the name used in {@code compression =}, such as {@code gzip} */
    String name();

    /**
     * @param out where compressed bytes go
     * @return a stream that compresses what is written to it into {@code out}; closing it finishes the format
     * @throws IOException when the stream cannot be started
     */
    OutputStream compress(OutputStream out) throws IOException;

    /**
     * @param in compressed bytes
     * @return a stream of the original bytes
     * @throws IOException when the input does not start like this format
     */
    InputStream decompress(InputStream in) throws IOException;

    /**
     * Magic-number detection: whether a file that starts with {@code header} was written by this compressor.
     *
     * @param header the first bytes of a file (at most {@link CompressorProvider#HEADER_LENGTH}, fewer for a
     *     shorter file)
     * @return whether this compressor wrote it
     */
    default boolean recognizes(byte[] header) {
        return false;
    }
}
