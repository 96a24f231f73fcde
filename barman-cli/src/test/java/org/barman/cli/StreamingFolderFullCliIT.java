package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.Lsn;
import org.barman.api.WalSegmentName;
import org.barman.core.lock.Locks;
import org.barman.testkit.FailingFileSystem;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming folder's file system fills up under {@code barman receive-wal}, as a DBA sees it: receive-wal exits
 * with one error line naming the folder and what to do, the log has it, {@code check} fails, the slot keeps on the
 * server what the folder does not hold, and once there is room again the receiver {@code cron} starts resumes, so that
 * the archive holds every segment the server wrote meanwhile. The folder is on a {@link FailingFileSystem}, a real
 * ext4 whose writes fail on their way to the device once its room is used up.
 */
class StreamingFolderFullCliIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final long MIB = 1024 * 1024;
    private static final long SEGMENT_SIZE = WalSegmentName.DEFAULT_SEGMENT_SIZE;
    private static final String SLOT = "full_slot";
    private static final Pattern STARTED = Pattern.compile("Started receive-wal of server main in the background "
            + "\\(pid (\\d+)\\)");
    private static final Pattern STREAMING_FROM = Pattern.compile("main: streaming timeline 1 from (\\S+)");

    static Path work;
    static PostgresCluster pg;

    private FailingFileSystem disk;
    private Path home;
    private Path config;
    private final List<Process> receivers = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws IOException {
        work = Files.createTempDirectory("barman-folder-full-it");
        pg = PostgresCluster.builder().setting("checkpoint_timeout", "30min").start();
        pg.execute("CREATE TABLE load(i int, filler text)");
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        TempFolders.deleteRecursively(work);
    }

    @BeforeEach
    void mountTheFailingDiskUnderTheStreamingFolder() throws IOException {
        disk = FailingFileSystem.mount(work);
        home = Files.createTempDirectory(work, "home");
        config = home.resolve("barman.conf");
        Files.writeString(config, "[barman]\nbarman_home = " + home + "\nbarman_user = "
                + System.getProperty("user.name") + "\nlog_file = " + home.resolve("barman.log") + "\n\n[main]\n"
                + "conninfo = " + pg.conninfo() + "\nstreaming_archiver = on\narchiver = off\nslot_name = " + SLOT
                + "\ncreate_slot = auto\nstreaming_wals_directory = " + streaming() + "\n");
    }

    /** Ends every receiver (those cron started too), then drops the slot and unmounts the disk, whatever failed. */
    @AfterEach
    void stopReceiversDropTheSlotAndUnmount() throws InterruptedException {
        try {
            for (Process receiver : receivers) {
                receiver.toHandle().destroy();
                receiver.waitFor(60, TimeUnit.SECONDS);
            }
            OptionalLong pid = Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL);
            if (pid.isPresent()) {
                ProcessHandle.of(pid.getAsLong()).ifPresent(process -> {
                    process.destroy();
                    process.onExit().orTimeout(60, TimeUnit.SECONDS).join();
                });
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ("t".equals(slotActive()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            pg.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + SLOT + "'");
        } finally {
            disk.close();
        }
    }

    @Test
    void aFullStreamingFolderStopsReceiveWalWithOneLineCheckFailsAndCronResumesWithNothingLost() throws Exception {
        Process receiver = startReceiver();
        Path out = home.resolve("receive-wal.out");
        await(() -> STREAMING_FROM.matcher(read(out)).find() || !receiver.isAlive(), "streaming");
        Matcher from = STREAMING_FROM.matcher(read(out));
        assertThat(from.find()).as("receive-wal printed %s and %s", read(out), read(errors())).isTrue();
        WalSegmentName first = Lsn.parse(from.group(1)).segment(1, SEGMENT_SIZE);

        disk.limitRoom(4 * MIB);
        writeWal(40);

        assertThat(receiver.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("receive-wal stops; %s",
                disk.description()).isTrue();
        assertThat(receiver.exitValue()).isNotZero();
        String error = read(errors());
        Matcher failure = Pattern.compile("ERROR: cannot create [0-9A-F]{24}\\.partial in the streaming folder "
                + Pattern.quote(streaming().toString()) + " of server 'main': .*\\. receive-wal stops; it reported "
                + "to the server as flushed only WAL on disk \\(up to ([0-9A-F]+/[0-9A-F]+)\\), so a replication "
                + "slot keeps the rest on the server: make room or fix the folder, then start receive-wal again\n")
                .matcher(error);
        assertThat(failure.matches()).as("one error line, on standard error: %s", error).isTrue();
        String line = error.substring("ERROR: ".length()).strip();
        assertThat(read(home.resolve("barman.log"))).as("the log file check points to").contains(" ERROR: " + line);
        Lsn reported = Lsn.parse(failure.group(1));
        WalSegmentName written = Lsn.parse(pg.queryValue("SELECT pg_current_wal_lsn()")).segment(1, SEGMENT_SIZE);
        assertThat(written).as("the server wrote past the failure").isGreaterThan(reported.segment(1, SEGMENT_SIZE));

        await(() -> "f".equals(slotActive()), "the server sees the receiver gone");
        CliRun check = barman("check", "main");
        assertThat(check.exitCode()).as(check.out()).isEqualTo(1);
        assertThat(check.out()).contains("\treceive-wal running: FAILED (receive-wal is not running: barman cron "
                + "starts it (or run barman receive-wal main); see the log file for why it stopped)\n",
                "\treplication slot: FAILED (slot '" + SLOT + "' not active: is 'receive-wal' running?)\n");
        assertThat(slotRestart()).as("what the server was told is flushed, and keeps from").isEqualTo(reported);
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        assertDiskHoldsTheServersWalUpTo(reported);

        disk.addRoom(512 * MIB);
        CliRun cron = barman("cron");
        assertThat(cron.exitCode()).as(cron.err()).isZero();
        Matcher started = STARTED.matcher(cron.out());
        assertThat(started.find()).as(cron.out()).isTrue();
        long pid = Long.parseLong(started.group(1));
        await(() -> "t".equals(slotActive()), "the receiver cron started streams");
        CliRun switched = barman("switch-wal", "--archive", "--archive-timeout", "60", "main");
        assertThat(switched.exitCode()).as(switched.err()).isZero();
        Matcher closed = Pattern.compile("The WAL file ([0-9A-F]{24}) has been closed").matcher(switched.out());
        assertThat(closed.find()).as(switched.out()).isTrue();
        WalSegmentName last = WalSegmentName.parse(closed.group(1));
        CliRun archive = barman("archive-wal", "main");
        assertThat(archive.exitCode()).as(archive.err()).isZero();

        assertArchiveHoldsTheServersSegments(first, last);
        assertThat(last).isGreaterThanOrEqualTo(written);
        CliRun again = barman("check", "main");
        assertThat(again.out()).contains("\tPostgreSQL streaming: OK\n", "\treplication slot: OK\n",
                "\tpg_receivexlog: OK (WAL receiver 'streaming')\n", "\treceive-wal running: OK (pid " + pid + ")\n")
                .containsPattern("\treceive-wal lag: OK \\(\\d+ bytes behind");
        assertThat(again.exitCode()).as(again.out()).isZero();
    }

    /** Every byte before {@code position} is, on the disk itself, the server's. */
    private void assertDiskHoldsTheServersWalUpTo(Lsn position) throws IOException {
        long checked = 0;
        try (var files = Files.list(streaming())) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!WalSegmentName.isValid(fileName) || !WalSegmentName.parse(fileName).hasPosition()) {
                    continue;
                }
                WalSegmentName name = WalSegmentName.parse(fileName);
                Lsn start = name.startLsn(SEGMENT_SIZE);
                if (start.compareTo(position) >= 0) {
                    continue;
                }
                int length = (int) Math.min(SEGMENT_SIZE, position.minus(start));
                byte[] mine = Arrays.copyOf(Files.readAllBytes(file), length);
                byte[] theirs = Arrays.copyOf(Files.readAllBytes(pgWal(name.segmentName())), length);
                assertThat(Arrays.mismatch(mine, theirs)).as("first byte of %s not on disk", name).isEqualTo(-1);
                checked += length;
            }
        }
        assertThat(checked).as("bytes checked up to %s", position).isGreaterThan(0);
    }

    /** The archive holds each segment from {@code first} to {@code last}, each the server's own where it has it. */
    private void assertArchiveHoldsTheServersSegments(WalSegmentName first, WalSegmentName last) throws IOException {
        String index = read(home.resolve("main/wals/xlog.db"));
        int compared = 0;
        for (WalSegmentName segment = first; segment.compareTo(last) <= 0; segment = segment.next(SEGMENT_SIZE)) {
            Path archived = home.resolve("main/wals").resolve(segment.directoryName()).resolve(segment.fileName());
            assertThat(archived).as("archived").exists();
            assertThat(index).contains(segment.fileName() + "\t" + SEGMENT_SIZE + "\t");
            if (Files.exists(pgWal(segment))) {
                assertThat(archived).hasSameBinaryContentAs(pgWal(segment));
                compared++;
            }
        }
        assertThat(compared).as("segments still in pg_wal, compared").isPositive();
    }

    /** Starts {@code barman receive-wal main} as a process, and waits until it holds its lock. */
    private Process startReceiver() throws Exception {
        List<String> command = new ArrayList<>(BarmanProcess.command());
        command.addAll(List.of("-c", config.toString(), "receive-wal", "main"));
        Process process = new ProcessBuilder(command).redirectOutput(home.resolve("receive-wal.out").toFile())
                .redirectError(errors().toFile()).start();
        receivers.add(process);
        await(() -> Locks.holder(home, "main", Locks.Kind.RECEIVE_WAL).equals(OptionalLong.of(process.pid()))
                || !process.isAlive(), "receive-wal takes its lock");
        assertThat(process.isAlive()).as("receive-wal runs; it printed %s", read(errors())).isTrue();
        return process;
    }

    private CliRun barman(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static void writeWal(int megabytes) {
        pg.execute("INSERT INTO load SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, " + megabytes * 900
                + ") g");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String slotActive() {
        return pg.queryValue("SELECT coalesce((SELECT active::text FROM pg_replication_slots WHERE slot_name = '"
                + SLOT + "'), 'missing')").substring(0, 1);
    }

    private static Lsn slotRestart() {
        return Lsn.parse(pg.queryValue("SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '" + SLOT
                + "'"));
    }

    private static Path pgWal(WalSegmentName segment) {
        return pg.dataDirectory().resolve("pg_wal").resolve(segment.fileName());
    }

    private Path streaming() {
        return disk.root().resolve("streaming");
    }

    private Path errors() {
        return home.resolve("receive-wal.err");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
