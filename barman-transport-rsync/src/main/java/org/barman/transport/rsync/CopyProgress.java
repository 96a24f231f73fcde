package org.barman.transport.rsync;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;

/**
 * Turns rsync's item lines of one copy, from any number of rsync processes, into the {@link CopyListener}'s events
 * and the {@link CopyResult}: each regular file counts once, the first time a line names it (a later pass of the
 * same copy that names it again changes nothing), with its length as rsync saw it.
 *
 * <p>A file counts as reused when rsync took it from the previous backup with every attribute unchanged: hard-linked
 * ({@code hf}) with {@code reuse_backup = link}, copied locally ({@code cf}) with {@code copy}. Thread-safe.
 */
final class CopyProgress {

    private final CopyListener listener;
    private final ReuseMode reuseMode;
    private final Set<ByteBuffer> seen = ConcurrentHashMap.newKeySet();
    private final LongAdder files = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reusedFiles = new LongAdder();
    private final LongAdder linkedBytes = new LongAdder();

    /**
     * @param listener hears each file once
     * @param reuseMode the copy's reuse mode (OFF for a push)
     */
    CopyProgress(CopyListener listener, ReuseMode reuseMode) {
        this.listener = listener;
        this.reuseMode = reuseMode;
    }

    /**
     * Reads one line of rsync's standard output; lines that are not file items are ignored.
     *
     * @param line the line's bytes
     */
    void accept(byte[] line) {
        ItemizedLine item = ItemizedLine.parse(line);
        if (item == null || !item.isFile() || !seen.add(ByteBuffer.wrap(item.name()))) {
            return;
        }
        files.increment();
        bytes.add(item.length());
        if (reuseMode == ReuseMode.LINK && item.hardLinked()) {
            reusedFiles.increment();
            linkedBytes.add(item.length());
        } else if (reuseMode == ReuseMode.COPY && item.copiedLocally()) {
            reusedFiles.increment();
        }
        if (item.length() > 0) {
            listener.transferred(item.length());
        }
        listener.fileDone(item.text());
    }

    /** @return what the copy did so far */
    CopyResult result() {
        return new CopyResult(files.sum(), bytes.sum(), reusedFiles.sum(), linkedBytes.sum());
    }
}
