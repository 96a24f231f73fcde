package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.ProcessResult;
import org.junit.jupiter.api.Test;

/**
 * {@code barman check}'s items of the PostgreSQL host reached through ssh_command, with a real sshd and real
 * PostgreSQL 15 clusters.
 */
class RemoteChecksIT {

    private static final String SYSTEMID = "systemid coherence of ssh_command and conninfo";

    private static List<CheckResult> remoteItems(CheckReport report) {
        return report.results().stream().filter(item -> List.of("ssh", "rsync", SYSTEMID).contains(item.name()))
                .toList();
    }

    @Test
    void aReachableHostPassesSshRsyncAndSystemid() throws IOException {
        try (RemotePostgres fixture = new RemotePostgres()) {
            CheckReport report = fixture.barman().server("main").check();

            List<CheckResult> items = remoteItems(report);
            assertThat(items).extracting(CheckResult::name).containsExactly("ssh", "rsync", SYSTEMID);
            assertThat(items).allSatisfy(item -> assertThat(item.ok()).as(item.display()).isTrue());
            assertThat(items.get(1).detail()).matches("\\d+\\.\\d+\\.\\d+ on this host, \\d+\\.\\d+\\.\\d+ on the "
                    + "PostgreSQL host");
            assertThat(items.get(2).detail()).isEqualTo(fixture.pg.queryValue(
                    "SELECT system_identifier FROM pg_control_system()"));
            List<String> names = report.results().stream().map(CheckResult::name).toList();
            assertThat(names.indexOf("ssh")).isEqualTo(names.indexOf("minimum redundancy requirements") + 1);
        }
    }

    @Test
    void aWrongPortFailsTheSshItemWithTheReason() throws IOException {
        try (RemotePostgres fixture = new RemotePostgres()) {
            List<String> words = new ArrayList<>(fixture.sshd.sshArguments("postgres"));
            words.set(words.indexOf("-p") + 1, Integer.toString(closedPort()));
            fixture.writeConfig(fixture.pg.conninfo(), String.join(" ", words));

            List<CheckResult> items = remoteItems(fixture.barman().server("main").check());

            assertThat(items).singleElement().satisfies(item -> {
                assertThat(item.name()).isEqualTo("ssh");
                assertThat(item.ok()).isFalse();
                assertThat(item.detail()).contains("connection refused").contains("Is sshd running");
            });
        }
    }

    /**
     * Two hosts cannot be had on one machine, so the other host is made by the ssh_command itself: a script that runs
     * the real ssh to the real sshd, but where the data folder of the cluster conninfo reaches holds another
     * cluster's files (the script rewrites that path in the remote command).
     */
    @Test
    void sshCommandReachingAnotherClustersDataFailsTheSystemidItem() throws IOException {
        try (RemotePostgres fixture = new RemotePostgres()) {
            Path other = fixture.root.resolve("other-host/data");
            Files.createDirectories(other.getParent());
            PostgresCluster.grantToClusterUser(other.getParent());
            ProcessResult initdb = fixture.pg.runAsClusterUser(List.of("initdb", "-D", other.toString(), "-A",
                    "trust", "-U", "postgres"), Duration.ofMinutes(2));
            assertThat(initdb.exitCode()).as(initdb.stderr()).isZero();
            Path otherHost = fixture.root.resolve("ssh-to-other-host");
            Files.writeString(otherHost, "#!/bin/bash\nfrom='" + fixture.pg.dataDirectory() + "'\nto='" + other
                    + "'\nargs=(\"$@\")\nlast=$((${#args[@]} - 1))\nargs[$last]=\"${args[$last]//\"$from\"/\"$to\"}\"\n"
                    + "exec ssh \"${args[@]}\"\n");
            Files.setPosixFilePermissions(otherHost, PosixFilePermissions.fromString("rwx------"));
            List<String> words = new ArrayList<>(fixture.sshd.sshArguments("postgres"));
            words.set(0, otherHost.toString());
            fixture.writeConfig(fixture.pg.conninfo(), String.join(" ", words));

            List<CheckResult> items = remoteItems(fixture.barman().server("main").check());

            assertThat(items).extracting(CheckResult::name).containsExactly("ssh", "rsync", SYSTEMID);
            assertThat(items.get(0).ok()).as(items.get(0).display()).isTrue();
            CheckResult systemid = items.get(2);
            assertThat(systemid.ok()).as(systemid.display()).isFalse();
            String reached = fixture.pg.queryValue("SELECT system_identifier FROM pg_control_system()");
            ProcessResult control = fixture.pg.runAsClusterUser(List.of("pg_controldata", other.toString()));
            String otherId = control.stdout().lines().filter(line -> line.startsWith("Database system identifier:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElseThrow();
            assertThat(otherId).isNotEqualTo(reached);
            assertThat(systemid.detail()).contains("conninfo reaches the cluster " + reached)
                    .contains(fixture.pg.dataDirectory() + "/global/pg_control read through ssh_command belongs to "
                            + "the cluster " + otherId);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
