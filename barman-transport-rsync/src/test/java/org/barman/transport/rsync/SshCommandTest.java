package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.api.PluginOptions;
import org.junit.jupiter.api.Test;

class SshCommandTest {

    @Test
    void aPlainCommandIsProgramAndDestination() {
        SshCommand ssh = SshCommand.parse("ssh postgres@pg");

        assertThat(ssh.program()).isEqualTo("ssh");
        assertThat(ssh.options()).isEmpty();
        assertThat(ssh.user()).isEqualTo("postgres");
        assertThat(ssh.host()).isEqualTo("pg");
        assertThat(ssh.destination()).isEqualTo("postgres@pg");
        assertThat(ssh.remoteShell()).containsExactly("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30");
        assertThat(ssh.rsyncLocation("/var/lib/pgsql/data/")).isEqualTo("postgres@pg:/var/lib/pgsql/data/");
        assertThat(ssh.commandLine("sh -c true")).containsExactly("ssh", "-o", "BatchMode=yes", "-o",
                "ConnectTimeout=30", "--", "postgres@pg", "sh -c true");
    }

    @Test
    void everyOptionIsKeptWithItsValueWhereverTheValueIs() {
        SshCommand ssh = SshCommand.parse("/usr/bin/ssh -p 2222 -i '/keys/my key' -o StrictHostKeyChecking=yes "
                + "-oUserKnownHostsFile=/k -Cq -l postgres -J bastion -vp22 db.example.com");

        assertThat(ssh.program()).isEqualTo("/usr/bin/ssh");
        assertThat(ssh.options()).containsExactly("-p", "2222", "-i", "/keys/my key", "-o",
                "StrictHostKeyChecking=yes", "-oUserKnownHostsFile=/k", "-Cq", "-l", "postgres", "-J", "bastion",
                "-vp22");
        assertThat(ssh.user()).isNull();
        assertThat(ssh.host()).isEqualTo("db.example.com");
        assertThat(ssh.rsyncLocation("/data/")).isEqualTo("db.example.com:/data/");
        assertThat(ssh.remoteShell()).startsWith("/usr/bin/ssh", "-p", "2222", "-i", "/keys/my key");
    }

    @Test
    void anSshUriGivesUserHostAndPort() {
        SshCommand ssh = SshCommand.parse("ssh ssh://postgres@pg.example.com:2200");

        assertThat(ssh.user()).isEqualTo("postgres");
        assertThat(ssh.host()).isEqualTo("pg.example.com");
        assertThat(ssh.port()).isEqualTo(2200);
        assertThat(ssh.remoteShell()).containsSubsequence("-p", "2200");
        assertThat(ssh.rsyncLocation("/d/")).isEqualTo("postgres@pg.example.com:/d/");
    }

    @Test
    void anIpv6AddressIsBracketedForRsync() {
        assertThat(SshCommand.parse("ssh postgres@::1").rsyncLocation("/d/")).isEqualTo("postgres@[::1]:/d/");
        assertThat(SshCommand.parse("ssh ssh://postgres@[fe80::1]:22").host()).isEqualTo("fe80::1");
    }

    @Test
    void theEndOfOptionsIsAllowedButNotPassedToRsync() {
        SshCommand ssh = SshCommand.parse("ssh -p 22 -- postgres@pg");

        assertThat(ssh.host()).isEqualTo("pg");
        assertThat(ssh.remoteShell()).doesNotContain("--");
    }

    @Test
    void whatCannotWorkIsRefusedWithItsReason() {
        assertThatThrownBy(() -> SshCommand.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SshCommand.parse("ssh -p 22")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> SshCommand.parse("ssh postgres@pg uptime"))
                .hasMessageContaining("goes on after the host postgres@pg with 'uptime'");
        assertThatThrownBy(() -> SshCommand.parse("ssh -t postgres@pg")).hasMessageContaining("-t")
                .hasMessageContaining("terminal");
        assertThatThrownBy(() -> SshCommand.parse("ssh -qn postgres@pg")).hasMessageContaining("-n");
        assertThatThrownBy(() -> SshCommand.parse("ssh -Z postgres@pg")).hasMessageContaining("'-Z' is not an option");
        assertThatThrownBy(() -> SshCommand.parse("ssh postgres@pg -p")).hasMessageContaining("goes on after");
        assertThatThrownBy(() -> SshCommand.parse("ssh -i")).hasMessageContaining("-i needs a value");
        assertThatThrownBy(() -> SshCommand.parse("ssh -i '/k postgres@pg")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> SshCommand.parse("ssh postgres@pg | tee log")).hasMessageContaining("'|'");
        assertThatThrownBy(() -> SshCommand.parse("ssh -i $HOME/k postgres@pg")).hasMessageContaining("'$'");
        assertThatThrownBy(() -> SshCommand.parse("ssh @pg")).hasMessageContaining("empty user");
        assertThatThrownBy(() -> SshCommand.parse("ssh ssh://pg:99999")).hasMessageContaining("not a port");
    }

    @Test
    void theProviderNamesTheOptionAndThePlace() {
        RsyncTransportProvider provider = new RsyncTransportProvider();

        assertThatThrownBy(() -> provider.create(new PluginOptions("/etc/barman.conf [main]",
                Map.of("ssh_command", "ssh postgres@pg true"))))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("/etc/barman.conf [main]: invalid value 'ssh postgres@pg true' for option "
                        + "ssh_command: it goes on after the host");
        assertThatThrownBy(() -> provider.create(new PluginOptions("/etc/barman.conf [main]", Map.of())))
                .hasMessageContaining("needs ssh_command");
        assertThatThrownBy(() -> provider.create(PluginOptions.of(Map.of("ssh_command", "ssh pg",
                "parallel_jobs", "0")))).hasMessageContaining("parallel_jobs");
        assertThatThrownBy(() -> provider.create(PluginOptions.of(Map.of("ssh_command", "ssh pg",
                "network_compression", "maybe")))).hasMessageContaining("network_compression");
    }

    @Test
    void theProviderReadsCompressionAndParallelJobs() {
        RsyncSettings settings = RsyncSettings.from(PluginOptions.of(Map.of("ssh_command", "ssh pg",
                "network_compression", "On", "parallel_jobs", "3")));

        assertThat(settings.networkCompression()).isTrue();
        assertThat(settings.parallelJobs()).isEqualTo(3);
        assertThat(RsyncSettings.from(PluginOptions.of(Map.of("ssh_command", "ssh pg"))))
                .extracting(RsyncSettings::networkCompression, RsyncSettings::parallelJobs)
                .containsExactly(false, 1);
        assertThat(List.of(SshCommand.DEFAULT_OPTIONS.get(1), SshCommand.DEFAULT_OPTIONS.get(3)))
                .containsExactly("BatchMode=yes", "ConnectTimeout=30");
    }
}
