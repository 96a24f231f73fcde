package org.barman.testkit;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server for a test: its own temporary folder, a free port on 127.0.0.1, trust
 * authentication for the superuser {@value #SUPERUSER}, and settings suited to backup tests.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder()
 *         .majorVersion(15)
 *         .setting("archive_mode", "on")
 *         .setting("archive_command", "cp %p " + incoming + "/%f")
 *         .start()) {
 *     pg.execute("create table t(i int)");
 *     String lsn = pg.queryValue("select pg_current_wal_lsn()");
 * }
 * }</pre>
 *
 * <p><b>OS user.</b> PostgreSQL refuses to run as root. When the JVM runs as root, every PostgreSQL program
 * runs as the OS user {@code postgres} (through {@code setpriv}) and the cluster's folders belong to it; see
 * {@link #osUser()} and {@link #grantToClusterUser(Path)} for folders PostgreSQL must write into, such as the
 * folder an {@code archive_command} copies WAL to.
 *
 * <p><b>Settings.</b> A new cluster gets {@code wal_level = replica}, {@code max_wal_senders = 10},
 * {@code max_replication_slots = 10}, {@code max_connections = 30}, {@code shared_buffers = 16MB} and then the
 * builder's settings, in {@code postgresql.conf}. {@code fsync} keeps its default (on): {@link #crash()} and
 * restart must behave as in production. The settings {@code port}, {@code listen_addresses} (127.0.0.1 only),
 * {@code unix_socket_directories} (a folder of the cluster's own) and {@code logging_collector} (off: the
 * server log is {@link #serverLog()}) are chosen by the test kit and given on the server's command line, so
 * that a copy of another cluster's data folder starts on its own port too.
 *
 * <p><b>Socket-only clusters.</b> With {@link Builder#socketOnly()} the server listens on no TCP address at all,
 * only on its Unix-domain socket in {@link #socketDirectory()}, and its {@code pg_hba.conf} allows nothing but
 * {@code local} connections with {@code peer} authentication (any OS user as the role of the same name, and the
 * JVM's OS user as {@value #SUPERUSER}, through the {@code pg_ident.conf} map {@value #PEER_MAP}): the set-up of
 * a Barman on the database host. {@link #host()} and {@link #conninfo()} then name the socket folder, and the
 * test kit's own connections go through {@link ClusterSocketFactory}.
 *
 * <p><b>Existing data folders.</b> {@link Builder#existingDataDirectory(Path)} (or
 * {@link #startExisting(Path, int, Map)}) starts PostgreSQL on a data folder the test made, such as a recovered
 * backup: ownership and mode 0700 are fixed first, the builder's settings are appended to its
 * {@code postgresql.auto.conf}, and {@link #close()} leaves that folder in place. When recovery is expected to
 * shut the server down ({@code recovery_target_action = shutdown}) or to fail, use {@link Builder#launch()} and
 * {@link #awaitShutdown(Duration)}, then read {@link #serverLogTail(int)}.
 *
 * <p><b>Clean-up.</b> {@link #close()} stops the server and deletes the cluster's temporary folder; a JVM
 * shutdown hook does the same (immediate stop) for clusters a crashed test run did not close.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The address the server listens on, and the only one. */
    public static final String HOST = "127.0.0.1";

    /** The database superuser, created by initdb (and the database the test kit connects to). */
    public static final String SUPERUSER = "postgres";

    /** The {@code pg_ident.conf} map of a {@link Builder#socketOnly() socket-only} cluster's peer authentication. */
    public static final String PEER_MAP = "testkit";

    /** Settings chosen by the test kit; a test cannot set them. */
    public static final Set<String> RESERVED_SETTINGS =
            Set.of("port", "listen_addresses", "unix_socket_directories", "logging_collector");

    private static final Map<String, String> DEFAULT_SETTINGS = defaultSettings();
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final int BIND_ATTEMPTS = 5;

    private final int major;
    private final Path binDir;
    private final Path workDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path serverLog;
    private final Duration startTimeout;
    private final boolean socketOnly;
    private final Runnable emergencyStop = this::emergencyStop;
    private volatile int port;
    private volatile Process postmaster;
    private boolean closed;

    private PostgresCluster(int major, Path workDir, Path dataDir, Duration startTimeout, boolean socketOnly) {
        this.major = major;
        this.socketOnly = socketOnly;
        this.binDir = PostgresBinaries.binDirectory(major);
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.startTimeout = startTimeout;
        this.socketDir = workDir.resolve("socket");
        this.serverLog = workDir.resolve("server.log");
        this.port = FreePorts.pick();
    }

    /** @return a builder for a new cluster (or, with {@link Builder#existingDataDirectory(Path)}, an existing one) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts PostgreSQL on an existing data folder (a recovered backup, for example) on a new free port and
     * waits until it accepts connections.
     *
     * @param dataDir the data folder; it is given to the cluster's OS user, mode 0700
     * @param major the PostgreSQL major version of that folder
     * @param extraSettings appended to its {@code postgresql.auto.conf}
     * @return the running cluster; closing it stops the server but keeps {@code dataDir}
     */
    public static PostgresCluster startExisting(Path dataDir, int major, Map<String, String> extraSettings) {
        return builder().existingDataDirectory(dataDir).majorVersion(major).settings(extraSettings).start();
    }

    /**
     * Makes a file or folder usable by the OS user that runs PostgreSQL ({@code chown -R postgres} when the JVM
     * runs as root; nothing otherwise). Folders above it that lie in java.io.tmpdir (JUnit's {@code @TempDir}
     * is mode 0700) get the search permission for others; any other folder above it that {@code postgres}
     * cannot pass is an error.
     *
     * @param path an existing file or folder, such as the {@code incoming/} folder an archive_command writes to
     */
    public static void grantToClusterUser(Path path) {
        ClusterUser.grant(path);
    }

    // ---------------------------------------------------------------- what the test connects to

    /** @return the server's port: its TCP port on {@link #HOST}, and the number in its socket file's name */
    public int port() {
        return port;
    }

    /** @return {@value #HOST}, or the socket folder for a {@link Builder#socketOnly() socket-only} cluster */
    public String host() {
        return socketOnly ? socketDir.toString() : HOST;
    }

    /** @return whether the server listens only on its Unix-domain socket, with peer authentication */
    public boolean isSocketOnly() {
        return socketOnly;
    }

    /** @return the data folder (PGDATA) */
    public Path dataDirectory() {
        return dataDir;
    }

    /** @return the folder holding this major's {@code initdb}, {@code pg_ctl}, {@code postgres} and, for 15, client tools */
    public Path binDirectory() {
        return binDir;
    }

    /** @return the folder holding the server's Unix-domain socket */
    public Path socketDirectory() {
        return socketDir;
    }

    /** @return the server's socket file, {@code <socket folder>/.s.PGSQL.<port>} */
    public Path socketFile() {
        return socketDir.resolve(".s.PGSQL." + port);
    }

    /** @return the PostgreSQL major version */
    public int majorVersion() {
        return major;
    }

    /** @return the OS user running the server: {@code postgres} when the JVM runs as root, else the JVM's user */
    public String osUser() {
        return ClusterUser.name();
    }

    /**
     * @return a libpq connection string: {@code host=127.0.0.1 port=N user=postgres dbname=postgres}, with the
     *         socket folder as host for a {@link Builder#socketOnly() socket-only} cluster
     */
    public String conninfo() {
        return "host=" + host() + " port=" + port + " user=" + SUPERUSER + " dbname=postgres";
    }

    /**
     * @return a PostgreSQL JDBC URL for the superuser and database {@code postgres}; for a
     *         {@link Builder#socketOnly() socket-only} cluster it names {@link ClusterSocketFactory} and the
     *         socket file
     */
    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + HOST + ":" + port + "/postgres?user=" + SUPERUSER;
        if (!socketOnly) {
            return url;
        }
        return url + "&sslmode=disable&gssEncMode=disable&socketFactory=" + ClusterSocketFactory.class.getName()
                + "&socketFactoryArg=" + URLEncoder.encode(socketFile().toString(), StandardCharsets.UTF_8);
    }

    /**
     * @return a new JDBC connection (auto-commit) as the superuser; the caller closes it
     * @throws SQLException when the server refuses the connection
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /**
     * Runs one SQL statement (or several separated by semicolons) in auto-commit mode.
     *
     * @param sql the statements
     */
    public void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw sqlFailure(sql, e);
        }
    }

    /**
     * @param sql a query
     * @return the first column of the first row, as text (null for SQL NULL)
     * @throws IllegalStateException when the query returns no row
     */
    public String queryValue(String sql) {
        List<List<String>> rows = query(sql);
        if (rows.isEmpty() || rows.get(0).isEmpty()) {
            throw new IllegalStateException("query returned no value: " + sql);
        }
        return rows.get(0).get(0);
    }

    /**
     * @param sql a query
     * @return every row, each as its columns' text (null for SQL NULL)
     */
    public List<List<String>> query(String sql) {
        try (Connection connection = connect();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (result.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(Collections.unmodifiableList(row));
            }
            return Collections.unmodifiableList(rows);
        } catch (SQLException e) {
            throw sqlFailure(sql, e);
        }
    }

    // ---------------------------------------------------------------- life cycle

    /** @return whether the server process is alive */
    public boolean isRunning() {
        Process process = postmaster;
        return process != null && process.isAlive();
    }

    /** Starts the (stopped) server and waits until it accepts connections (as long as the builder's start timeout). */
    public synchronized void start() {
        launch();
        awaitReady(startTimeout);
    }

    /**
     * Starts the (stopped) server without waiting for it to accept connections: for recoveries that end with
     * a shutdown or a failure. Follow with {@link #awaitReady}, {@link #awaitRecoveryEnd} or
     * {@link #awaitShutdown}.
     */
    public synchronized void launch() {
        checkOpen();
        if (isRunning()) {
            throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " is already running");
        }
        for (int attempt = 1; ; attempt++) {
            long logStart = logSize();
            Process process = spawnPostmaster();
            postmaster = process;
            if (waitUntilListeningOrExited(process)) {
                return;
            }
            String newLog = logSince(logStart);
            if (attempt < BIND_ATTEMPTS && newLog.contains("could not bind")) {
                port = FreePorts.pick();
                continue;
            }
            return;
        }
    }

    /**
     * Waits until the server accepts connections (read-write, or read-only in hot standby).
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException with the server log's tail when it exits first or the time runs out
     */
    public void awaitReady(Duration timeout) {
        awaitStatus(timeout, Set.of("ready", "standby"), "accept connections");
    }

    /**
     * Waits until recovery has ended and the server accepts read-write connections.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException with the server log's tail when it exits first or the time runs out
     */
    public void awaitRecoveryEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitStatus(timeout, Set.of("ready"), "end recovery and accept read-write connections");
        // The status line can say ready a moment before connections are let in: wait for a real answer.
        while (true) {
            try {
                if ("f".equals(queryValue("SELECT pg_is_in_recovery()"))) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " did not accept "
                            + "read-write connections within " + timeout + "; " + logTailForMessage(), notYet);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " is still in recovery "
                        + "after " + timeout + "; " + logTailForMessage());
            }
            sleep(50);
        }
    }

    /**
     * Waits until the server process exits by itself (for example at a recovery target with
     * {@code recovery_target_action = shutdown}, or because recovery failed).
     *
     * @param timeout how long to wait at most
     * @return the server's exit code (0 for a clean shutdown)
     * @throws IllegalStateException with the server log's tail when it is still running after the timeout
     */
    public int awaitShutdown(Duration timeout) {
        Process process = postmaster;
        if (process == null) {
            throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " was never started");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " was still running after "
                        + timeout + "; " + logTailForMessage());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL to shut down", e);
        }
    }

    /** Stops the server (fast shutdown: sessions are cancelled, a shutdown checkpoint is written); no-op when stopped. */
    public synchronized void stop() {
        Process process = postmaster;
        if (process == null || !process.isAlive()) {
            return;
        }
        Processes.signal(process.pid(), "INT");
        if (waitFor(process, STOP_TIMEOUT)) {
            return;
        }
        Processes.signal(process.pid(), "QUIT");
        if (!waitFor(process, Duration.ofSeconds(30))) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
        throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " did not stop within "
                + STOP_TIMEOUT + " and was stopped in immediate mode; " + logTailForMessage());
    }

    /**
     * Stops the server in immediate mode, as a crash would: no shutdown checkpoint, the next start runs crash
     * recovery. No-op when stopped.
     */
    public synchronized void crash() {
        Process process = postmaster;
        if (process == null || !process.isAlive()) {
            return;
        }
        Processes.signal(process.pid(), "QUIT");
        if (!waitFor(process, Duration.ofSeconds(60))) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
    }

    /** Stops (fast) and starts the server again, on the same port. */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Makes the server re-read its configuration files and waits until it has (a new session sees the new
     * values). Settings that need a restart need {@link #restart()}.
     */
    public void reloadConfig() {
        checkRunning();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            Timestamp before = loadTime(statement);
            statement.execute("select pg_reload_conf()");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!loadTime(statement).after(before)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL " + major + " did not reload its configuration within 60 s; "
                            + logTailForMessage());
                }
                sleep(20);
            }
        } catch (SQLException e) {
            throw sqlFailure("select pg_reload_conf()", e);
        }
    }

    /**
     * Changes a setting: with {@code ALTER SYSTEM} and a reload when the server runs, by appending to
     * {@code postgresql.auto.conf} when it is stopped. A setting that needs a restart takes effect at the next
     * {@link #restart()}.
     *
     * @param name a setting name such as {@code archive_command}; not one of {@link #RESERVED_SETTINGS}
     * @param value its value, unquoted (the test kit quotes it)
     */
    public synchronized void setSetting(String name, String value) {
        checkSettingName(name);
        Objects.requireNonNull(value, "value is null");
        if (isRunning()) {
            execute("alter system set " + name + " = " + sqlLiteral(value));
            reloadConfig();
        } else {
            appendSettings(dataDir.resolve("postgresql.auto.conf"), Map.of(name, value));
        }
    }

    // ---------------------------------------------------------------- programs and logs

    /**
     * Runs a program as the cluster's OS user, with {@code PGHOST} (the socket folder for a socket-only
     * cluster), {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE} set for this cluster and {@link #binDirectory()} first in {@code PATH}. A bare program
     * name found in {@link #binDirectory()} runs from there. Waits at most 10 minutes.
     *
     * @param command the program and its arguments, such as {@code List.of("pgbench", "-i", "-s", "1")}
     * @return its exit code and output (a failure is not an exception)
     */
    public ProcessResult runAsClusterUser(List<String> command) {
        return runAsClusterUser(command, COMMAND_TIMEOUT);
    }

    /**
     * Like {@link #runAsClusterUser(List)}, with a time limit.
     *
     * @param command the program and its arguments
     * @param timeout how long it may run
     * @return its exit code and output (a failure is not an exception)
     */
    public ProcessResult runAsClusterUser(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        List<String> resolved = new ArrayList<>(command);
        String program = resolved.get(0);
        if (!program.contains("/") && Files.isExecutable(binDir.resolve(program))) {
            resolved.set(0, binDir.resolve(program).toString());
        }
        Map<String, String> env = ClusterUser.environment();
        env.put("PGHOST", host());
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", SUPERUSER);
        env.put("PGDATABASE", "postgres");
        env.put("PGCLIENTENCODING", "UTF8");
        env.put("PATH", binDir + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        return Processes.run(ClusterUser.command(resolved), workDir, env, timeout);
    }

    /** @return the server log: everything the server printed, across restarts */
    public Path serverLog() {
        return serverLog;
    }

    /**
     * @param lines how many lines at most
     * @return the last lines of the server log
     */
    public String serverLogTail(int lines) {
        String text = logSince(Math.max(0, logSize() - 256 * 1024));
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", Arrays.asList(all).subList(from, all.length)).strip();
    }

    /** Stops the server (fast, else immediate) and deletes the cluster's temporary folder (not an existing data folder it was given). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            stop();
        } catch (RuntimeException e) {
            failure = e;
            crash();
        } finally {
            LastResort.unregister(emergencyStop);
            try {
                TempFolders.deleteRecursively(workDir);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major + " on " + (socketOnly ? socketFile().toString() : HOST + ":" + port)
                + " (" + dataDir + ")";
    }

    // ---------------------------------------------------------------- internals

    private void initdb(List<String> extraArguments) {
        List<String> command = new ArrayList<>(List.of(binDir.resolve("initdb").toString(),
                "-D", dataDir.toString(), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C",
                // initdb's own fsync of the new files: a crash of the server (not of the machine) cannot lose them
                "--no-sync"));
        command.addAll(extraArguments);
        ProcessResult result = Processes.run(ClusterUser.command(command), workDir, ClusterUser.environment(),
                Duration.ofMinutes(5));
        if (!result.succeeded()) {
            throw new IllegalStateException("initdb of PostgreSQL " + major + " failed with exit code "
                    + result.exitCode() + ":\n" + result.output());
        }
    }

    private Process spawnPostmaster() {
        List<String> command = List.of(binDir.resolve("postgres").toString(),
                "-D", dataDir.toString(),
                "-c", "port=" + port,
                "-c", "listen_addresses=" + (socketOnly ? "" : HOST),
                "-c", "unix_socket_directories=" + socketDir,
                "-c", "logging_collector=off");
        try {
            ProcessBuilder builder = new ProcessBuilder(ClusterUser.command(command))
                    .directory(workDir.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
            builder.environment().clear();
            builder.environment().putAll(ClusterUser.environment());
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binDir.resolve("postgres") + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return true once the server has opened its sockets (postmaster.pid has its status line), false when
     *         it exited before
     */
    private boolean waitUntilListeningOrExited(Process process) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pidFileStatus(process) != null) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    private void awaitStatus(Duration timeout, Set<String> wanted, String what) {
        Process process = postmaster;
        if (process == null) {
            throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " was never started");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String status = pidFileStatus(process);
            if (status != null && wanted.contains(status)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " exited with code "
                        + process.exitValue() + " instead of waiting to " + what + "; " + logTailForMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL " + major + " in " + dataDir + " did not " + what
                        + " within " + timeout + " (status " + status + "); " + logTailForMessage());
            }
            sleep(20);
        }
    }

    /** @return the status line of postmaster.pid when it belongs to this process, else null */
    private String pidFileStatus(Process process) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.size() >= 8 && lines.get(0).trim().equals(Long.toString(process.pid()))) {
                return lines.get(7).trim();
            }
            return null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dataDir.resolve("postmaster.pid") + ": " + e.getMessage(), e);
        }
    }

    private String logTailForMessage() {
        return "server log " + serverLog + " ends with:\n" + serverLogTail(30);
    }

    private long logSize() {
        try {
            return Files.exists(serverLog) ? Files.size(serverLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        if (!Files.exists(serverLog)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(serverLog.toFile(), "r")) {
            long length = file.length();
            if (offset >= length) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, Integer.MAX_VALUE - 8)];
            file.seek(offset);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + serverLog + ": " + e.getMessage() + ")";
        }
    }

    private static Timestamp loadTime(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("select pg_conf_load_time()")) {
            result.next();
            return result.getTimestamp(1);
        }
    }

    private IllegalStateException sqlFailure(String sql, SQLException e) {
        return new IllegalStateException("SQL failed on " + this + ": " + e.getMessage() + "\n  in: " + sql, e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void checkRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(this + " is not running");
        }
    }

    private void emergencyStop() {
        Process process = postmaster;
        if (process != null && process.isAlive()) {
            Processes.signal(process.pid(), "QUIT");
            if (!waitFor(process, Duration.ofSeconds(20))) {
                process.destroyForcibly();
            }
        }
        TempFolders.deleteRecursively(workDir);
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }

    static void checkSettingName(String name) {
        Objects.requireNonNull(name, "setting name is null");
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a PostgreSQL setting name: \"" + name + "\"");
        }
        if (RESERVED_SETTINGS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("setting " + name + " is chosen by the test kit and cannot be set");
        }
    }

    /** @return a value quoted for postgresql.conf: single quotes, with quotes doubled and backslashes escaped */
    static String confQuote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String sqlLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static void appendSettings(Path file, Map<String, String> settings) {
        if (settings.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("\n# added by barman-testkit\n");
        settings.forEach((name, value) -> text.append(name).append(" = ").append(confQuote(value)).append('\n'));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append settings to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Allows only local connections, with peer authentication, as {@link Builder#socketOnly()} says. */
    private void writePeerOnlyAuthentication() throws IOException {
        Files.writeString(dataDir.resolve("pg_hba.conf"), "# written by barman-testkit: socket only, peer\n"
                + "local all all peer map=" + PEER_MAP + "\n"
                + "local replication all peer map=" + PEER_MAP + "\n", StandardCharsets.UTF_8);
        Files.writeString(dataDir.resolve("pg_ident.conf"), "# written by barman-testkit: each OS user as the role "
                + "of its name, the tests' OS user as " + SUPERUSER + "\n"
                + PEER_MAP + " /^(.*)$ \\1\n"
                + PEER_MAP + " " + System.getProperty("user.name") + " " + SUPERUSER + "\n", StandardCharsets.UTF_8);
        ClusterUser.grant(dataDir.resolve("pg_hba.conf"));
        ClusterUser.grant(dataDir.resolve("pg_ident.conf"));
    }

    private static Map<String, String> defaultSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.put("max_connections", "30");
        settings.put("shared_buffers", "16MB");
        return Collections.unmodifiableMap(settings);
    }

    private static int majorOf(Path dataDir) {
        Path versionFile = dataDir.resolve("PG_VERSION");
        try {
            return Integer.parseInt(Files.readString(versionFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException(dataDir + " is not a PostgreSQL data folder: cannot read "
                    + versionFile + " (" + e.getMessage() + ")", e);
        }
    }

    /** Configures and starts a {@link PostgresCluster}. */
    public static final class Builder {

        /** How long {@link #start()} waits for the server to accept connections. */
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

        private Integer major;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> initdbArguments = new ArrayList<>();
        private Path existingDataDir;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean socketOnly;

        private Builder() {
        }

        /**
         * @param major the PostgreSQL major version (default {@value PostgresBinaries#DEFAULT_MAJOR}); see
         *     {@link PostgresBinaries}
         * @return this builder
         */
        public Builder majorVersion(int major) {
            this.major = major;
            return this;
        }

        /**
         * Adds a setting; a later call for the same name wins.
         *
         * @param name the setting's name
         * @param value its value, unquoted
         * @return this builder
         */
        public Builder setting(String name, String value) {
            checkSettingName(name);
            settings.put(name, Objects.requireNonNull(value, "value of " + name + " is null"));
            return this;
        }

        /**
         * Adds settings, as {@link #setting} does.
         *
         * @param more names and unquoted values
         * @return this builder
         */
        public Builder settings(Map<String, String> more) {
            more.forEach(this::setting);
            return this;
        }

        /**
         * Adds an initdb argument for a new cluster.
         *
         * @param argument such as {@code --data-checksums}
         * @return this builder
         */
        public Builder initdbArgument(String argument) {
            initdbArguments.add(Objects.requireNonNull(argument, "argument is null"));
            return this;
        }

        /**
         * Starts PostgreSQL on this existing data folder instead of a new one. The major version defaults to
         * the folder's {@code PG_VERSION}; settings are appended to its {@code postgresql.auto.conf}; closing
         * the cluster keeps the folder.
         *
         * @param dataDir the data folder
         * @return this builder
         */
        public Builder existingDataDirectory(Path dataDir) {
            this.existingDataDir = dataDir.toAbsolutePath().normalize();
            return this;
        }

        /**
         * @param timeout how long {@link #start()} waits for the server to accept connections (default 2 minutes)
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout is null");
            return this;
        }

        /**
         * Makes the server listen on its Unix-domain socket only ({@code listen_addresses = ''}) and allow only
         * {@code local} connections with {@code peer} authentication: the OS user of the same name as the role,
         * or the JVM's OS user as {@value PostgresCluster#SUPERUSER} (map {@value PostgresCluster#PEER_MAP}).
         * The data folder's {@code pg_hba.conf} and {@code pg_ident.conf} are replaced, an existing one's too.
         *
         * @return this builder
         */
        public Builder socketOnly() {
            this.socketOnly = true;
            return this;
        }

        /**
         * Creates (or adopts) the data folder, starts the server and waits until it accepts connections.
         *
         * @return the running cluster; the caller closes it
         * @throws IllegalStateException with the server log's tail when it does not come up; nothing is left
         *         running and the temporary folder is removed
         */
        public PostgresCluster start() {
            PostgresCluster cluster = prepare();
            try {
                cluster.launch();
                cluster.awaitReady(startTimeout);
                return cluster;
            } catch (RuntimeException e) {
                closeAfterFailure(cluster, e);
                throw e;
            }
        }

        /**
         * Like {@link #start()}, but returns as soon as the server process runs (or has already exited):
         * for recoveries expected to shut down or fail.
         *
         * @return the cluster, its server started; the caller closes it
         */
        public PostgresCluster launch() {
            PostgresCluster cluster = prepare();
            try {
                cluster.launch();
                return cluster;
            } catch (RuntimeException e) {
                closeAfterFailure(cluster, e);
                throw e;
            }
        }

        private PostgresCluster prepare() {
            int chosenMajor = major != null ? major
                    : existingDataDir != null ? majorOf(existingDataDir) : PostgresBinaries.DEFAULT_MAJOR;
            if (existingDataDir != null) {
                int folderMajor = majorOf(existingDataDir);
                if (folderMajor != chosenMajor) {
                    throw new IllegalArgumentException(existingDataDir + " holds a PostgreSQL " + folderMajor
                            + " cluster, not " + chosenMajor);
                }
            }
            PostgresBinaries.binDirectory(chosenMajor);
            Path workDir = TempFolders.create("barman-pg" + chosenMajor + "-");
            PostgresCluster cluster = null;
            try {
                Path dataDir = existingDataDir != null ? existingDataDir : workDir.resolve("data");
                cluster = new PostgresCluster(chosenMajor, workDir, dataDir, startTimeout, socketOnly);
                LastResort.register(cluster.emergencyStop);
                Files.createDirectories(cluster.socketDir);
                Files.createFile(cluster.serverLog);
                ClusterUser.grant(workDir);
                if (existingDataDir == null) {
                    cluster.initdb(initdbArguments);
                    Map<String, String> all = new LinkedHashMap<>(DEFAULT_SETTINGS);
                    all.putAll(settings);
                    appendSettings(dataDir.resolve("postgresql.conf"), all);
                } else {
                    ClusterUser.grant(dataDir);
                    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
                    appendSettings(dataDir.resolve("postgresql.auto.conf"), settings);
                    if (!settings.isEmpty()) {
                        ClusterUser.grant(dataDir.resolve("postgresql.auto.conf"));
                    }
                }
                if (socketOnly) {
                    cluster.writePeerOnlyAuthentication();
                }
                return cluster;
            } catch (IOException e) {
                UncheckedIOException failure = new UncheckedIOException("cannot prepare PostgreSQL " + chosenMajor
                        + " in " + workDir + ": " + e.getMessage(), e);
                cleanUpPrepared(cluster, workDir, failure);
                throw failure;
            } catch (RuntimeException e) {
                cleanUpPrepared(cluster, workDir, e);
                throw e;
            }
        }

        private static void cleanUpPrepared(PostgresCluster cluster, Path workDir, RuntimeException failure) {
            if (cluster != null) {
                closeAfterFailure(cluster, failure);
            } else {
                try {
                    TempFolders.deleteRecursively(workDir);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }

        private static void closeAfterFailure(PostgresCluster cluster, RuntimeException failure) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
