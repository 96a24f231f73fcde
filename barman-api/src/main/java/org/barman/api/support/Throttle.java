package org.barman.api.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the average rate of a copy within {@code bandwidth_limit}: every thread reports the bytes it moved and
 * sleeps until the shared clock allows them (a token bucket that starts empty and never saves up unused time, so
 * a pause does not buy a burst).
 */
public final class Throttle {

    private static final long MIN_CHUNK = 16 * 1024;
    private static final long MAX_CHUNK = 1024 * 1024;

    private final long bytesPerSecond;
    private long nextFree = System.nanoTime();

    /**
     * @param kilobytesPerSecond the limit, in kilobytes of 1024 bytes per second (more than 0)
     * @throws IllegalArgumentException when it is 0 or less
     */
    public Throttle(long kilobytesPerSecond) {
        if (kilobytesPerSecond <= 0) {
            throw new IllegalArgumentException("a bandwidth limit must be more than 0: " + kilobytesPerSecond);
        }
        this.bytesPerSecond = Math.multiplyExact(kilobytesPerSecond, 1024L);
    }

    /** @return how many bytes to move between two calls to {@link #consumed(long)}: about a tenth of a second */
    public long chunk() {
        return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, bytesPerSecond / 10));
    }

    /**
     * Waits until the bytes just moved fit within the limit.
     *
     * @param bytes how many bytes were moved
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public void consumed(long bytes) throws InterruptedException {
        long wakeUp;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFree);
            nextFree = start + TimeUnit.SECONDS.toNanos(bytes) / bytesPerSecond;
            wakeUp = nextFree;
        }
        long remaining;
        while ((remaining = wakeUp - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while throttling a copy");
            }
        }
    }
}
