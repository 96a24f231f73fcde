package org.barman.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

import org.barman.api.CopyListener;

/**
 * A one-line progress bar on the terminal for long copies (backup, recovery): percentage, bytes, files and rate,
 * redrawn at most five times a second. Used only when standard error is a terminal and {@code -q} is not given.
 */
final class ProgressBar implements CopyListener {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final AtomicLong plannedBytes = new AtomicLong();
    private final AtomicLong plannedFiles = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile long lastDraw;
    private volatile boolean drawn;

    private ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    /**
     * @param quiet {@code -q}
     * @param label what is copied, shown before the bar
     * @return a progress bar on standard error, or a listener that shows nothing when standard error is not a
     *     terminal or {@code -q} was given
     */
    static CopyListener forTerminal(boolean quiet, String label) {
        if (quiet || System.console() == null) {
            return CopyListener.NONE;
        }
        return new ProgressBar(System.err, label);
    }

    @Override
    public void planned(long fileCount, long byteCount) {
        plannedFiles.addAndGet(fileCount);
        plannedBytes.addAndGet(byteCount);
        draw(true);
    }

    @Override
    public void transferred(long count) {
        bytes.addAndGet(count);
        draw(false);
    }

    @Override
    public void fileDone(String relativePath) {
        files.incrementAndGet();
        draw(false);
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        synchronized (this) {
            out.print("\r" + line(now));
            out.flush();
            drawn = true;
        }
    }

    String line(long now) {
        long total = Math.max(plannedBytes.get(), 1);
        long done = Math.min(bytes.get(), total);
        int percent = (int) (100 * done / total);
        int filled = WIDTH * percent / 100;
        double seconds = Math.max((now - startNanos) / 1e9, 0.001);
        return String.format("%s %3d%% [%s%s] %s/%s, %d/%d files, %s/s ", label, percent, "=".repeat(filled),
                " ".repeat(WIDTH - filled), Formats.prettySize(done), Formats.prettySize(plannedBytes.get()),
                files.get(), plannedFiles.get(), Formats.prettySize((long) (bytes.get() / seconds)));
    }

    /** Ends the line so that what follows starts on a new one. */
    void finish() {
        if (drawn) {
            synchronized (this) {
                out.print("\r" + line(System.nanoTime()) + "\n");
                out.flush();
            }
        }
    }

    /**
     * @param listener a listener from {@link #forTerminal}
     */
    static void finish(CopyListener listener) {
        if (listener instanceof ProgressBar bar) {
            bar.finish();
        }
    }
}
