package org.barman.streaming.basebackup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.barman.api.support.LocalTrees;

/**
 * Writes into a file's channel without owning it, so that the caller fsyncs and closes the channel itself once
 * the stream is finished. A failed write names the file: it is this host's disk, never the connection.
 */
final class ChannelOutput extends OutputStream {

    private final FileChannel channel;
    private final Path file;

    /**
     * @param channel the open channel
     * @param file its path, for messages
     */
    ChannelOutput(FileChannel channel, Path file) {
        this.channel = channel;
        this.file = file;
    }

    @Override
    public void write(int value) {
        write(new byte[] {(byte) value}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (data.hasRemaining()) {
                channel.write(data);
            }
        } catch (IOException e) {
            throw new BarmanException("cannot write " + file + ": " + LocalTrees.reason(e), e);
        }
    }

    @Override
    public void close() {
        // the channel is the caller's to fsync and close
    }
}
