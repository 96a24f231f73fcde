package org.barman.transport.rsync;

import java.util.ArrayList;
import java.util.List;

import org.barman.api.CopyListener;

/**
 * A {@link CopyListener} that holds back the progress of a copy until the copy's total is known, then announces the
 * total and replays what it held, in order, so that the listener hears {@code planned} first as the API promises.
 *
 * <p>It lets a one-job copy start at once while its listing (the total, over another ssh connection) runs beside
 * it, instead of paying for the listing before the copy. Thread-safe.
 */
final class DeferredListener implements CopyListener {

    private final CopyListener listener;
    private List<Runnable> held = new ArrayList<>();

    /** @param listener hears everything, {@code planned} first */
    DeferredListener(CopyListener listener) {
        this.listener = listener;
    }

    /**
     * Announces the total and replays the events held so far; later events pass straight through.
     *
     * @param files the number of files
     * @param bytes their size
     */
    synchronized void release(long files, long bytes) {
        if (held == null) {
            return;
        }
        listener.planned(files, bytes);
        release();
    }

    /** Replays the events held so far without a total (the listing failed); later events pass straight through. */
    synchronized void release() {
        if (held == null) {
            return;
        }
        List<Runnable> replay = held;
        held = null;
        replay.forEach(Runnable::run);
    }

    @Override
    public synchronized void transferred(long bytes) {
        dispatch(() -> listener.transferred(bytes));
    }

    @Override
    public synchronized void fileDone(String relativePath) {
        dispatch(() -> listener.fileDone(relativePath));
    }

    private void dispatch(Runnable event) {
        if (held != null) {
            held.add(event);
        } else {
            event.run();
        }
    }
}
