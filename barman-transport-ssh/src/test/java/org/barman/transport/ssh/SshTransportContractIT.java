package org.barman.transport.ssh;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * The transport contract for {@code transport = ssh}, against a real OpenSSH sshd on loopback, logged in as
 * {@code postgres} (the remote side's files are handed to that user before every copy, as PGDATA belongs to it).
 */
class SshTransportContractIT extends RemoteTransportContract {

    private static SshServer sshd;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        sshd.close();
    }

    @Override
    protected TransportProvider provider() {
        return new SshTransportProvider();
    }

    @Override
    protected PluginOptions options() {
        return PluginOptions.of(Map.of("ssh_command", sshd.sshCommand("postgres")));
    }

    @Override
    protected void handOverToRemote(Path remoteSide) {
        PostgresCluster.grantToClusterUser(remoteSide);
    }

    /** Each connection is a key exchange and a login in Java: a few hundred ms on a busy 2-core machine. */
    @Override
    protected Duration startupAllowance() {
        return Duration.ofMillis(1500);
    }

    /**
     * A remote tar reads its whole group into the SSH window (2 MiB) and the stream's buffer before the first bytes
     * reach the progress listener: files deleted at the first byte are already read. Files deleted after the listing
     * are missing from tar's stream, which is the vanishing this transport meets.
     */
    @Override
    protected boolean readsAheadOfProgress() {
        return true;
    }

    @Override
    protected Transport refusedConnection() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String command = sshd.sshCommand("postgres").replace("-p " + sshd.port() + " ", "-p " + port + " ");
        return provider().create(PluginOptions.of(Map.of("ssh_command", command)));
    }

    @Override
    protected Transport hostKeyMismatch() {
        try {
            Path folder = Files.createDirectories(workspace.resolve("other-host"));
            Path key = folder.resolve("key");
            Process keygen = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    key.toString())).inheritIO().redirectInput(new File("/dev/null")).start();
            if (keygen.waitFor() != 0) {
                throw new IllegalStateException("ssh-keygen failed");
            }
            String[] publicKey = Files.readString(folder.resolve("key.pub")).trim().split("\\s+");
            Path knownHosts = folder.resolve("known_hosts");
            Files.writeString(knownHosts, "[" + sshd.host() + "]:" + sshd.port() + " " + publicKey[0] + " "
                    + publicKey[1] + "\n");
            String command = sshd.sshCommand("postgres").replace("UserKnownHostsFile=" + sshd.knownHosts(),
                    "UserKnownHostsFile=" + knownHosts);
            return provider().create(PluginOptions.of(Map.of("ssh_command", command)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
