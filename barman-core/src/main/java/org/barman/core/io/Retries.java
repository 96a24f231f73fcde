package org.barman.core.io;

import java.time.Duration;
import java.util.function.Supplier;

import org.barman.api.BarmanException;

/**
 * The retries of {@code basebackup_retry_times} and {@code basebackup_retry_sleep}: an attempt that fails with a
 * {@link BarmanException} is made again after a pause, up to the given number of times.
 */
public final class Retries {

    /** Hears a failed attempt that will be made again. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param failure why the attempt failed
         * @param nextAttempt the number of the next attempt (2 for the first retry)
         * @param attempts how many attempts there are in all
         */
        void retrying(BarmanException failure, int nextAttempt, int attempts);
    }

    private Retries() {
    }

    /**
     * @param retries how many times a failed attempt is made again (0: once in all)
     * @param sleep the pause before each retry
     * @param attempt the work
     * @param listener hears each failure that is retried
     * @param <T> the result
     * @return the result of the first attempt that succeeds
     * @throws BarmanException the last failure when every attempt failed
     */
    public static <T> T run(int retries, Duration sleep, Supplier<T> attempt, Listener listener) {
        for (int done = 0;; done++) {
            try {
                return attempt.get();
            } catch (BarmanException e) {
                if (done >= retries) {
                    throw e;
                }
                listener.retrying(e, done + 2, retries + 1);
                try {
                    Thread.sleep(sleep.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
