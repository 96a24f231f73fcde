package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;

import org.barman.api.support.ShellWords;
import org.junit.jupiter.api.Test;

class SshCommandLineTest {

    @Test
    void theTestKitsCommandLine() {
        SshCommandLine line = SshCommandLine.parse("ssh -F none -p 40123 -i /tmp/k/client -o IdentitiesOnly=yes "
                + "-o UserKnownHostsFile=/tmp/k/known_hosts -o GlobalKnownHostsFile=/dev/null "
                + "-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=30 postgres@127.0.0.1");

        assertThat(line.user()).isEqualTo("postgres");
        assertThat(line.host()).isEqualTo("127.0.0.1");
        assertThat(line.port()).isEqualTo(40123);
        assertThat(line.configFile()).isEqualTo("none");
        assertThat(line.optionValues("IdentityFile")).containsExactly("/tmp/k/client");
        assertThat(line.option("UserKnownHostsFile")).isEqualTo("/tmp/k/known_hosts");
        assertThat(line.option("StrictHostKeyChecking")).isEqualTo("yes");
        assertThat(line.option("ConnectTimeout")).isEqualTo("30");
    }

    @Test
    void theSimplestForms() {
        SshCommandLine line = SshCommandLine.parse("ssh postgres@pg");
        assertThat(line.user()).isEqualTo("postgres");
        assertThat(line.host()).isEqualTo("pg");
        assertThat(line.port()).isEqualTo(-1);
        assertThat(line.configFile()).isNull();
        assertThat(line.options()).isEmpty();

        assertThat(SshCommandLine.parse("ssh pg").user()).isNull();
        assertThat(SshCommandLine.parse("/usr/bin/ssh pg").host()).isEqualTo("pg");
        assertThat(SshCommandLine.parse("ssh -l barman pg").user()).isEqualTo("barman");
        assertThat(SshCommandLine.parse("ssh -l barman postgres@pg").user()).as("-l wins, as in ssh")
                .isEqualTo("barman");
        assertThat(SshCommandLine.parse("ssh me@corp.example@pg").user()).isEqualTo("me@corp.example");
    }

    @Test
    void optionsInEverySpellingSshAccepts() {
        SshCommandLine line = SshCommandLine.parse("ssh -qTp2222 -i~/.ssh/k1 -i '/keys/with space' -oPort=1 "
                + "-o 'ServerAliveInterval 15' -o compression=yes -C -c aes128-ctr -m hmac-sha2-256 pg -x");

        assertThat(line.port()).as("-p wins over -o Port, as the first value in ssh").isEqualTo(2222);
        assertThat(line.optionValues("IdentityFile")).containsExactly("~/.ssh/k1", "/keys/with space");
        assertThat(line.option("ServerAliveInterval")).isEqualTo("15");
        assertThat(line.optionValues("Compression")).containsExactly("yes", "yes");
        assertThat(line.option("Ciphers")).isEqualTo("aes128-ctr");
        assertThat(line.option("MACs")).isEqualTo("hmac-sha2-256");
        assertThat(line.option("Port")).isEqualTo("1");
    }

    @Test
    void sshUriDestinations() {
        SshCommandLine line = SshCommandLine.parse("ssh ssh://postgres@pg.example:2200");
        assertThat(line.user()).isEqualTo("postgres");
        assertThat(line.host()).isEqualTo("pg.example");
        assertThat(line.port()).isEqualTo(2200);

        SshCommandLine ipv6 = SshCommandLine.parse("ssh ssh://[::1]:2201");
        assertThat(ipv6.host()).isEqualTo("::1");
        assertThat(ipv6.port()).isEqualTo(2201);
        assertThat(ipv6.user()).isNull();
    }

    @Test
    void whatItCannotUnderstandIsRefusedNamingIt() {
        assertRefused("", "empty");
        assertRefused("rsync -e ssh pg", "must start with ssh");
        assertRefused("ssh -p 22", "no destination");
        assertRefused("ssh pg true", "'true' follows 'pg'");
        assertRefused("ssh -J bastion pg", "-J");
        assertRefused("ssh -o ProxyCommand='nc %h %p' pg", "ProxyCommand");
        assertRefused("ssh -o NoSuchOption=1 pg", "-o NoSuchOption");
        assertRefused("ssh -o Port pg", "-o Port has no value");
        assertRefused("ssh -p twenty pg", "'twenty', not a port number");
        assertRefused("ssh -p 70000 pg", "'70000', not a port number");
        assertRefused("ssh -i", "-i needs a value");
        assertRefused("ssh -t pg", "-t");
        assertRefused("ssh -A pg", "-A");
        assertRefused("ssh -L 1:h:2 pg", "-L");
        assertRefused("ssh -i '/unterminated pg", "single quote at character 8 is never closed");
        assertRefused("ssh -i $HOME/.ssh/k pg", "'$' at character 8 needs a shell");
        assertRefused("ssh pg; rm -rf /", "';' at character 7 needs a shell");
        assertRefused("ssh @pg", "empty user name");
    }

    private static void assertRefused(String commandLine, String reason) {
        assertThatThrownBy(() -> SshCommandLine.parse(commandLine)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void wordsSplitLikeAShell() {
        assertThat(ShellWords.split("a  'b c' \"d \\\"e\\\"\" f\\ g h'i'j")).containsExactly("a", "b c", "d \"e\"",
                "f g", "hij");
        assertThat(ShellWords.split("  ")).isEmpty();
        assertThat(ShellWords.split("''")).containsExactly("");
    }

    @Test
    void aQuotedWordIsReadBackAsItself() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(word ->
                assertThat(ShellWords.split(ShellWords.quote(word))).isEqualTo(List.of(word)));
    }
}
