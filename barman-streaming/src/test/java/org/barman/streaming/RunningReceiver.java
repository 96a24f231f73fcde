package org.barman.streaming;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.barman.api.ReplicationConnector;
import org.barman.api.WalReceiverJob;
import org.barman.testkit.PostgresCluster;

/** A {@link StreamingWalReceiver} running on a thread of the test, with a listener that records what it hears. */
final class RunningReceiver implements AutoCloseable {

    static final String APPLICATION_NAME = "barman_receive_wal";
    static final Duration TEST_STATUS_INTERVAL = Duration.ofSeconds(1);

    final RecordingListener listener = new RecordingListener();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean finished;

    private RunningReceiver(ReplicationConnector connector, Path folder, String slot, boolean reset) {
        WalReceiverJob job = job(connector, folder, slot, reset, stop::get);
        thread = new Thread(() -> {
            try {
                new StreamingWalReceiver().receive(job, listener);
            } catch (Throwable e) {
                failure = e;
            } finally {
                finished = true;
                synchronized (listener) {
                    listener.notifyAll();
                }
            }
        }, "receiver-" + job.server());
        thread.setDaemon(true);
    }

    /**
     * @param url gives the JDBC URL at each connection (a test may point it elsewhere, as a DBA moves a VIP)
     * @return a connector as barman-cli builds one from streaming_conninfo
     */
    static ReplicationConnector connector(Supplier<String> url) {
        Properties properties = new Properties();
        properties.setProperty("replication", "true");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        return () -> DriverManager.getConnection(url.get(), properties);
    }

    static RunningReceiver start(PostgresCluster pg, Path folder, String slot) {
        return start(connector(pg::jdbcUrl), folder, slot, false);
    }

    static RunningReceiver start(ReplicationConnector connector, Path folder, String slot, boolean reset) {
        RunningReceiver receiver = new RunningReceiver(connector, folder, slot, reset);
        receiver.thread.start();
        return receiver;
    }

    static WalReceiverJob job(ReplicationConnector connector, Path folder, String slot, boolean reset,
            java.util.function.BooleanSupplier stop) {
        return new WalReceiverJob("main", connector, folder, slot, reset, TEST_STATUS_INTERVAL, stop);
    }

    boolean finished() {
        return finished;
    }

    /** Asks the receiver to stop, waits for it and rethrows what it failed with. */
    void stop() {
        stop.set(true);
        join(Duration.ofSeconds(30));
        if (failure != null) {
            throw new AssertionError("the receiver failed: " + failure, failure);
        }
    }

    /**
     * @param timeout how long to wait
     * @return what the receiver failed with
     */
    Throwable awaitFailure(Duration timeout) {
        join(timeout);
        if (failure == null) {
            throw new AssertionError("the receiver ended without an error; events: " + listener.events());
        }
        return failure;
    }

    private void join(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("the receiver did not end within " + timeout + "; events: " + listener.events());
        }
    }

    @Override
    public void close() {
        stop.set(true);
        join(Duration.ofSeconds(30));
    }
}
