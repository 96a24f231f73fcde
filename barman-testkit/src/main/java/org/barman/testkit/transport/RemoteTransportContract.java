package org.barman.testkit.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.Transport;
import org.barman.testkit.FailingFileSystem;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Transport} that reaches another host (rsync over ssh, ssh): everything of
 * {@link TransportContract}, plus what happens when the connection cannot be made or the host is not the one it
 * claims to be, or when the remote disk refuses what a push wrote. The local transport has no connection, so it
 * extends {@link TransportContract} only.
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

    /**
     * A push (a recovery to another host) ends with what it wrote on the remote disk. When that disk refuses the
     * data, the push fails, naming the destination: falling back to a plain {@code sync}, which reports nothing,
     * once made a recovery onto a failing disk a success. The disk is a {@link FailingFileSystem}, whose data
     * writes fail once its backing tmpfs is full.
     *
     * @throws IOException when the test's files cannot be written
     */
    @Test
    void aPushOntoADiskThatFailsWritesFails() throws IOException {
        Path backup = Files.createDirectories(localSide().resolve("backup/data"));
        byte[] content = new byte[16 * 1024 * 1024];
        new Random(1).nextBytes(content);
        Files.write(backup.resolve("16384"), content);
        try (FailingFileSystem disk = FailingFileSystem.mount(workspace)) {
            System.out.println(getClass().getSimpleName() + " pushes onto " + disk.description());
            Path recovered = Files.createDirectory(disk.root().resolve("recovered"));
            handOverToRemote(recovered);
            disk.limitRoom(4L * 1024 * 1024);
            String destination = remotePath(recovered.resolve("pgdata"));
            try (Transport transport = transport(Map.of())) {
                BarmanException error = assertThrows(BarmanException.class, () -> transport.push(CopyJob.of(
                        destination, backup), CopyListener.NONE), "a push onto " + disk.description());
                assertTrue(error.getMessage().contains(destination), "the error should name " + destination + ": "
                        + error.getMessage());
            }
        }
    }
}
