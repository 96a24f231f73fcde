package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingWalReceiverTest {

    @TempDir
    Path work;

    @Test
    void aRefusedConnectionIsRetriedWithAGrowingWaitUntilAStopIsRequested() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=postgres&connectTimeout=5";
        try (RunningReceiver receiver = RunningReceiver.start(RunningReceiver.connector(() -> url),
                work.resolve("streaming"), null, false)) {
            receiver.listener.await(() -> receiver.listener.disconnects().size() >= 2, "two refused connections",
                    Duration.ofMinutes(1));
            receiver.stop();
            assertThat(receiver.listener.events()).startsWith(
                    "disconnected: " + receiver.listener.disconnects().get(0) + ", retry in PT1S",
                    "disconnected: " + receiver.listener.disconnects().get(1) + ", retry in PT2S");
            assertThat(receiver.listener.disconnects().get(0)).contains("Connection to 127.0.0.1:")
                    .contains("refused").doesNotContain("\n");
        }
    }
}
