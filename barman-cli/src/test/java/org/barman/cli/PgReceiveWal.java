package org.barman.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.PluginOptions;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverJob;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalReceiverProvider;
import org.barman.api.WalSegmentName;

/**
 * A WAL receiver for tests, named {@value #NAME}: Debian's PostgreSQL 15 {@code pg_receivewal}, which writes the
 * layout every receiver writes (complete segments, {@code <name>.partial}, {@code .history}), run on the job's
 * folder and slot, with the server's connection string and {@code streaming_archiver_name}; its verbose lines
 * become the listener's calls. Before starting it, the job's connector opens a replication connection and runs
 * {@code IDENTIFY_SYSTEM}, so that a test through it also goes through the connections Barman opens. A stop is
 * SIGINT (every second until it ends), on which pg_receivewal flushes and exits. A reset removes the folder's
 * {@code .partial} files first, so that pg_receivewal starts from the slot or the server.
 */
public final class PgReceiveWal implements WalReceiverProvider {

    /** The provider's name, for {@code -Dbarman.wal_receiver}. */
    public static final String NAME = "pg_receivewal";

    static final Path BINARY = Path.of("/usr/lib/postgresql/15/bin/pg_receivewal");

    private static final Pattern STARTING = Pattern.compile("starting log streaming at (\\S+) \\(timeline (\\d+)\\)");
    private static final Pattern FINISHED = Pattern.compile("finished segment at (\\S+) \\(timeline (\\d+)\\)");
    private static final long SEGMENT_SIZE = WalSegmentName.DEFAULT_SEGMENT_SIZE;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public WalReceiver create(PluginOptions options) {
        return (job, listener) -> receive(options, job, listener);
    }

    private static void receive(PluginOptions options, WalReceiverJob job, WalReceiverListener listener) {
        try (Connection connection = job.connector().open(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
            rows.next();
        } catch (SQLException e) {
            throw new BarmanException(e.getMessage(), e);
        }
        if (job.reset()) {
            // pg_receivewal resumes after what its folder holds: without the segment being received, it starts at
            // the slot's position, or the server's
            try (var files = java.nio.file.Files.list(job.directory())) {
                for (Path file : files.filter(file -> file.toString().endsWith(".partial")).toList()) {
                    java.nio.file.Files.delete(file);
                }
            } catch (IOException e) {
                throw new BarmanException("cannot reset " + job.directory() + ": " + e.getMessage(), e);
            }
        }
        String conninfo = options.get("streaming_conninfo").orElseGet(() -> options.require("conninfo"))
                + " application_name=" + options.require("streaming_archiver_name");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-D", job.directory().toString(), "-d",
                conninfo, "-v", "--synchronous", "-s", Long.toString(job.statusInterval().toSeconds())));
        if (job.slotName() != null) {
            command.addAll(List.of("-S", job.slotName()));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BarmanException("cannot start " + BINARY + ": " + e.getMessage(), e);
        }
        Deque<String> last = new ArrayDeque<>();
        Thread reader = new Thread(() -> read(process, listener, last), "pg_receivewal-output");
        reader.setDaemon(true);
        reader.start();
        try {
            while (process.isAlive()) {
                if (job.stopRequested().getAsBoolean()) {
                    // pg_receivewal 15 misses a SIGINT that lands between its stop check and its wait: ask again
                    for (int attempt = 0; attempt < 30 && process.isAlive(); attempt++) {
                        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
                        process.waitFor(1, TimeUnit.SECONDS);
                    }
                    if (process.isAlive()) {
                        process.destroyForcibly();
                    }
                    reader.join(5000);
                    return;
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
            reader.join(5000);
            synchronized (last) {
                throw new BarmanException("pg_receivewal exited with code " + process.exitValue() + ": "
                        + String.join(" | ", last));
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            throw new BarmanException("pg_receivewal interrupted: " + e, e);
        }
    }

    private static void read(Process process, WalReceiverListener listener, Deque<String> last) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (last) {
                    last.addLast(line);
                    if (last.size() > 5) {
                        last.removeFirst();
                    }
                }
                Matcher starting = STARTING.matcher(line);
                Matcher finished = FINISHED.matcher(line);
                if (starting.find()) {
                    listener.streaming(Long.parseLong(starting.group(2)), Lsn.parse(starting.group(1)));
                } else if (finished.find()) {
                    long end = Lsn.parse(finished.group(1)).value();
                    listener.segmentCompleted(WalSegmentName.ofSegmentNumber(Long.parseLong(finished.group(2)),
                            (end - 1) / SEGMENT_SIZE, SEGMENT_SIZE));
                } else if (line.contains("waiting") && line.contains("try again")) {
                    listener.disconnected(line, Duration.ofSeconds(5));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
