package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class StreamPipeTest {

    @Test
    void everyByteArrivesInOrderThroughASmallRingWhateverTheChunkSizes() throws Exception {
        byte[] data = new byte[3_000_017];
        new Random(4).nextBytes(data);
        StreamPipe pipe = new StreamPipe(4099);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            Random sizes = new Random(5);
            try (OutputStream out = pipe.sink()) {
                int position = 0;
                while (position < data.length) {
                    int length = Math.min(data.length - position, 1 + sizes.nextInt(9000));
                    out.write(data, position, length);
                    position += length;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Random sizes = new Random(6);
        InputStream in = pipe.source();
        byte[] buffer = new byte[10000];
        int read;
        while ((read = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length))) >= 0) {
            received.write(buffer, 0, read);
        }
        writer.get();

        assertThat(received.toByteArray()).isEqualTo(data);
    }

    @Test
    void anAbortedReaderNeverBlocksTheWriter() throws Exception {
        StreamPipe pipe = new StreamPipe(16);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                pipe.sink().write(new byte[1000], 0, 1000);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] first = new byte[4];
        assertThat(pipe.source().read(first, 0, 4)).isPositive();
        pipe.abort();
        writer.get();

        assertThatThrownBy(() -> pipe.source().read(first, 0, 4)).isInstanceOf(IOException.class)
                .hasMessageContaining("abandoned");
    }
}
