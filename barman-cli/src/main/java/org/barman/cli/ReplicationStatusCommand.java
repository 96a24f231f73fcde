package org.barman.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.core.Server;
import org.barman.core.streaming.ReplicationStatus;
import org.barman.core.streaming.ReplicationStatus.Client;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman replication-status [--minimal] [--target hot-standby|wal-streamer|all] SERVER...|all}: the
 * replication clients of each server, as Barman prints them, with Barman's own {@code receive-wal} marked.
 */
@Command(mixinStandardHelpOptions = true, name = "replication-status", description = "Show the replication "
        + "clients of a server (pg_stat_replication and their slots): state, synchronous state, sent, write, flush "
        + "and replay positions and how far behind each is; Barman's own receive-wal is marked.")
final class ReplicationStatusCommand implements Callable<Integer> {

    private static final String RECEIVER_MARK = " (barman receive-wal)";
    private static final java.time.format.DateTimeFormatter STARTED = java.time.format.DateTimeFormatter.ofPattern(
            "yyyy-MM-dd HH:mm:ss.SSSSSSxxx", Locale.ROOT);

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = "--minimal", description = "One line per client, for scripts.")
    private boolean minimal;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "all", converter = TargetConverter.class,
            description = "Which clients: hot-standby (standbys that replay), wal-streamer (receivers such as "
                    + "receive-wal and pg_receivewal), or all (default).")
    private ReplicationStatus.Target target;

    @Parameters(paramLabel = "SERVER", arity = "1..*", description = "Server names, or all.")
    private List<String> targets;

    /** Reads {@code --target}. */
    static final class TargetConverter implements CommandLine.ITypeConverter<ReplicationStatus.Target> {
        @Override
        public ReplicationStatus.Target convert(String value) {
            try {
                return ReplicationStatus.Target.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        boolean ok = true;
        Map<String, Object> json = new LinkedHashMap<>();
        for (String name : targets) {
            for (Server server : barman.barman().servers(name)) {
                ReplicationStatus status;
                try {
                    status = server.replicationStatus(target);
                } catch (BarmanException e) {
                    barman.error(e.getMessage());
                    ok = false;
                    continue;
                }
                if (barman.format() == OutputFormat.json) {
                    json.put(server.name(), json(status));
                } else if (minimal) {
                    printMinimal(status);
                } else {
                    printFull(status);
                }
            }
        }
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), json);
        }
        barman.out().flush();
        return ok ? 0 : 1;
    }

    private void printFull(ReplicationStatus status) {
        String title = status.target().title();
        println("Status of " + title + " for server '" + status.server() + "':");
        if (status.currentLsn() != null) {
            println("  Current LSN on " + (status.inRecovery() ? "standby" : "master") + ": " + status.currentLsn());
        }
        if (status.clients().isEmpty()) {
            println("  No " + title + " attached");
            return;
        }
        println("  Number of " + title + ": " + status.clients().size());
        int n = 1;
        for (Client client : status.clients()) {
            println("");
            println("  " + n++ + ". " + name(client));
            println("     Application name: " + client.applicationName() + (client.barmanReceiver() ? RECEIVER_MARK
                    : ""));
            println("     Sync stage      : " + syncStage(status.currentLsn(), client));
            if (client.clientAddress() != null) {
                println("     Communication   : TCP/IP");
                println("     IP Address      : " + client.clientAddress() + " / Port: " + client.clientPort()
                        + " / Host: " + (client.clientHostname() == null ? "-" : client.clientHostname()));
            } else {
                println("     Communication   : Unix domain socket");
            }
            println("     User name       : " + client.userName());
            println("     Current state   : " + client.state() + " (" + client.syncState() + ")");
            if (client.slotName() != null) {
                println("     Replication slot: " + client.slotName());
            }
            println("     WAL sender PID  : " + client.pid());
            println("     Started at      : " + time(client));
            position("Sent LSN  ", status.currentLsn(), client.sentLsn());
            position("Write LSN ", status.currentLsn(), client.writeLsn());
            position("Flush LSN ", status.currentLsn(), client.flushLsn());
            position("Replay LSN", status.currentLsn(), client.replayLsn());
        }
    }

    private void position(String label, Lsn current, Lsn position) {
        if (position != null) {
            OptionalLong lag = Client.lag(current, position);
            println("     " + label + " : " + position + " (diff: " + (lag.isPresent()
                    ? Formats.prettySize(lag.getAsLong()) : "-") + ")");
        }
    }

    private void printMinimal(ReplicationStatus status) {
        String title = status.target().title();
        String capitalized = Character.toUpperCase(title.charAt(0)) + title.substring(1);
        if (!status.inRecovery() && status.currentLsn() != null) {
            println(capitalized + " for master '" + status.server() + "' (LSN @ " + status.currentLsn() + "):");
        } else {
            println(capitalized + " for slave '" + status.server() + "':");
        }
        if (status.clients().isEmpty()) {
            println("  No " + title + " attached");
            return;
        }
        int n = 1;
        for (Client client : status.clients()) {
            String address = client.clientAddress() == null ? "socket" : client.clientAddress();
            String mark = client.barmanReceiver() ? RECEIVER_MARK : "";
            if (client.walStreamer()) {
                println("  " + n + ". W) " + client.userName() + "@" + address + " S:" + text(client.sentLsn())
                        + " W:" + text(client.writeLsn()) + " P:" + client.syncPriority() + " AN:"
                        + client.applicationName() + mark);
            } else {
                println("  " + n + ". " + client.syncState().substring(0, 1).toUpperCase(Locale.ROOT) + ") "
                        + client.userName() + "@" + address + " S:" + text(client.sentLsn()) + " F:"
                        + text(client.flushLsn()) + " R:" + text(client.replayLsn()) + " P:" + client.syncPriority()
                        + " AN:" + client.applicationName() + mark);
            }
            n++;
        }
    }

    private Map<String, Object> json(ReplicationStatus status) {
        Map<String, Object> server = new LinkedHashMap<>();
        String key = status.target().title().replace(' ', '_').toLowerCase(Locale.ROOT);
        server.put("server_lsn", status.currentLsn() == null ? null : status.currentLsn().toString());
        server.put("in_recovery", status.inRecovery());
        List<Map<String, Object>> clients = new ArrayList<>();
        for (Client client : status.clients()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name(client));
            entry.put("application_name", client.applicationName());
            entry.put("barman_receive_wal", client.barmanReceiver());
            entry.put("sync_stage", syncStage(status.currentLsn(), client));
            if (client.clientAddress() != null) {
                entry.put("communication", "TCP/IP");
                entry.put("ip_address", client.clientAddress());
                entry.put("port", client.clientPort());
                entry.put("host", client.clientHostname());
            } else {
                entry.put("communication", "Unix domain socket");
            }
            entry.put("user_name", client.userName());
            entry.put("current_state", client.state());
            entry.put("current_sync_state", client.syncState());
            entry.put("sync_priority", client.syncPriority());
            if (client.slotName() != null) {
                entry.put("replication_slot", client.slotName());
            }
            entry.put("wal_sender_pid", client.pid());
            entry.put("started_at", time(client));
            lsn(entry, "sent", status.currentLsn(), client.sentLsn());
            lsn(entry, "write", status.currentLsn(), client.writeLsn());
            lsn(entry, "flush", status.currentLsn(), client.flushLsn());
            lsn(entry, "replay", status.currentLsn(), client.replayLsn());
            clients.add(entry);
        }
        server.put(key, clients);
        if (clients.isEmpty()) {
            server.put("standby_info", "No " + status.target().title() + " attached");
        }
        return server;
    }

    private static void lsn(Map<String, Object> entry, String name, Lsn current, Lsn position) {
        if (position == null) {
            return;
        }
        entry.put(name + "_lsn", position.toString());
        OptionalLong lag = Client.lag(current, position);
        if (lag.isPresent()) {
            entry.put(name + "_lsn_diff", Formats.prettySize(lag.getAsLong()));
            entry.put(name + "_lsn_diff_bytes", lag.getAsLong());
        }
    }

    /** Barman's heading of a client: {@code Async WAL streamer}, {@code #1 Sync standby}. */
    private static String name(Client client) {
        String state = client.syncState() == null || client.syncState().isEmpty() ? "?"
                : Character.toUpperCase(client.syncState().charAt(0)) + client.syncState().substring(1);
        String type = client.walStreamer() ? "WAL streamer" : "standby";
        return (client.syncPriority() > 0 ? "#" + client.syncPriority() + " " : "") + state + " " + type;
    }

    /** Barman's sync stage: how far the client has gone with the server's current position. */
    private static String syncStage(Lsn current, Client client) {
        int max = client.walStreamer() ? 3 : 5;
        if (!client.walStreamer()) {
            if (isZero(Client.lag(current, client.replayLsn()))) {
                return "5/5 Hot standby (max)";
            }
            if (isZero(Client.lag(current, client.flushLsn()))) {
                return "4/5 2-safe";
            }
        }
        if (isZero(Client.lag(current, client.writeLsn()))) {
            return "3/" + max + " Remote write";
        }
        if (isZero(Client.lag(current, client.sentLsn()))) {
            return "2/" + max + " WAL Sent (min)";
        }
        return "1/" + max + " 1-safe";
    }

    private static boolean isZero(OptionalLong lag) {
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    /** Python's {@code isoformat(sep=" ")}, as Barman prints a time: {@code 2026-11-26 12:02:32.598525+00:00}. */
    private static String time(Client client) {
        return client.started() == null ? null : STARTED.format(client.started());
    }

    private static String text(Lsn lsn) {
        return lsn == null ? "None" : lsn.toString();
    }

    private void println(String line) {
        barman.out().println(line);
    }
}
