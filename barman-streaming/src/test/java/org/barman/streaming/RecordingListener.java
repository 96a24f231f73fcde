package org.barman.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.barman.api.Lsn;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalSegmentName;

/** Records what a receiver tells its listener, for tests to wait on and check. */
final class RecordingListener implements WalReceiverListener {

    private final List<String> events = new ArrayList<>();
    private final List<WalSegmentName> completed = new ArrayList<>();
    private final List<String> disconnects = new ArrayList<>();
    private final List<Lsn> flushReports = new ArrayList<>();
    private Lsn flushed = Lsn.ZERO;
    private long streamingTimeline;

    @Override
    public synchronized void streaming(long timeline, Lsn start) {
        streamingTimeline = timeline;
        events.add("streaming " + timeline + " " + start);
        notifyAll();
    }

    @Override
    public synchronized void flushed(Lsn position) {
        if (position.compareTo(flushed) < 0) {
            events.add("flushed went back from " + flushed + " to " + position);
        }
        flushed = position;
        flushReports.add(position);
        notifyAll();
    }

    @Override
    public synchronized void segmentCompleted(WalSegmentName segment) {
        completed.add(segment);
        notifyAll();
    }

    @Override
    public synchronized void disconnected(String reason, Duration retryIn) {
        disconnects.add(reason);
        events.add("disconnected: " + reason + ", retry in " + retryIn);
        notifyAll();
    }

    /** @return every position reported as flushed, in order */
    synchronized List<Lsn> flushReports() {
        return List.copyOf(flushReports);
    }

    synchronized Lsn flushed() {
        return flushed;
    }

    synchronized long streamingTimeline() {
        return streamingTimeline;
    }

    synchronized List<WalSegmentName> completed() {
        return List.copyOf(completed);
    }

    synchronized List<String> disconnects() {
        return List.copyOf(disconnects);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    /**
     * @param condition what to wait for, checked under the listener's lock
     * @param what for the failure message
     * @param timeout how long at most
     */
    synchronized void await(java.util.function.BooleanSupplier condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting until " + what + "; events: " + events
                        + ", flushed " + flushed + ", completed " + completed);
            }
            try {
                wait(Math.max(1, Math.min(200, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    void awaitFlushed(Lsn position, Duration timeout) {
        await(() -> flushed.compareTo(position) >= 0, "flushed reaches " + position, timeout);
    }
}
