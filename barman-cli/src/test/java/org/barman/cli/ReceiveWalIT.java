package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.barman.core.lock.Locks;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code barman receive-wal}, its slot, {@code --stop}, its supervision by {@code cron}, and what {@code check},
 * {@code replication-status} and {@code archive-wal} make of it, against one real PostgreSQL 15. The receiver runs
 * as a process of its own (the command line on this test's class path, as cron starts it), so that it can be
 * signalled; the WAL receiver is Barman's own ({@code barman-streaming}). Each test has
 * a Barman home and a replication slot of its own.
 */
class ReceiveWalIT {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final Pattern STARTED = Pattern.compile("Started receive-wal of server main in the background "
            + "\\(pid (\\d+)\\)");

    static Path work;
    static PostgresCluster pg;

    private Path home;
    private Path config;
    private final List<Receiver> receivers = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws IOException {
        work = Files.createTempDirectory("barman-receive-wal-it");
        pg = PostgresCluster.builder().setting("checkpoint_timeout", "30min").start();
        pg.execute("CREATE TABLE items(id int, payload text)");
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    @AfterEach
    void stopReceivers() throws InterruptedException {
        for (Receiver receiver : receivers) {
            receiver.process.toHandle().destroy();
            receiver.process.waitFor(60, TimeUnit.SECONDS);
        }
        if (config != null) {
            OptionalLong pid = Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL);
            if (pid.isPresent()) {
                ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    // ---------------------------------------------------------------- receive-wal in the foreground

    @Test
    void receiveWalStreamsIntoItsFolderPrintsEachSegmentAndStopsCleanlyOnSigterm() throws Exception {
        newHome("fg_slot", "create_slot = auto");
        Receiver receiver = startReceiver();
        awaitLine(receiver, "main: streaming timeline 1 from ");
        assertThat(receiver.out).contains("Starting receive-wal for server main");
        assertThat(Files.getPosixFilePermissions(streaming())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(slotActive("fg_slot")).as("created by create_slot = auto, streamed from").isEqualTo("t");

        String closed = writeAndSwitch();
        awaitLine(receiver, "main: received " + closed);
        assertThat(streaming().resolve(closed)).hasSameBinaryContentAs(pg.dataDirectory().resolve("pg_wal")
                .resolve(closed));

        receiver.process.toHandle().destroy();
        receiver.awaitEnd();
        assertThat(receiver.out).as("errors %s, log %s", Files.readString(home.resolve("receive-wal.err")),
                Files.readString(home.resolve("barman.log"))).contains("receive-wal of server main stopped");
        assertThat(Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL)).isEmpty();
        await(() -> "f".equals(slotActive("fg_slot")), "the receiver stopped with it");
        assertThat(Files.readString(home.resolve("barman.log"))).contains("receive-wal of server main received "
                + closed);
        dropSlot("fg_slot");
    }

    @Test
    void aSecondReceiveWalIsRefusedAsAlreadyRunningWithThePidOfTheFirst() throws Exception {
        newHome("second_slot", "create_slot = auto");
        Receiver first = startReceiver();

        CliRun second = barman("receive-wal", "main");

        assertThat(second.exitCode()).isEqualTo(2);
        assertThat(second.err()).startsWith("ERROR: receive-wal of server main is already running (pid "
                + first.process.pid() + ", lock file " + home.resolve(".main-receive-wal.lock") + ")");
        assertThat(first.process.isAlive()).isTrue();
        first.process.toHandle().destroy();
        first.process.waitFor(60, TimeUnit.SECONDS);
        dropSlot("second_slot");
    }

    @Test
    void stopEndsTheRunningReceiverAndSaysSoWhenNoneRuns() throws Exception {
        newHome("stop_slot", "create_slot = auto");
        Receiver receiver = startReceiver();

        CliRun stop = barman("receive-wal", "--stop", "main");

        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out()).isEqualTo("Stopped process receive-wal(" + receiver.process.pid() + ") of server main\n");
        assertThat(receiver.process.isAlive()).isFalse();
        receiver.awaitEnd();
        assertThat(receiver.out).contains("receive-wal of server main stopped");
        CliRun again = barman("receive-wal", "--stop", "main");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("ERROR: no receive-wal is running for server main (its lock "
                + home.resolve(".main-receive-wal.lock") + " is free)\n");
        dropSlot("stop_slot");
    }

    @Test
    void receiveWalRefusesAMissingSlotWithCreateSlotManualAndAServerThatDoesNotStream() throws Exception {
        newHome("missing_slot");
        CliRun missing = barman("receive-wal", "main");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("ERROR: replication slot 'missing_slot' does not exist on server main: "
                + "create it with barman receive-wal --create-slot main (or set create_slot = auto)\n");

        config = home.resolve("barman.conf");
        Files.writeString(config, Files.readString(config).replace("\narchiver = off", "\narchiver = on")
                .replace("streaming_archiver = on", "streaming_archiver = off"));
        CliRun off = barman("receive-wal", "main");
        assertThat(off.exitCode()).isEqualTo(1);
        assertThat(off.err()).contains("ERROR: receive-wal: streaming_archiver is off for server main");
    }

    @Test
    void resetIsPassedToTheReceiver() throws Exception {
        newHome("reset_slot", "create_slot = auto");
        Path stale = Files.createDirectories(streaming()).resolve("0000000100000000000000F0.partial");
        Files.write(stale, new byte[16 * 1024 * 1024]);

        Receiver receiver = startReceiver("--reset");
        awaitLine(receiver, "main: streaming timeline 1 from ");

        assertThat(receiver.out).contains("Starting receive-wal for server main from the server's current position "
                + "(--reset)");
        assertThat(stale).as("given up by the receiver, asked to reset").doesNotExist();
        receiver.process.toHandle().destroy();
        receiver.awaitEnd();
        await(() -> "f".equals(slotActive("reset_slot")), "the slot released");
        dropSlot("reset_slot");
    }

    @Test
    void cronStopsAReceiverThatStillRunsOnceStreamingArchiverIsOff() throws Exception {
        newHome("off_slot", "create_slot = auto");
        Receiver receiver = startReceiver();
        Files.writeString(config, Files.readString(config).replace("\narchiver = off", "\narchiver = on")
                .replace("streaming_archiver = on", "streaming_archiver = off"));

        CliRun cron = barman("cron");

        assertThat(cron.exitCode()).as(cron.err()).isZero();
        assertThat(cron.out()).contains("Stopped receive-wal of server main (pid " + receiver.process.pid()
                + "): streaming_archiver is off\n");
        receiver.awaitEnd();
        assertThat(Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL)).isEmpty();
        await(() -> "f".equals(slotActive("off_slot")), "the slot released");
        dropSlot("off_slot");
    }

    @Test
    void checkSaysWhyTheReplicationConnectionFails() throws Exception {
        newHome("check_slot", "streaming_conninfo = host=127.0.0.1 port=" + pg.port() + " user=no_such_role");

        CliRun check = barman("check", "main");

        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.out()).contains("\tPostgreSQL streaming: FAILED (cannot open a replication connection to "
                + "PostgreSQL of server main (host=127.0.0.1 port=" + pg.port() + " user=no_such_role "
                + "replication=true dbname=replication application_name=barman_receive_wal): FATAL: role "
                + "\"no_such_role\" does not exist: check streaming_conninfo, and that pg_hba.conf has a "
                + "replication line for its user)\n",
                "\treplication slot: FAILED (replication slot 'check_slot' doesn't exist: create it with barman "
                        + "receive-wal --create-slot main (or set create_slot = auto and let barman cron create it))\n",
                "\tpg_receivexlog: OK (WAL receiver 'streaming')\n",
                "\treceive-wal running: FAILED (");
    }

    // ---------------------------------------------------------------- slots

    @Test
    void createAndDropSlotSayWhenTheSlotExistsDoesNotOrIsInUse() throws Exception {
        newHome("manual_slot");

        CliRun create = barman("receive-wal", "--create-slot", "main");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("Creating physical replication slot 'manual_slot' on server 'main'\n"
                + "Replication slot 'manual_slot' created\n");
        assertThat(pg.queryValue("SELECT slot_type || ' ' || (restart_lsn IS NOT NULL) FROM pg_replication_slots "
                + "WHERE slot_name = 'manual_slot'")).as("physical, reserving WAL at once").isEqualTo("physical true");

        CliRun twice = barman("receive-wal", "--create-slot", "main");
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).isEqualTo("ERROR: replication slot 'manual_slot' already exists on server main (add "
                + "--if-not-exists to accept it)\n");
        CliRun accepted = barman("receive-wal", "--create-slot", "--if-not-exists", "main");
        assertThat(accepted.exitCode()).isZero();
        assertThat(accepted.out()).contains("Replication slot 'manual_slot' already exists and --if-not-exists was "
                + "given: skipping creation");

        Receiver receiver = startReceiver();
        awaitLine(receiver, "main: streaming timeline 1 from ");
        CliRun inUse = barman("receive-wal", "--drop-slot", "main");
        assertThat(inUse.exitCode()).isEqualTo(1);
        assertThat(inUse.err()).startsWith("ERROR: cannot drop replication slot 'manual_slot' of server main: it is "
                + "in use (").contains("stop its receiver first (barman receive-wal --stop main)");
        receiver.process.toHandle().destroy();
        receiver.process.waitFor(60, TimeUnit.SECONDS);
        await(() -> "f".equals(slotActive("manual_slot")), "the slot released");

        CliRun drop = barman("receive-wal", "--drop-slot", "main");
        assertThat(drop.exitCode()).as(drop.err()).isZero();
        assertThat(drop.out()).isEqualTo("Dropping physical replication slot 'manual_slot' on server 'main'\n"
                + "Replication slot 'manual_slot' dropped\n");
        assertThat(pg.queryValue("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'manual_slot'"))
                .isEqualTo("0");
        CliRun dropAgain = barman("receive-wal", "--drop-slot", "main");
        assertThat(dropAgain.exitCode()).isEqualTo(1);
        assertThat(dropAgain.err()).isEqualTo("ERROR: replication slot 'manual_slot' does not exist on server main\n");
    }

    // ---------------------------------------------------------------- cron

    @Test
    void cronStartsExactlyOneReceiverCreatingItsSlotAndASecondCronStartsNone() throws Exception {
        newHome("cron_slot", "create_slot = auto");

        CliRun cron = barman("cron");

        assertThat(cron.exitCode()).as(cron.err()).isZero();
        assertThat(cron.out()).contains("Created replication slot 'cron_slot' of server main (create_slot = auto)\n"
                + "Starting streaming archiver for server main\n");
        Matcher started = STARTED.matcher(cron.out());
        assertThat(started.find()).as(cron.out()).isTrue();
        long pid = Long.parseLong(started.group(1));
        assertThat(Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL)).hasValue(pid);
        ProcessHandle receiver = ProcessHandle.of(pid).orElseThrow();
        assertThat(receiver.info().commandLine().orElse("")).contains("receive-wal main").contains("-c " + config);
        await(() -> "t".equals(slotActive("cron_slot")), "the receiver cron started streams");

        CliRun second = barman("cron");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).doesNotContain("Starting streaming archiver").doesNotContain("Started receive-wal");
        assertThat(Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL)).hasValue(pid);
        assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine().orElse("")
                .contains("-c " + config + " -q receive-wal main")).count()).as("receivers of this server")
                .isEqualTo(1);

        String closed = writeAndSwitch();
        await(() -> Files.exists(streaming().resolve(closed)), closed + " streamed by the receiver cron started");
        writeAndSwitch();
        await(() -> barman("cron").out().contains("\t" + closed), closed + " archived by cron");

        assertThat(barman("receive-wal", "--stop", "main").exitCode()).isZero();
        assertThat(receiver.isAlive()).isFalse();
        dropSlot("cron_slot");
    }

    // ---------------------------------------------------------------- what the other commands see

    @Test
    void checkReplicationStatusAndArchiveWalSeeTheRunningReceiver() throws Exception {
        newHome("seen_slot", "create_slot = auto");
        Receiver receiver = startReceiver();
        awaitLine(receiver, "main: streaming timeline 1 from ");
        String closed = writeAndSwitch();
        awaitLine(receiver, "main: received " + closed);
        writeAndSwitch();

        CliRun check = barman("check", "main");
        assertThat(check.out()).contains("\tPostgreSQL streaming: OK\n", "\treplication slot: OK\n",
                "\tmax_wal_senders: OK (", "\tpg_receivexlog: OK (WAL receiver 'streaming')\n",
                "\treceive-wal running: OK (pid " + receiver.process.pid() + ")\n")
                .containsPattern("\treceive-wal lag: OK \\(\\d+ bytes behind: flushed [0-9A-F]+/[0-9A-F]+, current "
                        + "[0-9A-F]+/[0-9A-F]+, async\\)\n")
                .doesNotContain("archive_mode").doesNotContain("archive_command");

        CliRun status = barman("replication-status", "main");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("Status of streaming clients for server 'main':\n",
                "  Number of streaming clients: 1\n", "  1. Async WAL streamer\n",
                "     Application name: barman_receive_wal (barman receive-wal)\n",
                "     Communication   : TCP/IP\n", "     Current state   : streaming (async)\n",
                "     Replication slot: seen_slot\n", "     Flush LSN  : ").doesNotContain("Replay LSN")
                .containsPattern("     Started at      : \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d\n");
        CliRun standbys = barman("replication-status", "--target", "hot-standby", "main");
        assertThat(standbys.out()).isEqualTo("Status of hot standby servers for server 'main':\n"
                + "  Current LSN on master: " + lsnIn(standbys.out()) + "\n  No hot standby servers attached\n");
        CliRun minimal = barman("replication-status", "--minimal", "--target", "wal-streamer", "main");
        assertThat(minimal.out()).startsWith("WAL streamers for master 'main' (LSN @ ")
                .containsPattern("\n  1\\. W\\) postgres@127\\.0\\.0\\.1 S:[0-9A-F]+/[0-9A-F]+ W:[0-9A-F]+/[0-9A-F]+ "
                        + "P:0 AN:barman_receive_wal \\(barman receive-wal\\)\n");
        CliRun json = barman("-f", "json", "replication-status", "main");
        JsonNode client = new ObjectMapper().readTree(json.out()).get("main").get("streaming_clients").get(0);
        assertThat(client.get("barman_receive_wal").asBoolean()).isTrue();
        assertThat(client.get("application_name").asText()).isEqualTo("barman_receive_wal");
        assertThat(client.get("replication_slot").asText()).isEqualTo("seen_slot");
        assertThat(client.get("flush_lsn_diff_bytes").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(client.has("replay_lsn")).isFalse();

        CliRun archive = barman("archive-wal", "main");
        assertThat(archive.exitCode()).as(archive.err()).isZero();
        assertThat(archive.out()).startsWith("Processing xlog segments from streaming for main\n")
                .contains("\t" + closed + "\n").doesNotContain("file archival");
        assertThat(Files.readString(home.resolve("main/wals/xlog.db"))).contains(closed + "\t16777216\t");

        receiver.process.toHandle().destroy();
        receiver.process.waitFor(60, TimeUnit.SECONDS);
        await(() -> "f".equals(slotActive("seen_slot")), "the slot released");
        CliRun stopped = barman("check", "main");
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.out()).contains("\treceive-wal running: FAILED (receive-wal is not running: barman cron "
                + "starts it (or run barman receive-wal main); see the log file for why it stopped)\n",
                "\treplication slot: FAILED (slot 'seen_slot' not active: is 'receive-wal' running?)\n");
        dropSlot("seen_slot");
    }

    // ---------------------------------------------------------------- the cluster and Barman around it

    /**
     * A receiver process and what it printed. It is signalled through its handle: {@link Process#destroy()} would
     * also close the pipe of its standard output, and lose what it prints while it stops.
     */
    private record Receiver(Process process, List<String> out, Thread reader) {

        /** Waits for the process to end and for what it printed last to be read. */
        void awaitEnd() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("receive-wal ends").isTrue();
            reader.join(10_000);
        }
    }

    private void newHome(String slot, String... options) throws IOException {
        home = Files.createTempDirectory(work, "home");
        config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\nlog_file = " + home.resolve("barman.log") + "\n\n[main]\n"
                + "conninfo = " + pg.conninfo() + "\nstreaming_archiver = on\narchiver = off\nslot_name = " + slot
                + "\n" + String.join("\n", options) + "\n");
    }

    private CliRun barman(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** Starts {@code barman receive-wal [options] main} as a process, and waits until it holds its lock. */
    private Receiver startReceiver(String... options) throws Exception {
        List<String> command = new ArrayList<>(BarmanProcess.command());
        command.addAll(List.of("-c", config.toString(), "receive-wal"));
        command.addAll(List.of(options));
        command.add("main");
        Process process = new ProcessBuilder(command).redirectError(home.resolve("receive-wal.err").toFile())
                .start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.add(line);
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Receiver receiver = new Receiver(process, out, reader);
        receivers.add(receiver);
        await(() -> Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL).equals(OptionalLong.of(process.pid()))
                || !process.isAlive(), "receive-wal takes its lock");
        assertThat(process.isAlive()).as("receive-wal runs; it printed %s and %s", out,
                Files.readString(home.resolve("receive-wal.err"))).isTrue();
        return receiver;
    }

    private void awaitLine(Receiver receiver, String start) throws Exception {
        await(() -> receiver.out.stream().anyMatch(line -> line.startsWith(start)) || !receiver.process.isAlive(),
                "a line starting with '" + start + "'");
        assertThat(receiver.out).as("receive-wal's output; its errors: %s", Files.readString(
                home.resolve("receive-wal.err"))).anyMatch(line -> line.startsWith(start));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Path streaming() {
        return home.resolve("main/streaming");
    }

    private static String writeAndSwitch() {
        pg.execute("INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
        return pg.queryValue("SELECT pg_walfile_name(pg_switch_wal())");
    }

    private static String slotActive(String slot) {
        return pg.queryValue("SELECT coalesce((SELECT active::text FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'), 'missing')").substring(0, 1);
    }

    private static void dropSlot(String slot) {
        pg.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }

    private static String lsnIn(String text) {
        Matcher lsn = Pattern.compile("Current LSN on master: (\\S+)").matcher(text);
        assertThat(lsn.find()).as(text).isTrue();
        return lsn.group(1);
    }
}
