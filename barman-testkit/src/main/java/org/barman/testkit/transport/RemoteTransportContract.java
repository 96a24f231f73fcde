package org.barman.testkit.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.Transport;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Transport} that reaches another host (rsync over ssh, ssh): everything of
 * {@link TransportContract}, plus what happens when the connection cannot be made or the host is not the one it
 * claims to be. The local transport has no connection, so it extends {@link TransportContract} only.
 */
public abstract class RemoteTransportContract extends TransportContract {

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern HOST_KEY = Pattern.compile("(?i)host.?key");

    /**
     * @return a transport configured like the one under test, but for a loopback port where nothing listens
     */
    protected abstract Transport refusedConnection();

    /**
     * @return a transport configured like the one under test, whose known host key for the server is not the
     *     server's
     */
    protected abstract Transport hostKeyMismatch();

    @Test
    void aRefusedConnectionIsAClearErrorForCommandsAndCopies() {
        Path destination = localSide().resolve("data");
        try (Transport transport = refusedConnection()) {
            BarmanException onRun = assertTimeoutPreemptively(CONNECTION_TIMEOUT,
                    () -> assertThrows(BarmanException.class, () -> transport.run("true")));
            BarmanException onPull = assertTimeoutPreemptively(CONNECTION_TIMEOUT,
                    () -> assertThrows(BarmanException.class,
                            () -> transport.pull(CopyJob.of(remotePath(remoteSide()), destination),
                                    CopyListener.NONE)));

            assertFalse(onRun.getMessage() == null || onRun.getMessage().isBlank(), "run() needs a message");
            assertFalse(onPull.getMessage() == null || onPull.getMessage().isBlank(), "pull() needs a message");
        }
    }

    @Test
    void aHostWithAnotherKeyIsRefusedBeforeAnythingRuns() {
        Path marker = remoteSide().resolve("should-not-exist");
        try (Transport transport = hostKeyMismatch()) {
            BarmanException error = assertTimeoutPreemptively(CONNECTION_TIMEOUT,
                    () -> assertThrows(BarmanException.class, () -> transport.run("touch '" + remotePath(marker)
                            + "'")));

            assertTrue(HOST_KEY.matcher(error.getMessage()).find(), "the message should say the host key is "
                    + "wrong: " + error.getMessage());
            assertFalse(Files.exists(marker), "the command ran on a host whose key does not match");
        }
    }
}
