package org.barman.transport.rsync;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;
import org.barman.api.support.SourceChanges;
import org.barman.api.support.TreePaths;

/**
 * Turns rsync's item lines of one copy, from any number of rsync processes, into the {@link CopyListener}'s events
 * and the {@link CopyResult}: each regular file counts once, the first time a line names it (a later pass of the
 * same copy that names it again changes nothing), with its length as rsync saw it.
 *
 * <p>A file counts as reused when rsync took it from the previous backup with every attribute unchanged: hard-linked
 * ({@code hf}) with {@code reuse_backup = link}, copied locally ({@code cf}) with {@code copy}.
 *
 * <p>Every item's name is checked ({@link TreePaths}): rsync's output naming something outside the copied folder
 * fails the copy ({@link #requireSafe()}). For a copy whose source must not change (a push), {@link
 * #requireAsListed} compares the items with the listing made before. Thread-safe.
 */
final class CopyProgress {

    private final CopyListener listener;
    private final ReuseMode reuseMode;
    private final String source;
    private final Map<ByteBuffer, ItemizedLine> items = new ConcurrentHashMap<>();
    private final AtomicReference<BarmanException> unsafe = new AtomicReference<>();
    private final LongAdder files = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reusedFiles = new LongAdder();
    private final LongAdder linkedBytes = new LongAdder();

    /**
     * @param listener hears each file once
     * @param reuseMode the copy's reuse mode (OFF for a push)
     * @param source what prints the items, for messages, such as {@code rsync's output for postgres@pg:/pgdata}
     */
    CopyProgress(CopyListener listener, ReuseMode reuseMode, String source) {
        this.listener = listener;
        this.reuseMode = reuseMode;
        this.source = source;
    }

    /**
     * Reads one line of rsync's standard output; lines that are not file items are ignored.
     *
     * @param line the line's bytes
     */
    void accept(byte[] line) {
        ItemizedLine item = ItemizedLine.parse(line);
        if (item == null) {
            return;
        }
        String path = item.path();
        if (!path.isEmpty()) {
            try {
                TreePaths.requireSafe(path, source);
            } catch (BarmanException e) {
                unsafe.compareAndSet(null, e);
                return;
            }
        }
        if (item.isDeletion() || items.putIfAbsent(key(item.name()), item) != null || !item.isFile()) {
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

    private static ByteBuffer key(byte[] name) {
        int length = name.length > 1 && name[name.length - 1] == '/' ? name.length - 1 : name.length;
        return ByteBuffer.wrap(name, 0, length).slice();
    }

    /** @throws BarmanException when an item read so far named something outside the copied folder, naming it */
    void requireSafe() {
        BarmanException first = unsafe.get();
        if (first != null) {
            throw new BarmanException(first.getMessage(), first);
        }
    }

    /**
     * Checks that the copy met every file of a listing made before it, as it was listed: a regular file of the same
     * size.
     *
     * @param listing the source's listing
     * @param changes what a difference does
     * @param sourceRoot the source folder, to name a file in a message
     * @throws BarmanException when changes are fatal and a file vanished, changed size or became something else,
     *     naming it
     */
    void requireAsListed(RsyncListing listing, SourceChanges changes, String sourceRoot) {
        if (changes == SourceChanges.TOLERATED) {
            return;
        }
        for (RsyncListing.Entry file : listing.files()) {
            ItemizedLine item = items.get(key(file.name()));
            String name = sourceRoot + "/" + file.text();
            if (item == null) {
                changes.vanished(name);
            } else if (!item.isFile()) {
                changes.changedKind(name, "a file", item.kind());
            } else if (item.length() != file.size()) {
                changes.resized(name, file.size(), item.length());
            }
        }
    }

    /** @return what the copy did so far */
    CopyResult result() {
        return new CopyResult(files.sum(), bytes.sum(), reusedFiles.sum(), linkedBytes.sum());
    }
}
