package org.barman.streaming;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;

/**
 * The segment being received: its {@code .partial} file, always the full segment size, written at the offsets the
 * server sends. The part of it that existed before (a {@code .partial} left by an earlier run) is checked against
 * what the server sends again: each byte is either the same or still zero, else the file is not the server's WAL.
 */
final class SegmentFile implements AutoCloseable {

    private final StreamingFolder folder;
    private final WalSegmentName segment;
    private final Lsn start;
    private final long size;
    private final FileChannel channel;
    private final long earlierContentEnd;
    private boolean dirty;

    SegmentFile(StreamingFolder folder, WalSegmentName segment, Lsn start, long size, FileChannel channel,
            long earlierContentEnd) {
        this.folder = folder;
        this.segment = segment;
        this.start = start;
        this.size = size;
        this.channel = channel;
        this.earlierContentEnd = earlierContentEnd;
    }

    /** @return the complete segment this file becomes */
    WalSegmentName segment() {
        return segment;
    }

    /** @return the {@code .partial} name of the file */
    WalSegmentName partialName() {
        return new WalSegmentName(WalSegmentName.Kind.PARTIAL, segment.timeline(), segment.log(), segment.segment(),
                0);
    }

    /** @return the position of the segment's first byte */
    Lsn start() {
        return start;
    }

    /** @return the position right after the segment */
    Lsn end() {
        return start.plus(size);
    }

    /** @return the end of what an earlier run had written into this file (0 for a new file) */
    long earlierContentEnd() {
        return earlierContentEnd;
    }

    /**
     * Writes WAL the server sent.
     *
     * @param offset where in the segment
     * @param data the bytes; consumed
     * @throws FolderFailure when the file cannot be written
     * @throws BarmanException when the bytes differ from what an earlier run wrote there
     */
    void write(long offset, ByteBuffer data) {
        if (offset < 0 || offset + data.remaining() > size) {
            throw new IllegalArgumentException("write of " + data.remaining() + " bytes at " + offset
                    + " outside the segment " + segment);
        }
        try {
            if (offset < earlierContentEnd) {
                checkSameAsBefore(offset, data.duplicate());
            }
            long position = offset;
            while (data.hasRemaining()) {
                position += channel.write(data, position);
            }
            dirty = true;
        } catch (IOException e) {
            throw folder.failure("write", partialName(), e);
        }
    }

    /**
     * Makes what was written durable ({@code fdatasync}: the file has its full size from the start, so only data
     * is written).
     *
     * @throws FolderFailure when the disk refuses
     */
    void sync() {
        if (!dirty) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            throw folder.failure("fsync", partialName(), e);
        }
    }

    private void checkSameAsBefore(long offset, ByteBuffer incoming) throws IOException {
        int length = (int) Math.min(incoming.remaining(), earlierContentEnd - offset);
        ByteBuffer before = ByteBuffer.allocate(length);
        while (before.hasRemaining()) {
            if (channel.read(before, offset + before.position()) < 0) {
                break;
            }
        }
        before.flip();
        for (int i = 0; i < before.limit(); i++) {
            byte was = before.get(i);
            if (was != 0 && was != incoming.get(incoming.position() + i)) {
                Lsn where = start.plus(offset + i);
                throw new BarmanException(partialName() + " in " + folder.directory() + " does not hold the WAL the "
                        + "server sends: they differ at " + where + " (offset " + (offset + i) + "). The server's "
                        + "WAL is not the WAL an earlier receive-wal wrote there (a server restored from a backup on "
                        + "the same timeline, or another cluster?). Check streaming_conninfo; to keep the file, move "
                        + "it away, then run 'barman receive-wal --reset " + folder.server() + "' to start again at "
                        + "the server's position");
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw folder.failure("close", partialName(), e);
        }
    }

    Path path() {
        return folder.resolve(partialName());
    }
}
