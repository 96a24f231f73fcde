package org.barman.core.streaming;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalReceiver;
import org.barman.api.WalReceiverJob;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalSegmentName;
import org.barman.api.support.OwnerOnly;
import org.barman.core.CronListener;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.postgres.PostgresServer;
import org.barman.core.postgres.ReplicationConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WAL streaming of one server ({@code streaming_archiver = on}): {@code barman receive-wal} in the foreground,
 * its replication slot, stopping it, and its supervision by {@code barman cron}. Get it from
 * {@link Server#streaming()}.
 *
 * <p>One receiver per server: it holds {@code .<server>-receive-wal.lock} in {@code barman_lock_directory} as long
 * as it streams, and that lock is how everything else knows it runs (and its pid).
 */
public final class WalStreaming {

    /** How long {@code cron} waits for a receiver it started to take its lock. */
    static final Duration START_WAIT = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(WalStreaming.class);

    private final Server server;
    private final ServerConfig config;

    /**
     * @param server the server
     */
    public WalStreaming(Server server) {
        this.server = server;
        this.config = server.config();
    }

    /** @return whether {@code streaming_archiver = on} */
    public boolean enabled() {
        return config.get(ConfigOptions.STREAMING_ARCHIVER);
    }

    /** @return the streaming folder, {@code streaming_wals_directory} */
    public Path directory() {
        return config.streamingWalsDirectory();
    }

    /** @return the replication slot, {@code slot_name}, when set */
    public Optional<String> slotName() {
        return Optional.ofNullable(config.get(ConfigOptions.SLOT_NAME));
    }

    /**
     * Streams the server's WAL into its streaming folder until {@code stopRequested} says to stop
     * ({@code barman receive-wal}): takes the receive-wal lock, creates the folder (its owner's only), checks the
     * replication slot (and creates it with {@code create_slot = auto}), then runs the installed
     * {@link WalReceiver}. What the receiver reports is logged, and passed on to {@code listener}.
     *
     * @param reset whether to give up the position the folder holds and start at the server's current position
     *     ({@code --reset}, after a gap that cannot be closed)
     * @param listener hears what the receiver does
     * @param stopRequested true once the receiver must stop (asked at least once a second)
     * @throws org.barman.core.lock.LockBusyException when a receiver of this server already runs (its pid is in
     *     the message)
     * @throws BarmanException when {@code streaming_archiver} is off, no receiver is installed, the slot is
     *     missing or in use, or the receiver cannot go on
     */
    public void receive(boolean reset, WalReceiverListener listener, BooleanSupplier stopRequested) {
        if (!enabled()) {
            throw new BarmanException("receive-wal: streaming_archiver is off for server " + server.name() + " ("
                    + config.originOf(ConfigOptions.STREAMING_ARCHIVER) + "): set streaming_archiver = on to "
                    + "stream its WAL");
        }
        try (FileLock lock = Locks.server(config.lockDirectory(), server.name(), Locks.Kind.RECEIVE_WAL)) {
            WalReceiver receiver = server.barman().plugins().walReceiver(config.pluginOptions());
            Path directory = directory();
            try {
                OwnerOnly.createFolders(directory);
            } catch (IOException e) {
                throw new BarmanException("cannot create the streaming folder " + directory + " of server "
                        + server.name() + ": " + e.getMessage(), e);
            }
            String slot = slotName().orElse(null);
            if (slot != null) {
                requireSlot(slot);
            }
            WalReceiverJob job = new WalReceiverJob(server.name(), ReplicationConnections.connector(config),
                    directory, slot, reset, WalReceiverJob.DEFAULT_STATUS_INTERVAL, stopRequested);
            LOG.info("Starting receive-wal for server {} into {}{}{}", server.name(), directory,
                    slot == null ? " without a replication slot" : " from replication slot " + slot,
                    reset ? ", from the server's current position (--reset)" : "");
            receiver.receive(job, new LoggingListener(server.name(), listener));
            LOG.info("receive-wal of server {} stopped", server.name());
        }
    }

    /** The slot must exist (created here with create_slot = auto), be physical, and be free. */
    private void requireSlot(String slot) {
        try (PostgresServer postgres = PostgresServer.connect(config)) {
            ReplicationSlots slots = new ReplicationSlots(postgres, server.name());
            Optional<ReplicationSlots.Slot> found = slots.find(slot);
            if (found.isEmpty()) {
                if (!"auto".equals(config.get(ConfigOptions.CREATE_SLOT))) {
                    throw new BarmanException("replication slot '" + slot + "' does not exist on server "
                            + server.name() + ": create it with barman receive-wal --create-slot " + server.name()
                            + " (or set create_slot = auto)");
                }
                slots.create(slot, true);
                LOG.info("Created replication slot '{}' of server {} (create_slot = auto)", slot, server.name());
                return;
            }
            ReplicationSlots.Slot existing = found.get();
            if (!existing.physical()) {
                throw new BarmanException("replication slot '" + slot + "' of server " + server.name() + " is a "
                        + "logical slot: receive-wal needs a physical one; choose another slot_name");
            }
            if (existing.active()) {
                throw new BarmanException("replication slot '" + slot + "' of server " + server.name() + " is "
                        + "already in use by WAL sender pid " + existing.activePid() + ": another receiver streams "
                        + "from it (see barman replication-status " + server.name() + ")");
            }
        }
    }

    /**
     * Creates the server's replication slot ({@code receive-wal --create-slot}), reserving WAL at once.
     *
     * @param ifNotExists whether an existing slot of that name is fine ({@code --if-not-exists})
     * @return what was done
     * @throws BarmanException when {@code slot_name} is not set, the slot exists (unless accepted), or
     *     PostgreSQL refuses
     */
    public ReplicationSlots.Creation createSlot(boolean ifNotExists) {
        String slot = requireSlotName("--create-slot");
        try (PostgresServer postgres = PostgresServer.connect(config)) {
            ReplicationSlots.Creation creation = new ReplicationSlots(postgres, server.name()).create(slot,
                    ifNotExists);
            if (creation == ReplicationSlots.Creation.CREATED) {
                LOG.info("Created replication slot '{}' of server {}", slot, server.name());
            }
            return creation;
        }
    }

    /**
     * Drops the server's replication slot ({@code receive-wal --drop-slot}): PostgreSQL keeps no WAL for Barman any
     * more.
     *
     * @throws BarmanException when {@code slot_name} is not set, the slot does not exist or is in use
     */
    public void dropSlot() {
        String slot = requireSlotName("--drop-slot");
        try (PostgresServer postgres = PostgresServer.connect(config)) {
            new ReplicationSlots(postgres, server.name()).drop(slot);
            LOG.info("Dropped replication slot '{}' of server {}", slot, server.name());
        }
    }

    private String requireSlotName(String option) {
        return slotName().orElseThrow(() -> new BarmanException("receive-wal " + option + ": slot_name is not set "
                + "for server " + server.name() + " (" + config.origin() + "): set slot_name = barman (or another "
                + "name) first"));
    }

    /**
     * @param postgres a connection to the server's PostgreSQL
     * @return the server's slot as {@code pg_replication_slots} shows it, empty when {@code slot_name} is unset or
     *     the slot does not exist
     */
    public Optional<ReplicationSlots.Slot> slot(PostgresServer postgres) {
        return slotName().flatMap(slot -> new ReplicationSlots(postgres, server.name()).find(slot));
    }

    /**
     * @return the pid of the running {@code receive-wal} of this server (this process's own when it runs here),
     *     empty when none runs
     */
    public OptionalLong receiverPid() {
        return Locks.holder(config.lockDirectory(), server.name(), Locks.Kind.RECEIVE_WAL);
    }

    /**
     * Ends the running {@code receive-wal} of this server ({@code receive-wal --stop}): asks it to stop
     * (SIGTERM: it flushes what it received and reports it first) and waits until it has.
     *
     * @param wait how long to wait for it to end
     * @return the pid of the process stopped
     * @throws BarmanException when none runs, it runs in this process, or it did not end in time
     */
    public long stopReceiver(Duration wait) {
        OptionalLong holder = receiverPid();
        if (holder.isEmpty()) {
            throw new BarmanException("no receive-wal is running for server " + server.name() + " (its lock "
                    + Locks.path(config.lockDirectory(), server.name(), Locks.Kind.RECEIVE_WAL) + " is free)");
        }
        long pid = holder.getAsLong();
        if (pid <= 0) {
            throw new BarmanException("receive-wal of server " + server.name() + " runs, but its lock file "
                    + Locks.path(config.lockDirectory(), server.name(), Locks.Kind.RECEIVE_WAL)
                    + " does not say its pid: stop it by hand");
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new BarmanException("receive-wal of server " + server.name() + " runs in this process (pid " + pid
                    + "): stop it through the stop condition it was given");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return pid;
        }
        LOG.info("Stopping receive-wal of server {} (pid {})", server.name(), pid);
        process.get().destroy();
        long deadline = System.nanoTime() + wait.toNanos();
        while (process.get().isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new BarmanException("receive-wal of server " + server.name() + " (pid " + pid + ") did not "
                        + "stop within " + wait.toSeconds() + " s of SIGTERM; look at its log, and end it with kill "
                        + "-9 " + pid + " if it hangs (it resumes from its .partial file at the next start)");
            }
            sleep(Duration.ofMillis(50));
        }
        LOG.info("Stopped receive-wal of server {} (pid {})", server.name(), pid);
        return pid;
    }

    /**
     * This server's part of {@code barman cron} for streaming: with {@code streaming_archiver = on}, starts
     * {@code receive-wal} when it is not running (creating the slot first with {@code create_slot = auto});
     * with it off, stops a receiver that still runs (the configuration changed).
     *
     * @param launcher starts a receiver in the background
     * @param listener hears what happens
     * @return whether it went through
     */
    public boolean supervise(ReceiveWalLauncher launcher, CronListener listener) {
        OptionalLong running = receiverPid();
        if (!enabled()) {
            if (running.isPresent() && running.getAsLong() != ProcessHandle.current().pid()) {
                try {
                    listener.receiverStopped(server, stopReceiver(Duration.ofSeconds(60)));
                } catch (BarmanException e) {
                    listener.failed(server, e.getMessage());
                    return false;
                }
            }
            return true;
        }
        if (running.isPresent()) {
            LOG.debug("receive-wal of server {} runs (pid {})", server.name(), running.getAsLong());
            return true;
        }
        try {
            if (slotName().isPresent() && "auto".equals(config.get(ConfigOptions.CREATE_SLOT))) {
                String slot = slotName().get();
                try (PostgresServer postgres = PostgresServer.connect(config)) {
                    if (new ReplicationSlots(postgres, server.name()).create(slot, true)
                            == ReplicationSlots.Creation.CREATED) {
                        LOG.info("Created replication slot '{}' of server {} (create_slot = auto)", slot,
                                server.name());
                        listener.slotCreated(server, slot);
                    }
                }
            }
            listener.receiverStarting(server);
            ProcessHandle started = launcher.launch(server);
            long pid = awaitStart(started);
            LOG.info("Started receive-wal of server {} in the background (pid {})", server.name(), pid);
            listener.receiverStarted(server, pid);
            return true;
        } catch (BarmanException e) {
            LOG.error("receive-wal of server {} not started: {}", server.name(), e.getMessage());
            listener.failed(server, e.getMessage());
            return false;
        }
    }

    /** Waits until the receiver started holds its lock, or has ended. */
    private long awaitStart(ProcessHandle started) {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            OptionalLong holder = receiverPid();
            if (holder.isPresent()) {
                return holder.getAsLong();
            }
            if (!started.isAlive()) {
                throw new BarmanException("receive-wal of server " + server.name() + " (pid " + started.pid()
                        + ") ended at once: see its errors in log_file; the next cron starts it again");
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("receive-wal of server {} (pid {}) has not taken its lock {} s after its start", server.name(),
                        started.pid(), START_WAIT.toSeconds());
                return started.pid();
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("interrupted", e);
        }
    }

    /** Logs what the receiver reports (segments at INFO, losses at WARNING, flushes at DEBUG), then passes it on. */
    private record LoggingListener(String server, WalReceiverListener next) implements WalReceiverListener {

        @Override
        public void streaming(long timeline, Lsn start) {
            LOG.info("receive-wal of server {} streams timeline {} from {}", server, timeline, start);
            next.streaming(timeline, start);
        }

        @Override
        public void flushed(Lsn position) {
            LOG.debug("receive-wal of server {} flushed up to {}", server, position);
            next.flushed(position);
        }

        @Override
        public void segmentCompleted(WalSegmentName segment) {
            LOG.info("receive-wal of server {} received {}", server, segment);
            next.segmentCompleted(segment);
        }

        @Override
        public void disconnected(String reason, Duration retryIn) {
            LOG.warn("receive-wal of server {} lost its connection ({}); trying again in {} s", server, reason,
                    retryIn.toSeconds());
            next.disconnected(reason, retryIn);
        }
    }
}
