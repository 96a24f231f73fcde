package org.barman.transport.rsync;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * An output stream that hands each line written to it to a consumer, as bytes without the line break (rsync's
 * names are bytes, not necessarily UTF-8). Carriage returns end a line too, so that a progress meter cannot make
 * one endless line. Call {@link #close()} at the end for a last line without a break.
 */
final class LineSplitter extends OutputStream {

    private final Consumer<byte[]> consumer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    /** @param consumer hears every line, in the writing thread */
    LineSplitter(Consumer<byte[]> consumer) {
        this.consumer = consumer;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n' || b == '\r') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                line.write(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        line.write(bytes, start, end - start);
    }

    private void emit() {
        if (line.size() > 0) {
            byte[] bytes = line.toByteArray();
            line.reset();
            consumer.accept(bytes);
        }
    }

    @Override
    public synchronized void close() {
        emit();
    }
}
