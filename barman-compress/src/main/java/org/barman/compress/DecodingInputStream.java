package org.barman.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The stream a library decompressor hands to its callers. A decoder's failure (a corrupted or truncated file, a
 * bad checksum, and the unchecked exceptions some libraries throw) becomes one {@link IOException} that says so,
 * while a failure to read the underlying file stays what it is. Closing it closes the source on every path.
 */
final class DecodingInputStream extends InputStream {

    private final String format;
    private final InputStream decoder;
    private final SourceInputStream source;
    private boolean closed;
    private IOException thrown;

    private DecodingInputStream(String format, InputStream decoder, SourceInputStream source) {
        this.format = format;
        this.decoder = decoder;
        this.source = source;
    }

    /**
     * @param format the compressor name, for messages
     * @param magic what the input must start with
     * @param in the caller's compressed input, closed when the returned stream is
     * @param decoderFactory builds the library's decompressing stream over the (checked, watched) input
     * @return the decompressed bytes
     * @throws IOException when the input is not of this format or the decoder cannot start (truncated header);
     *     {@code in} is then closed
     */
    static InputStream open(String format, MagicNumber magic, InputStream in, DecoderFactory decoderFactory)
            throws IOException {
        Objects.requireNonNull(in, "in is null");
        SourceInputStream source = new SourceInputStream(in);
        InputStream decoder;
        boolean formatChecked = false;
        try {
            InputStream checked = magic.requireAtStart(source, format);
            formatChecked = true;
            decoder = decoderFactory.open(checked);
        } catch (IOException | RuntimeException e) {
            IOException failure = source.isOwnFailure(e) || (!formatChecked && e instanceof IOException)
                    ? (IOException) e : describe(format, e);
            try {
                in.close();
            } catch (IOException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        return new DecodingInputStream(format, decoder, source);
    }

    /** Builds a library's decompressing stream. */
    @FunctionalInterface
    interface DecoderFactory {
        /**
         * @param in the compressed input
         * @return the library's stream of decompressed bytes
         * @throws IOException when the input cannot be decoded
         */
        InputStream open(InputStream in) throws IOException;
    }

    @Override
    public int read() throws IOException {
        return decode(InputStream::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        try {
            return decoder.read(b, off, len);
        } catch (IOException e) {
            throw once(source.isOwnFailure(e) ? e : describe(format, e));
        } catch (RuntimeException e) {
            throw once(describe(format, e));
        }
    }

    @Override
    public int available() throws IOException {
        return decode(InputStream::available);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            decoder.close();
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = describe(format, e);
        }
        try {
            source.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw once(failure);
        }
    }

    /** Never throws the same exception twice, so that try-with-resources never suppresses one into itself. */
    private IOException once(IOException e) {
        IOException result = e == thrown ? new IOException(e.getMessage(), e) : e;
        thrown = result;
        return result;
    }

    private int decode(IoFunction call) throws IOException {
        ensureOpen();
        try {
            return call.apply(decoder);
        } catch (IOException e) {
            throw once(source.isOwnFailure(e) ? e : describe(format, e));
        } catch (RuntimeException e) {
            throw once(describe(format, e));
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(format + " decompressing stream is closed");
        }
    }

    private static IOException describe(String format, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new IOException(format + " data is corrupted or truncated: " + detail, e);
    }

    @FunctionalInterface
    private interface IoFunction {
        int apply(InputStream stream) throws IOException;
    }

    /** Remembers the failures of the underlying input, so that they are not reported as corrupted data. */
    private static final class SourceInputStream extends FilterInputStream {

        private volatile IOException lastFailure;

        SourceInputStream(InputStream in) {
            super(in);
        }

        boolean isOwnFailure(Exception e) {
            Throwable failure = lastFailure;
            return failure != null && e == failure;
        }

        @Override
        public int read() throws IOException {
            return watch(() -> in.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return watch(() -> in.read(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }

        @Override
        public int available() throws IOException {
            return watch(() -> in.available());
        }

        private int watch(IntCall call) throws IOException {
            try {
                return call.get();
            } catch (IOException e) {
                lastFailure = e;
                throw e;
            }
        }

        @FunctionalInterface
        private interface IntCall {
            int get() throws IOException;
        }
    }
}
