package org.barman.streaming;

import java.nio.file.Path;
import java.time.Duration;

import org.barman.api.Lsn;
import org.barman.api.WalReceiverListener;

/**
 * A receiver in a JVM of its own, for tests that kill it: {@code ReceiverProcess <jdbc url> <folder>} streams until
 * killed, printing {@code flushed <position>} after each flush report.
 */
public final class ReceiverProcess {

    private ReceiverProcess() {
    }

    /**
     * @param args the JDBC URL and the folder
     */
    public static void main(String[] args) {
        String url = args[0];
        Path folder = Path.of(args[1]);
        WalReceiverListener printer = new WalReceiverListener() {
            @Override
            public void flushed(Lsn position) {
                System.out.println("flushed " + position);
                System.out.flush();
            }

            @Override
            public void disconnected(String reason, Duration retryIn) {
                System.out.println("disconnected " + reason);
                System.out.flush();
            }
        };
        new StreamingWalReceiver().receive(RunningReceiver.job(RunningReceiver.connector(() -> url), folder, null,
                false, () -> false), printer);
    }
}
