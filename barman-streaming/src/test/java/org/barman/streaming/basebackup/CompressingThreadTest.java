package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;

/** The compressor's own thread: every byte in order, its failures reported to the writer, and a clean stop. */
class CompressingThreadTest {

    @Test
    void everyByteReachesTheTargetInOrderAcrossChunksAndTheTargetIsClosed() throws Exception {
        byte[] data = new byte[3 * 256 * 1024 + 12_345];
        new Random(5).nextBytes(data);
        AtomicBoolean closed = new AtomicBoolean();
        ByteArrayOutputStream received = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        CompressingThread out = new CompressingThread(received, "test");
        Random sizes = new Random(6);
        int done = 0;
        while (done < data.length) {
            int count = Math.min(data.length - done, 1 + sizes.nextInt(100_000));
            out.write(data, done, count);
            done += count;
        }
        out.write(7);
        out.close();

        byte[] expected = new byte[data.length + 1];
        System.arraycopy(data, 0, expected, 0, data.length);
        expected[data.length] = 7;
        assertThat(received.toByteArray()).isEqualTo(expected);
        assertThat(closed).isTrue();
    }

    @Test
    void aFailureOfTheTargetReachesTheWriterNamingIt() {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) {
                throw new BarmanException("cannot write /backup/base.tar.zst: No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                write(0);
            }
        };
        CompressingThread out = new CompressingThread(full, "test");
        assertThatThrownBy(() -> {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 1000; i++) {
                out.write(chunk);
            }
            out.close();
        }).isInstanceOf(BarmanException.class).hasMessage("cannot write /backup/base.tar.zst: No space left on device");
    }

    @Test
    void abandonStopsTheThreadAndClosesTheTarget() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        OutputStream target = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        CompressingThread out = new CompressingThread(target, "test");
        out.write(new byte[1000]);
        out.abandon();
        assertThat(closed).isTrue();
    }
}
