package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("ssh")
class SshServerIT {

    private static SshServer sshd;

    @TempDir
    Path tmp;

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

    @Test
    void logs_in_as_postgres_with_the_throw_away_key() {
        ProcessResult id = run(withRemoteCommand(sshd.sshArguments("postgres"), "id", "-un"));
        assertThat(id.succeeded()).as(id.output()).isTrue();
        assertThat(id.stdout().trim()).isEqualTo("postgres");
    }

    @Test
    void logs_in_as_the_jvm_user() {
        String me = System.getProperty("user.name");
        ProcessResult id = run(withRemoteCommand(sshd.sshArguments(me), "id", "-un"));
        assertThat(id.succeeded()).as(id.output()).isTrue();
        assertThat(id.stdout().trim()).isEqualTo(me);
    }

    @Test
    void the_command_line_is_the_argument_list_joined() {
        assertThat(sshd.sshCommand("postgres")).isEqualTo(String.join(" ", sshd.sshArguments("postgres")));
        assertThat(sshd.sshCommand("postgres"))
                .startsWith("ssh ")
                .contains("-p " + sshd.port())
                .contains("-i " + sshd.privateKey())
                .contains("UserKnownHostsFile=" + sshd.knownHosts())
                .contains("StrictHostKeyChecking=yes")
                .contains("BatchMode=yes")
                .endsWith("postgres@127.0.0.1");
    }

    @Test
    void refuses_a_server_whose_host_key_is_not_the_known_one() throws Exception {
        Path otherKey = tmp.resolve("other_host_key");
        Processes.check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString()),
                null, null, Duration.ofSeconds(30));
        String[] fields = Files.readString(tmp.resolve("other_host_key.pub")).trim().split("\\s+");
        Path wrongKnownHosts = tmp.resolve("known_hosts");
        Files.writeString(wrongKnownHosts, "[127.0.0.1]:" + sshd.port() + " " + fields[0] + " " + fields[1] + "\n",
                StandardCharsets.US_ASCII);

        List<String> command = replaceOption(sshd.sshArguments("postgres"), "UserKnownHostsFile=", wrongKnownHosts);
        ProcessResult refused = run(withRemoteCommand(command, "id", "-un"));

        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.stdout()).doesNotContain("postgres");
        assertThat(refused.stderr()).contains("Host key verification failed");
    }

    @Test
    void refuses_a_server_missing_from_known_hosts() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty_known_hosts"));
        List<String> command = replaceOption(sshd.sshArguments("postgres"), "UserKnownHostsFile=", empty);
        ProcessResult refused = run(withRemoteCommand(command, "true"));
        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Host key verification failed");
    }

    @Test
    void refuses_users_that_are_not_allowed() {
        ProcessResult refused = run(withRemoteCommand(sshd.sshArguments("nobody"), "true"));
        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Permission denied");
    }

    @Test
    void publishes_the_fingerprint_ssh_keygen_computes() {
        ProcessResult listed = Processes.check(List.of("ssh-keygen", "-l", "-f", sshd.knownHosts().toString()),
                null, null, Duration.ofSeconds(30));
        assertThat(sshd.hostKeyFingerprint()).startsWith("SHA256:");
        assertThat(listed.stdout()).contains(sshd.hostKeyFingerprint()).contains("[127.0.0.1]:" + sshd.port());
    }

    @Test
    void hands_another_local_user_a_key_it_can_use() {
        String command = sshd.sshCommandForLocalUser("postgres", "postgres") + " id -un";
        ProcessResult asPostgres = Processes.run(
                ClusterUser.command(List.of("sh", "-c", command)), tmp, ClusterUser.environment(), Duration.ofMinutes(1));
        assertThat(asPostgres.succeeded()).as(asPostgres.output()).isTrue();
        assertThat(asPostgres.stdout().trim()).isEqualTo("postgres");
    }

    @Test
    void serves_sftp() throws Exception {
        Path batch = tmp.resolve("batch");
        Files.writeString(batch, "pwd\n");
        ProcessResult sftp = run(List.of("sftp", "-F", "none", "-P", Integer.toString(sshd.port()),
                "-i", sshd.privateKey().toString(),
                "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + sshd.knownHosts(),
                "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes",
                "-b", batch.toString(),
                "postgres@127.0.0.1"));
        assertThat(sftp.succeeded()).as(sftp.output()).isTrue();
        assertThat(sftp.stdout()).contains("Remote working directory: " + ClusterUser.homeOf("postgres"));
    }

    @Test
    void close_stops_sshd_and_removes_its_keys() throws Exception {
        SshServer second = SshServer.start();
        int port = second.port();
        Path key = second.privateKey();
        ProcessResult ok = run(withRemoteCommand(second.sshArguments("postgres"), "true"));
        assertThat(ok.succeeded()).as(ok.output()).isTrue();
        assertThat(port).isNotEqualTo(sshd.port());

        second.close();

        assertThat(key).doesNotExist();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void a_fake_command_runs_instead_of_the_real_one_until_it_is_removed() {
        try (SshServer faking = SshServer.startWithFakeCommands()) {
            faking.fakeCommand("find", "#!/bin/sh\necho fake find \"$@\"\n");
            ProcessResult faked = run(withRemoteCommand(faking.sshArguments("postgres"), "find", "/proc/self", "-maxdepth",
                    "0"));
            faking.removeFakeCommand("find");
            ProcessResult real = run(withRemoteCommand(faking.sshArguments("postgres"), "find", "/proc/self",
                    "-maxdepth", "0"));

            assertThat(faked.succeeded()).as(faked.output()).isTrue();
            assertThat(faked.stdout().trim()).isEqualTo("fake find /proc/self -maxdepth 0");
            assertThat(real.succeeded()).as(real.output()).isTrue();
            assertThat(real.stdout().trim()).isEqualTo("/proc/self");
        }
        assertThatThrownBy(sshd::fakeCommands).isInstanceOf(IllegalStateException.class);
    }

    private static List<String> withRemoteCommand(List<String> ssh, String... remote) {
        List<String> command = new ArrayList<>(ssh);
        command.addAll(Arrays.asList(remote));
        return command;
    }

    private static List<String> replaceOption(List<String> ssh, String prefix, Path value) {
        List<String> command = new ArrayList<>(ssh);
        command.replaceAll(argument -> argument.startsWith(prefix) ? prefix + value : argument);
        return command;
    }

    private static ProcessResult run(List<String> command) {
        try {
            return Processes.run(command, null, null, Duration.ofMinutes(1));
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not run " + command, e);
        }
    }
}
