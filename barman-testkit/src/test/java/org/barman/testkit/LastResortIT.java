package org.barman.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A test JVM that is killed (as failsafe does on a timeout) leaves no PostgreSQL or sshd behind. */
@Tag("postgres")
class LastResortIT {

    @Test
    void a_terminated_test_jvm_stops_its_servers_and_removes_their_folders() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AbandonsItsServers.class.getName())
                .redirectErrorStream(true)
                .start();
        long postgresPid;
        Path postgresFolder;
        int sshPort;
        Path sshKey;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("first line of the child JVM").startsWith("ready ");
            String[] fields = line.split(" ");
            postgresPid = Long.parseLong(fields[1]);
            postgresFolder = Path.of(fields[2]);
            sshPort = Integer.parseInt(fields[3]);
            sshKey = Path.of(fields[4]);
            assertThat(ProcessHandle.of(postgresPid)).isPresent();
            assertThat(postgresFolder).exists();

            child.destroy();
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        }

        assertThat(ProcessHandle.of(postgresPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(postgresFolder).doesNotExist();
        assertThat(sshKey).doesNotExist();
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", sshPort), 2000);
            throw new AssertionError("sshd still listens on port " + sshPort);
        } catch (java.net.ConnectException expected) {
            // nothing listens any more
        }
    }

    /** Run in a child JVM: starts PostgreSQL and sshd, reports them, and waits to be killed. */
    static final class AbandonsItsServers {

        public static void main(String[] args) throws Exception {
            PostgresCluster pg = PostgresCluster.builder().start();
            SshServer sshd = SshServer.start();
            long pid = Long.parseLong(java.nio.file.Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid"))
                    .get(0).trim());
            System.out.println(String.join(" ", List.of("ready", Long.toString(pid),
                    pg.dataDirectory().getParent().toString(), Integer.toString(sshd.port()),
                    sshd.privateKey().toString())));
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }
}
