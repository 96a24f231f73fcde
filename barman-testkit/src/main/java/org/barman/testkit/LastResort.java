package org.barman.testkit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JVM shutdown hook that stops what a crashed or killed test run left behind, so that no postgres or
 * sshd process outlives the build. Normal runs never need it: {@code close()} unregisters.
 */
final class LastResort {

    private static final Set<Runnable> PENDING = new LinkedHashSet<>();
    private static boolean hookInstalled;

    private LastResort() {
    }

    static synchronized void register(Runnable emergencyStop) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(LastResort::runAll, "barman-testkit-cleanup"));
            hookInstalled = true;
        }
        PENDING.add(emergencyStop);
    }

    static synchronized void unregister(Runnable emergencyStop) {
        PENDING.remove(emergencyStop);
    }

    private static void runAll() {
        List<Runnable> actions;
        synchronized (LastResort.class) {
            actions = List.copyOf(PENDING);
            PENDING.clear();
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("barman-testkit: cleanup at JVM exit failed: " + e.getMessage());
            }
        }
    }
}
