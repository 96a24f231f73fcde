package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.barman.core.lock.Locks;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RPO zero through Barman's own synchronous WAL receiver, on every supported major (Debian's PostgreSQL 15, the test
 * kit's binaries for the others): with {@code synchronous_standby_names} naming {@code barman receive-wal}, a COMMIT
 * returns only once Barman has the WAL on disk, so after the primary is killed and its data folder deleted, a
 * recovery from Barman alone to the latest point holds every transaction whose COMMIT returned: the complete
 * segments from the archive, the last ones from the segment still {@code .partial} in the streaming folder.
 *
 * <p>Writers commit on four connections and record each id whose COMMIT returned. The receiver is then frozen
 * (SIGSTOP), as a slow disk or network makes it lag, until every writer waits in its COMMIT; then every process of the
 * primary gets SIGKILL at once, as in a crash of its host (no shutdown checkpoint, no WAL sender draining what it
 * has). An asynchronous receiver would let COMMITs return meanwhile, and a recovery that ignored the {@code .partial}
 * would stop at the last complete segment: either way recorded transactions would be missing.
 *
 * <p>On the way, the base backup is completed by streamed WAL alone ({@code archiver = off}), and the receiver's
 * segments reach the archive through {@code switch-wal --archive} and {@code archive-wal}. Barman runs in-process,
 * but for {@code receive-wal}, which runs as a process of its own (as cron starts it) so that it outlives the primary
 * and is stopped as a DBA would stop it.
 */
class RpoZeroIT {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final long SEGMENT_SIZE = 16L * 1024 * 1024;
    private static final int WRITERS = 4;
    /** At least this many transactions are recorded as committed before the primary is killed. */
    private static final int MIN_COMMITTED = 200;
    private static final Pattern CLOSED = Pattern.compile("The WAL file ([0-9A-F]{24}) has been closed on server "
            + "'main'");

    private Path work;
    private Path home;
    private Path config;
    private PostgresCluster pg;
    private Process receiver;
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicBoolean killed = new AtomicBoolean();

