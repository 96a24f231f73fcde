package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.support.OwnerOnly;
import org.barman.core.lock.Locks;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code barman switch-wal} against one real PostgreSQL 15 and three Barman servers of it: {@code files}, whose
 * WAL comes through archive_command; {@code stream}, whose WAL comes through receive-wal (Barman's own
 * receiver); and {@code nowhere}, which PostgreSQL archives nothing into.
 */
class SwitchWalIT {

    private static final Pattern CLOSED = Pattern.compile("The WAL file ([0-9A-F]{24}) has been closed on server "
            + "'(\\w+)'");

    static Path home;
    static Path config;
    static PostgresCluster pg;

    @BeforeAll
    static void startClusterArchivingIntoFiles() throws IOException {
        home = Files.createTempDirectory("barman-switch-wal-it");
        Path incoming = home.resolve("files/incoming");
        OwnerOnly.createFolders(incoming);
        PostgresCluster.grantToClusterUser(home);
        pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "rsync -a %p " + incoming + "/%f")
                .setting("checkpoint_timeout", "30min").start();
        pg.execute("CREATE TABLE items(id int, payload text)");
        config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\nlog_file = " + home.resolve("barman.log") + "\n\n"
                + "[files]\nconninfo = " + pg.conninfo() + "\n\n"
                + "[stream]\nconninfo = " + pg.conninfo() + "\narchiver = off\nstreaming_archiver = on\n"
                + "slot_name = stream_slot\ncreate_slot = auto\n\n"
                + "[nowhere]\nconninfo = " + pg.conninfo() + "\n");
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(home);
    }

    private static CliRun barman(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String closed(CliRun run, String server) {
        Matcher closed = CLOSED.matcher(run.out());
        assertThat(closed.find()).as(run.out() + run.err()).isTrue();
        assertThat(closed.group(2)).isEqualTo(server);
        return closed.group(1);
    }

    @Test
    void archiveWaitsUntilTheClosedSegmentIsArchivedThroughArchiveCommand() throws IOException {
        pg.execute("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g");

        CliRun run = barman("switch-wal", "--archive", "files");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String wal = closed(run, "files");
        assertThat(run.out()).isEqualTo("The WAL file " + wal + " has been closed on server 'files'\n"
                + "Waiting for the WAL file " + wal + " from server 'files' (max: 30 seconds)\n"
                + "The WAL file " + wal + " of server 'files' is archived\n");
        assertThat(Files.readString(home.resolve("files/wals/xlog.db"))).contains(wal + "\t16777216\t");
    }

    @Test
    void archiveWaitsUntilTheClosedSegmentIsArchivedThroughStreaming() throws Exception {
        List<String> command = new ArrayList<>(BarmanProcess.command());
        command.addAll(List.of("-c", config.toString(), "-q", "receive-wal", "stream"));
        Process receiver = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("receive-wal.out").toFile()).start();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                pg.execute("INSERT INTO items VALUES (0, 'a row now and then, as on a live server')");
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!Locks.holder(home, "stream", Locks.Kind.RECEIVE_WAL).equals(OptionalLong.of(receiver.pid()))) {
                assertThat(receiver.isAlive()).as(Files.readString(home.resolve("receive-wal.out"))).isTrue();
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(100);
            }
            writer.start();

            CliRun run = barman("switch-wal", "--archive", "--archive-timeout", "60", "stream");

            assertThat(run.exitCode()).as(run.err()).isZero();
            String wal = closed(run, "stream");
            assertThat(run.out()).contains("The WAL file " + wal + " of server 'stream' is archived\n");
            assertThat(Files.readString(home.resolve("stream/wals/xlog.db"))).contains(wal + "\t16777216\t");
        } finally {
            writing.set(false);
            writer.join();
            receiver.destroy();
            receiver.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void archiveFailsWithTheReasonWhenTheSegmentDoesNotArriveInTime() {
        pg.execute("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g");

        CliRun run = barman("switch-wal", "--archive", "--archive-timeout", "2", "nowhere");

        assertThat(run.exitCode()).isEqualTo(1);
        String wal = closed(run, "nowhere");
        assertThat(run.err()).isEqualTo("ERROR: WAL file " + wal + " of server nowhere was not archived within 2 s: "
                + "check archive_command and PostgreSQL's log (barman check nowhere)\n");
        assertThat(barman("switch-wal", "--archive", "--archive-timeout", "0", "nowhere").err())
                .contains("--archive-timeout must be a number of seconds above 0");
    }

    @Test
    void withNothingWrittenThereIsNoSwitchUnlessForced() {
        boolean noSwitch = false;
        for (int attempt = 0; attempt < 5 && !noSwitch; attempt++) {
            // a switch right after a switch has nothing to close, unless a background process wrote WAL between
            barman("switch-wal", "files");
            noSwitch = barman("switch-wal", "files").out().equals("No switch required for server 'files'\n");
        }
        assertThat(noSwitch).as("a second switch without WAL written since the first").isTrue();

        CliRun forced = barman("switch-wal", "--force", "files");

        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.out()).matches("The WAL file [0-9A-F]{24} has been closed on server 'files'\n");
    }

    @Test
    void allSwitchesForEveryServer() {
        pg.execute("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 10) g");

        CliRun run = barman("switch-wal", "all");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("The WAL file [0-9A-F]{24} has been closed on server 'files'");
        assertThat(lines.get(1)).matches("(The WAL file [0-9A-F]{24} has been closed on|No switch required for) "
                + "server 'stream'");
        assertThat(lines.get(2)).matches("(The WAL file [0-9A-F]{24} has been closed on|No switch required for) "
                + "server 'nowhere'");
    }
}
