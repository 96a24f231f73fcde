package org.barman.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.barman.api.Lsn;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalSegmentName;
import org.barman.core.Server;
import org.barman.core.streaming.ReplicationSlots;
import org.barman.core.streaming.WalStreaming;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code barman receive-wal [--create-slot [--if-not-exists] | --drop-slot | --reset | --stop] SERVER}: streams
 * a server's WAL in the foreground until stopped (SIGTERM or Ctrl-C), or manages its slot, or stops the receiver
 * that runs.
 */
@Command(mixinStandardHelpOptions = true, name = "receive-wal", description = "Stream a server's WAL into its "
        + "streaming folder over the replication protocol, in the foreground until stopped (barman cron starts it in "
        + "the background); or create or drop its replication slot, or stop the receiver that runs.")
final class ReceiveWalCommand implements Callable<Integer> {

    /** How long --stop, and a signal, wait for the receiver to flush and end. */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);

    @ParentCommand
    private BarmanCommand barman;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Action action;

    @Option(names = "--if-not-exists", description = "With --create-slot: an existing slot of that name is fine.")
    private boolean ifNotExists;

    @Parameters(paramLabel = "SERVER", description = "The server name.")
    private String serverName;

    /** What to do instead of streaming; one at most. */
    static final class Action {
        @Option(names = "--create-slot", description = "Create the replication slot slot_name, reserving WAL.")
        boolean createSlot;

        @Option(names = "--drop-slot", description = "Drop the replication slot slot_name.")
        boolean dropSlot;

        @Option(names = "--reset", description = "Stream from the server's current position, giving up the one "
                + "the streaming folder holds (after a gap that cannot be closed: take a new backup then).")
        boolean reset;

        @Option(names = "--stop", description = "Stop the receive-wal that runs for the server, and wait for it.")
        boolean stop;
    }

    @Override
    public Integer call() {
        if (ifNotExists && (action == null || !action.createSlot)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--if-not-exists goes with --create-slot");
        }
        Server server = barman.barman().server(serverName);
        WalStreaming streaming = server.streaming();
        if (action != null && action.createSlot) {
            String slot = streaming.slotName().orElse("?");
            barman.info("Creating physical replication slot '" + slot + "' on server '" + server.name() + "'");
            if (streaming.createSlot(ifNotExists) == ReplicationSlots.Creation.CREATED) {
                barman.info("Replication slot '" + slot + "' created");
            } else {
                barman.info("Replication slot '" + slot + "' already exists and --if-not-exists was given: "
                        + "skipping creation");
            }
            return 0;
        }
        if (action != null && action.dropSlot) {
            String slot = streaming.slotName().orElse("?");
            barman.info("Dropping physical replication slot '" + slot + "' on server '" + server.name() + "'");
            streaming.dropSlot();
            barman.info("Replication slot '" + slot + "' dropped");
            return 0;
        }
        if (action != null && action.stop) {
            long pid = streaming.stopReceiver(STOP_WAIT);
            barman.info("Stopped process receive-wal(" + pid + ") of server " + server.name());
            return 0;
        }
        receive(server, action != null && action.reset);
        return 0;
    }

    /**
     * Streams until SIGTERM or SIGINT: the shutdown hook asks the receiver to stop, and holds the process until the
     * receiver has flushed and reported what it received.
     */
    private void receive(Server server, boolean reset) {
        AtomicBoolean stopRequested = new AtomicBoolean();
        CountDownLatch ended = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            stopRequested.set(true);
            try {
                ended.await(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "barman-receive-wal-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            barman.info("Starting receive-wal for server " + server.name()
                    + (reset ? " from the server's current position (--reset)" : ""));
            server.streaming().receive(reset, new Printer(server.name()), stopRequested::get);
            barman.info("receive-wal of server " + server.name() + " stopped");
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it returns now that the receiver has ended
            }
        }
    }

    /**
     * Prints what the receiver reports: where it streams from, and a line per segment received. A lost connection is
     * a warning of the log, which reaches the terminal already.
     */
    private final class Printer implements WalReceiverListener {

        private final String server;

        Printer(String server) {
            this.server = server;
        }

        @Override
        public void streaming(long timeline, Lsn start) {
            barman.info(server + ": streaming timeline " + timeline + " from " + start);
        }

        @Override
        public void segmentCompleted(WalSegmentName segment) {
            barman.info(server + ": received " + segment);
        }
    }
}