    @AfterEach
    void cleanUp() throws InterruptedException {
        killed.set(true);
        if (receiver != null && receiver.isAlive()) {
            receiver.toHandle().destroy();
            receiver.waitFor(60, TimeUnit.SECONDS);
        }
        if (config != null) {
            OptionalLong pid = Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL);
            if (pid.isPresent()) {
                ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
            }
        }
        if (pg != null) {
            pg.close();
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        TempFolders.deleteRecursively(work);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 14, 15, 16, 17, 18})
    void everyTransactionWhoseCommitReturnedIsRecoveredAfterThePrimaryIsKilledAndItsDataDeleted(int major)
            throws Exception {
        work = Files.createTempDirectory("barman-rpo-it");
        home = work.resolve("home");
        pg = PostgresCluster.builder().majorVersion(major)
                .setting("synchronous_standby_names", "barman_receive_wal")
                .setting("synchronous_commit", "on").setting("checkpoint_timeout", "30min").start();
        config = work.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\nlog_file = " + home.resolve("barman.log") + "\n\n[main]\n"
                + "conninfo = " + pg.conninfo() + "\narchiver = off\nstreaming_archiver = on\nslot_name = barman\n"
                + "create_slot = auto\n");

        startReceiver();
        await(() -> "sync".equals(pg.queryValue("SELECT coalesce((SELECT sync_state FROM pg_stat_replication "
                + "WHERE application_name = 'barman_receive_wal'), 'none')")), "receive-wal streams as the synchronous "
                + "standby");
        assertThat(pg.queryValue("SELECT active::text FROM pg_replication_slots WHERE slot_name = 'barman'"))
                .as("the slot, created by create_slot = auto, streamed from").isEqualTo("true");
        pg.execute("CREATE TABLE committed(id bigint PRIMARY KEY, pad bytea)");

        CliRun backup = barman("backup", "--wait", "--immediate-checkpoint", "main");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).containsPattern("Backup \\d{8}T\\d{6} of server main: DONE");

        Map<Long, String> recorded = new ConcurrentHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        startWriters(recorded, failures);

        CliRun switched = barman("switch-wal", "--archive", "--archive-timeout", "60", "main");
        assertThat(switched.exitCode()).as(switched.err()).isZero();
        Matcher closed = CLOSED.matcher(switched.out());
        assertThat(closed.find()).as(switched.out()).isTrue();
        assertThat(switched.out()).contains("The WAL file " + closed.group(1) + " of server 'main' is archived\n");
        String afterSwitch = pg.queryValue("SELECT pg_current_wal_lsn()");
        await(() -> walSince(afterSwitch) > SEGMENT_SIZE && recorded.size() >= MIN_COMMITTED, "the workload fills "
                + "the segment after the switch and commits " + MIN_COMMITTED + " transactions");
        CliRun archived = barman("archive-wal", "main");
        assertThat(archived.exitCode()).as(archived.err()).isZero();
        assertThat(archived.out()).startsWith("Processing xlog segments from streaming for main\n")
                .containsPattern("\t[0-9A-F]{24}\n");

        signal("STOP", List.of(receiver.pid()));
        await(() -> Integer.parseInt(pg.queryValue("SELECT count(*) FROM pg_stat_activity WHERE wait_event = "
                + "'SyncRep'")) == WRITERS, "every writer waiting in COMMIT for the frozen receiver");
        killPrimaryAndDeleteItsData();
        signal("CONT", List.of(receiver.pid()));
        for (Thread writer : writers) {
            writer.join(WAIT.toMillis());
            assertThat(writer.isAlive()).as("a writer stopped by the primary's death").isFalse();
        }
        synchronized (failures) {
            assertThat(failures).as("the workload's failures while the primary ran").isEmpty();
        }
        CliRun stop = barman("receive-wal", "--stop", "main");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(receiver.isAlive()).isFalse();
        String partial = onlyPartial();
        CliRun last = barman("archive-wal", "main");
        assertThat(last.exitCode()).as(last.err()).isZero();

        Path destination = work.resolve("recovered");
        CliRun recover = barman("recover", "main", "latest", destination.toString());
        assertThat(recover.exitCode()).as(recover.err()).isZero();
        assertThat(destination.resolve("barman_wal").resolve(partial.replace(".partial", "")))
                .as("the segment still being received when the primary died").exists();
        Set<Long> recovered = new HashSet<>();
        try (PostgresCluster copy = PostgresCluster.startExisting(destination, major,
                Map.of("synchronous_standby_names", ""))) {
            copy.awaitRecoveryEnd(WAIT);
            copy.query("SELECT id FROM committed").forEach(row -> recovered.add(Long.parseLong(row.get(0))));
        }

        assertThat(recorded).as("transactions whose COMMIT returned").hasSizeGreaterThanOrEqualTo(MIN_COMMITTED);
        Map<Long, String> missing = new TreeMap<>(recorded);
        missing.keySet().removeAll(recovered);
        assertThat(missing.size()).as("committed transactions missing after the recovery (%d committed, %d recovered,"
                + " the last segment %s); the first ones, id=insert position: %s", recorded.size(), recovered.size(),
                partial, missing.entrySet().stream().limit(20).toList()).isZero();
    }

    /**
     * Starts the writers: each commits small transactions, one row of an id of its own and a few KiB of padding,
     * until the primary dies, and records an id once its COMMIT has returned.
     */
    private void startWriters(Map<Long, String> recorded, List<Throwable> failures) {
        AtomicLong ids = new AtomicLong();
        for (int i = 0; i < WRITERS; i++) {
            Thread writer = new Thread(() -> {
                try (Connection connection = pg.connect()) {
                    connection.setAutoCommit(false);
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO committed VALUES (?, ?) "
                            + "RETURNING pg_current_wal_insert_lsn()::text")) {
                        while (true) {
                            long id = ids.incrementAndGet();
                            byte[] pad = new byte[2048 + ThreadLocalRandom.current().nextInt(4096)];
                            ThreadLocalRandom.current().nextBytes(pad);
                            insert.setLong(1, id);
                            insert.setBytes(2, pad);
                            String position;
                            try (ResultSet result = insert.executeQuery()) {
                                result.next();
                                position = result.getString(1);
                            }
                            connection.commit();
                            recorded.put(id, position);
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (!killed.get()) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }
            }, "writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
            writer.start();
        }
    }

    /**
     * Kills the primary as a crash of its host would: the postmaster is frozen (SIGSTOP, so that it starts no new
     * process), then every process of the server, and then they all get SIGKILL. None of them runs on after the
     * others: a backend or WAL sender left alive could still send WAL or answer a COMMIT. Then the data folder is
     * deleted.
     */
    private void killPrimaryAndDeleteItsData() throws IOException, InterruptedException {
        long postmaster = Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0)
                .strip());
        killed.set(true);
        signal("STOP", List.of(postmaster));
        List<Long> server = new ArrayList<>(List.of(postmaster));
        ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(process -> server.add(process.pid()));
        assertThat(server).as("the postmaster and its processes").hasSizeGreaterThan(WRITERS + 1);
        signal("STOP", server);
        signal("KILL", server);
        await(() -> server.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                "every process of the primary dies");
        TempFolders.deleteRecursively(pg.dataDirectory());
        assertThat(pg.dataDirectory()).doesNotExist();
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kill.waitFor()).as("%s: %s", command, output).isZero();
    }

    private void startReceiver() throws Exception {
        List<String> command = new ArrayList<>(BarmanProcess.command());
        command.addAll(List.of("-c", config.toString(), "receive-wal", "main"));
        receiver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(receiverOutput().toFile())
                .start();
        await(() -> Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL).equals(OptionalLong.of(receiver.pid()))
                || !receiver.isAlive(), "receive-wal takes its lock");
        assertThat(receiver.isAlive()).as("receive-wal runs; it printed %s", Files.readString(receiverOutput()))
                .isTrue();
    }

    private Path receiverOutput() {
        return work.resolve("receive-wal.out");
    }

    /** @return the name of the one {@code .partial} segment of the streaming folder */
    private String onlyPartial() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("main/streaming"))) {
            List<String> partial = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".partial")).toList();
            assertThat(partial).as("the segment being received when the primary died").hasSize(1);
            return partial.get(0);
        }
    }

    private long walSince(String lsn) {
        return Long.parseLong(pg.queryValue("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsn + "')::bigint"));
    }

    private CliRun barman(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT + " for " + what + "; receive-wal printed:\n"
                        + Files.readString(receiverOutput()));
            }
            Thread.sleep(50);
        }
    }
}
