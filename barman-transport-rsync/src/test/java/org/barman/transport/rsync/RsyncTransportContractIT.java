package org.barman.transport.rsync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.api.TransportProvider;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.transport.RemoteTransportContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared transport contract, run against the rsync transport over a real OpenSSH sshd on loopback: the
 * "remote" side is this host reached through ssh as {@code postgres}, as Barman reaches a PostgreSQL host; the
 * suite's remote folder is handed to that user before every step.
 */
class RsyncTransportContractIT extends RemoteTransportContract {

    private static final String REMOTE_USER = "postgres";

    private static SshServer sshd;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Override
    protected TransportProvider provider() {
        return new RsyncTransportProvider();
    }

    @Override
    protected PluginOptions options() {
        return PluginOptions.of(Map.of("ssh_command", sshd.sshCommand(REMOTE_USER)));
    }

    /**
     * Every step of a copy opens an ssh connection: the listing, and with parallel jobs three more (the folders,
     * the groups, the last pass), each 0.1 s on a quiet machine and up to 0.5 s when other jobs load its 2 cores.
     */
    @Override
    protected Duration startupAllowance() {
        return Duration.ofMillis(2500);
    }

    @Override
    protected void handOverToRemote(Path remoteSide) {
        PostgresCluster.grantToClusterUser(remoteSide);
    }

    /** So that a command that should never run could run, were the connection made. */
    @BeforeEach
    void handOverTheEmptyRemoteSide() {
        handOverToRemote(remoteSide());
    }

    @Override
    protected Transport refusedConnection() {
        List<String> words = new ArrayList<>(sshd.sshArguments(REMOTE_USER));
        words.set(words.indexOf("-p") + 1, Integer.toString(closedPort()));
        return provider().create(PluginOptions.of(Map.of("ssh_command", String.join(" ", words))));
    }

    @Override
    protected Transport hostKeyMismatch() {
        Path otherKnownHosts = workspace.resolve("other_known_hosts");
        try {
            String known = Files.readString(sshd.knownHosts());
            String[] fields = known.trim().split("\\s+");
            String clientKey = Files.readString(Path.of(sshd.privateKey() + ".pub")).trim().split("\\s+")[1];
            Files.writeString(otherKnownHosts, fields[0] + " ssh-ed25519 " + clientKey + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String command = sshd.sshCommand(REMOTE_USER).replace(sshd.knownHosts().toString(), otherKnownHosts.toString());
        return provider().create(PluginOptions.of(Map.of("ssh_command", command)));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
