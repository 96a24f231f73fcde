package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jcraft.jsch.Session;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection of {@code transport = ssh} against a real sshd: host keys unknown, changed, hashed, accepted with
 * accept-new or StrictHostKeyChecking=no; keys the server refuses or that need a passphrase; compression; one
 * connection per parallel job.
 */
class SshConnectionIT {

    /**
     * Programs started here never share the test JVM's standard input: OpenSSH makes its input non-blocking, and
     * the test runner reads its own commands from that input.
     */
    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));

    private static SshServer sshd;

    @TempDir
    Path folder;

    private Path marker;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.start();
    }

    @AfterAll
    static void stopSshd() {
        sshd.close();
    }

    @BeforeEach
    void markerFolder() throws IOException {
        Path shared = Files.createDirectories(folder.resolve("shared"));
        PostgresCluster.grantToClusterUser(shared);
        marker = shared.resolve("ran");
    }

    private static Transport transport(String sshCommand, Map<String, String> more) {
        Map<String, String> options = new HashMap<>(more);
        options.put("ssh_command", sshCommand);
        return new SshTransportProvider().create(PluginOptions.of(options));
    }

    private static String command(Path knownHosts, String strict) {
        return sshd.sshCommand("postgres").replace("UserKnownHostsFile=" + sshd.knownHosts(),
                "UserKnownHostsFile=" + knownHosts).replace("StrictHostKeyChecking=yes",
                        "StrictHostKeyChecking=" + strict);
    }

    private String[] otherKey(String name, String passphrase) throws IOException, InterruptedException {
        Path key = folder.resolve(name);
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f",
                key.toString()).inheritIO().redirectInput(NO_INPUT).start();
        assertThat(keygen.waitFor()).isZero();
        return Files.readString(folder.resolve(name + ".pub")).trim().split("\\s+");
    }

    private String knownName() {
        return "[" + sshd.host() + "]:" + sshd.port();
    }

    @Test
    void anUnknownHostKeyIsRefusedBeforeAnythingRunsAndTheMessageSaysHowToAcceptIt() throws IOException {
        Path knownHosts = Files.createFile(folder.resolve("known_hosts"));

        try (Transport transport = transport(command(knownHosts, "yes"), Map.of())) {
            assertThatThrownBy(() -> transport.run("touch " + marker)).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("host key of postgres@127.0.0.1 port " + sshd.port() + " is unknown")
                    .hasMessageContaining(sshd.hostKeyFingerprint())
                    .hasMessageContaining("ssh-keyscan -p " + sshd.port() + " -t ssh-ed25519 127.0.0.1 >> "
                            + knownHosts)
                    .hasMessageContaining(knownHosts.toString());
        }
        assertThat(marker).doesNotExist();
        assertThat(knownHosts).isEmptyFile();
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithStrictHostKeyCheckingNo() throws Exception {
        String[] other = otherKey("other", "");
        Path knownHosts = Files.writeString(folder.resolve("known_hosts"), knownName() + " " + other[0] + " "
                + other[1] + "\n");

        for (String strict : List.of("yes", "accept-new", "no")) {
            try (Transport transport = transport(command(knownHosts, strict), Map.of())) {
                assertThatThrownBy(() -> transport.run("touch " + marker)).as("StrictHostKeyChecking=" + strict)
                        .isInstanceOf(BarmanException.class)
                        .hasMessageContaining("has CHANGED")
                        .hasMessageContaining(sshd.hostKeyFingerprint())
                        .hasMessageContaining("ssh-keygen -R '" + knownName() + "' -f " + knownHosts);
            }
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void acceptNewRecordsTheKeyInAFormatOpenSshReads() throws Exception {
        Path knownHosts = Files.createFile(folder.resolve("known_hosts"));

        try (Transport transport = transport(command(knownHosts, "accept-new"), Map.of())) {
            assertThat(transport.run("true").exitCode()).isZero();
        }

        assertThat(Files.readString(knownHosts)).startsWith(knownName() + " ssh-ed25519 ");
        try (Transport transport = transport(command(knownHosts, "yes"), Map.of())) {
            assertThat(transport.run("true").exitCode()).as("the recorded key is now known").isZero();
        }
        List<String> ssh = new ArrayList<>(List.of(command(knownHosts, "yes").split(" ")));
        ssh.add("true");
        Process openssh = new ProcessBuilder(ssh).inheritIO().redirectInput(NO_INPUT).start();
        assertThat(openssh.waitFor()).as("OpenSSH accepts the file transport = ssh wrote").isZero();
    }

    @Test
    void strictHostKeyCheckingNoAcceptsAnUnknownKeyWithoutRecordingIt() throws IOException {
        Path knownHosts = Files.createFile(folder.resolve("known_hosts"));

        try (Transport transport = transport(command(knownHosts, "no"), Map.of())) {
            assertThat(transport.run("touch " + marker).exitCode()).isZero();
        }

        assertThat(marker).exists();
        assertThat(knownHosts).isEmptyFile();
    }

    @Test
    void hashedKnownHostsEntriesAreRecognised() throws Exception {
        Path knownHosts = folder.resolve("known_hosts");
        Files.copy(sshd.knownHosts(), knownHosts);
        Process hash = new ProcessBuilder("ssh-keygen", "-H", "-f", knownHosts.toString()).start();
        assertThat(hash.waitFor()).isZero();
        assertThat(Files.readString(knownHosts)).startsWith("|1|");

        try (Transport transport = transport(command(knownHosts, "yes"), Map.of())) {
            assertThat(transport.run("true").exitCode()).isZero();
        }
    }

    @Test
    void aKeyTheServerRefusesIsAClearError() throws Exception {
        otherKey("stranger", "");
        String command = sshd.sshCommand("postgres").replace(sshd.privateKey().toString(),
                folder.resolve("stranger").toString());

        try (Transport transport = transport(command, Map.of())) {
            assertThatThrownBy(() -> transport.run("true")).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("cannot log in to postgres@127.0.0.1 port " + sshd.port())
                    .hasMessageContaining("refused the key(s) " + folder.resolve("stranger"))
                    .hasMessageContaining("authorized_keys");
        }
    }

    @Test
    void aKeyWithAPassphraseIsNamed() throws Exception {
        otherKey("locked", "a secret");
        String command = sshd.sshCommand("postgres").replace(sshd.privateKey().toString(),
                folder.resolve("locked").toString());

        try (Transport transport = transport(command, Map.of())) {
            assertThatThrownBy(() -> transport.run("true")).isInstanceOf(BarmanException.class)
                    .hasMessageContaining(folder.resolve("locked").toString())
                    .hasMessageContaining("protected by a passphrase");
        }
    }

    @Test
    void aMissingConfigurationIsNamed() {
        assertThatThrownBy(() -> new SshTransportProvider().create(PluginOptions.of(Map.of())))
                .isInstanceOf(BarmanException.class).hasMessageContaining("needs ssh_command");
        assertThatThrownBy(() -> transport("ssh -o ProxyJump=bastion pg", Map.of()))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("ssh_command 'ssh -o ProxyJump=bastion pg' cannot be used by transport = ssh")
                .hasMessageContaining("-o ProxyJump");
        assertThatThrownBy(() -> transport("ssh pg", Map.of("parallel_jobs", "0")))
                .isInstanceOf(BarmanException.class).hasMessageContaining("parallel_jobs");
        assertThatThrownBy(() -> transport("ssh pg", Map.of("network_compression", "maybe")))
                .isInstanceOf(BarmanException.class).hasMessageContaining("network_compression");
    }

    @Test
    void networkCompressionIsNegotiatedWithTheServer() {
        try (SshTransport compressed = (SshTransport) transport(sshd.sshCommand("postgres"),
                Map.of("network_compression", "on"));
                SshTransport plain = (SshTransport) transport(sshd.sshCommand("postgres"), Map.of())) {
            CommandResult result = compressed.run("head -c 100000 /dev/zero");
            assertThat(result.stdout()).hasSize(100000);
            assertThat(compressed.sessions().primary().getCompressionAlgorithmS2C()).isEqualTo("zlib@openssh.com");
            assertThat(plain.sessions().primary().getCompressionAlgorithmS2C()).isEqualTo("none");
        }
    }

    @Test
    void parallelJobsOpenOneConnectionEachAndKeepThem() throws IOException {
        try (SshTransport transport = (SshTransport) transport(sshd.sshCommand("postgres"),
                Map.of("parallel_jobs", "3"))) {
            long before = accepted();
            List<Session> sessions = transport.sessions().open(3);
            assertThat(Set.copyOf(sessions)).hasSize(3);
            assertThat(sessions).allMatch(Session::isConnected);
            assertThat(transport.sessions().open(3)).as("kept for the next copy").isEqualTo(sessions);
            assertThat(transport.sessions().primary()).isSameAs(sessions.get(0));
            assertThat(acceptedSince(before, 3)).as("logins in sshd's log").isEqualTo(3);
        }
    }

    private static long accepted() throws IOException {
        return Files.readAllLines(sshd.log()).stream().filter(line -> line.contains("Accepted publickey")).count();
    }

    /**
     * sshd's session processes write their log lines on their own schedule, a moment after the client is logged in:
     * waits up to a few seconds for the expected count of logins since {@code before}.
     */
    private static long acceptedSince(long before, long expected) throws IOException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        long count = accepted() - before;
        while (count < expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            count = accepted() - before;
        }
        return count;
    }

    @Test
    void garbageInAKnownHostsFileIsNoKnownKey() throws IOException {
        Path knownHosts = Files.writeString(folder.resolve("known_hosts"), "garbage that is not a key\n");
        Files.setPosixFilePermissions(knownHosts, PosixFilePermissions.fromString("rw-------"));

        try (Transport transport = transport(command(knownHosts, "yes"), Map.of())) {
            assertThatThrownBy(() -> transport.run("true")).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("is unknown");
        }
    }
}
