package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSettingsTest {

    @TempDir
    Path home;

    private ConnectionSettings resolve(String commandLine) {
        return resolve(commandLine, false);
    }

    private ConnectionSettings resolve(String commandLine, boolean compression) {
        return ConnectionSettings.resolve(SshCommandLine.parse(commandLine), compression, home, "barman");
    }

    private Path key(String name) throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        return Files.writeString(home.resolve(".ssh").resolve(name), "a key\n");
    }

    @Test
    void sshsDefaults() throws IOException {
        Path rsa = key("id_rsa");
        Path ed25519 = key("id_ed25519");

        ConnectionSettings settings = resolve("ssh pg");

        assertThat(settings.user()).as("the local user, as for ssh").isEqualTo("barman");
        assertThat(settings.host()).isEqualTo("pg");
        assertThat(settings.port()).isEqualTo(22);
        assertThat(settings.identityFiles()).as("default keys that exist, in ssh's order")
                .containsExactly(ed25519, rsa);
        assertThat(settings.userKnownHosts()).containsExactly(home.resolve(".ssh/known_hosts"),
                home.resolve(".ssh/known_hosts2"));
        assertThat(settings.globalKnownHosts()).containsExactly(Path.of("/etc/ssh/ssh_known_hosts"),
                Path.of("/etc/ssh/ssh_known_hosts2"));
        assertThat(settings.hostKeyPolicy()).isEqualTo(HostKeyPolicy.REFUSE_UNKNOWN);
        assertThat(settings.connectTimeoutMillis()).isEqualTo(30_000);
        assertThat(settings.serverAliveIntervalMillis()).isEqualTo(60_000);
        assertThat(settings.compression()).isFalse();
        assertThat(settings.algorithms()).isEmpty();
        assertThat(settings.knownHostsName()).isEqualTo("pg");
        assertThat(settings.destination()).isEqualTo("barman@pg port 22");
    }

    @Test
    void theCommandLineSetsTheConnection() throws IOException {
        Path k = key("barman_key");

        ConnectionSettings settings = resolve("ssh -p 2222 -i " + k + " -o UserKnownHostsFile='~/kh /etc/kh2' "
                + "-o StrictHostKeyChecking=accept-new -o ConnectTimeout=5 -o ServerAliveInterval=0 "
                + "-o HostKeyAlias=pgalias postgres@10.0.0.5");

        assertThat(settings.user()).isEqualTo("postgres");
        assertThat(settings.port()).isEqualTo(2222);
        assertThat(settings.identityFiles()).containsExactly(k);
        assertThat(settings.userKnownHosts()).containsExactly(home.resolve("kh"), Path.of("/etc/kh2"));
        assertThat(settings.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(settings.connectTimeoutMillis()).isEqualTo(5000);
        assertThat(settings.serverAliveIntervalMillis()).isZero();
        assertThat(settings.knownHostsName()).isEqualTo("pgalias");
        assertThat(resolve("ssh -p 2222 -F none pg").knownHostsName()).isEqualTo("[pg]:2222");
    }

    @Test
    void hostKeyPolicies() {
        assertThat(resolve("ssh -o StrictHostKeyChecking=ask pg").hostKeyPolicy())
                .isEqualTo(HostKeyPolicy.REFUSE_UNKNOWN);
        assertThat(resolve("ssh -o StrictHostKeyChecking=no pg").hostKeyPolicy())
                .isEqualTo(HostKeyPolicy.ACCEPT_UNKNOWN);
        assertThat(resolve("ssh -o StrictHostKeyChecking=off pg").hostKeyPolicy())
                .isEqualTo(HostKeyPolicy.ACCEPT_UNKNOWN);
        assertThatThrownBy(() -> resolve("ssh -o StrictHostKeyChecking=maybe pg"))
                .hasMessageContaining("StrictHostKeyChecking is 'maybe'");
    }

    @Test
    void compressionComesFromNetworkCompressionOrSsh() {
        assertThat(resolve("ssh pg", true).compression()).isTrue();
        assertThat(resolve("ssh -C pg").compression()).isTrue();
        assertThat(resolve("ssh -o Compression=no pg").compression()).isFalse();
        assertThatThrownBy(() -> resolve("ssh -o Compression=perhaps pg")).hasMessageContaining("Compression");
    }

    @Test
    void aKeyGivenWithIMustExist() {
        assertThatThrownBy(() -> resolve("ssh -i /no/such/key pg")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/no/such/key").hasMessageContaining("does not exist");
    }

    @Test
    void theUsersSshConfigFillsWhatTheCommandLineLeavesOut() throws IOException {
        Path k = key("pg_key");
        Files.writeString(home.resolve(".ssh/config"), String.join("\n",
                "# Barman's PostgreSQL host",
                "Host pg pg-*",
                "    HostName %h.db.example",
                "    User postgres",
                "    Port 2022",
                "    IdentityFile %d/.ssh/pg_key",
                "    ForwardAgent yes",
                "Host other",
                "    Port 9999",
                "Host *",
                "    ServerAliveInterval 10",
                "    Port 1",
                ""));

        ConnectionSettings settings = resolve("ssh pg");
        assertThat(settings.host()).isEqualTo("pg.db.example");
        assertThat(settings.alias()).isEqualTo("pg");
        assertThat(settings.user()).isEqualTo("postgres");
        assertThat(settings.port()).as("the first value wins, as in ssh").isEqualTo(2022);
        assertThat(settings.identityFiles()).containsExactly(k);
        assertThat(settings.serverAliveIntervalMillis()).isEqualTo(10_000);

        ConnectionSettings overridden = resolve("ssh -p 3000 barman@pg");
        assertThat(overridden.port()).as("the command line wins").isEqualTo(3000);
        assertThat(overridden.user()).isEqualTo("barman");

        assertThat(resolve("ssh -F none pg").port()).as("-F none reads no file").isEqualTo(22);
        assertThat(resolve("ssh unrelated").port()).isEqualTo(1);
    }

    @Test
    void aProxyInTheConfigIsRefused() throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), "Host pg\n  ProxyJump bastion\nHost *\n  ProxyJump none\n");

        assertThatThrownBy(() -> resolve("ssh pg")).hasMessageContaining("ProxyJump for host pg")
                .hasMessageContaining("transport = rsync");
        assertThat(resolve("ssh other").host()).isEqualTo("other");
    }

    @Test
    void anExplicitConfigFileMustExist() {
        assertThatThrownBy(() -> resolve("ssh -F /no/such/config pg")).hasMessageContaining("/no/such/config");
    }

    @Test
    void algorithmListsFollowSshsSyntax() {
        String defaults = "a,b,c";
        assertThat(ConnectionSettings.algorithmList("x,y", defaults, "Ciphers")).isEqualTo("x,y");
        assertThat(ConnectionSettings.algorithmList("+x,a", defaults, "Ciphers")).isEqualTo("a,b,c,x");
        assertThat(ConnectionSettings.algorithmList("-b", defaults, "Ciphers")).isEqualTo("a,c");
        assertThat(ConnectionSettings.algorithmList("-aes*", "aes128-ctr,chacha,aes256-ctr", "Ciphers"))
                .isEqualTo("chacha");
        assertThat(ConnectionSettings.algorithmList("^c", defaults, "Ciphers")).isEqualTo("c,a,b");
        assertThatThrownBy(() -> ConnectionSettings.algorithmList("-a,b,c", defaults, "Ciphers"))
                .hasMessageContaining("leaves no algorithm");
        assertThat(resolve("ssh -c aes256-ctr pg").algorithms()).containsEntry("cipher.s2c", "aes256-ctr")
                .containsEntry("cipher.c2s", "aes256-ctr");
    }

    @Test
    void tokensInFileNames() {
        assertThat(ConnectionSettings.expandTokens("%d/.ssh/%r@%h-%u%%", "pg", "postgres", "barman", home))
                .isEqualTo(home + "/.ssh/postgres@pg-barman%");
        assertThatThrownBy(() -> ConnectionSettings.expandTokens("%C", "pg", null, "barman", home))
                .hasMessageContaining("%C");
        assertThat(List.of(ConnectionSettings.expandTilde("~/x", home))).containsExactly(home.resolve("x"));
    }
}
