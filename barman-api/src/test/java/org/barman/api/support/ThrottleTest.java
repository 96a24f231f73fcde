package org.barman.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ThrottleTest {

    @Test
    void threadsSharingALimitTogetherTakeAtLeastTheTimeItAllows() throws Exception {
        Throttle throttle = new Throttle(2000);
        long chunk = throttle.chunk();
        assertThat(chunk).as("about a tenth of a second at 2000 KB/s").isEqualTo(2000 * 1024 / 10);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 4; i++) {
                        throttle.consumed(chunk);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(elapsedMillis).as("12 chunks of 0.1 s each at the limit").isGreaterThanOrEqualTo(1190);
    }

    @Test
    void smallLimitsUseSmallChunksAndLargeOnesAtMostAMebibyte() {
        assertThat(new Throttle(10).chunk()).isEqualTo(16 * 1024);
        assertThat(new Throttle(1_000_000).chunk()).isEqualTo(1024 * 1024);
    }
}
