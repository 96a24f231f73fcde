package org.barman.core.check;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.barman.api.BarmanException;
import org.barman.api.WalReceiverProvider;
import org.barman.core.Server;
import org.barman.core.config.BackupMethod;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.postgres.PostgresServer;
import org.barman.core.postgres.ReplicationConnections;
import org.barman.core.streaming.ReplicationSlots;
import org.barman.core.streaming.ReplicationStatus;
import org.barman.core.streaming.WalStreaming;

/**
 * The checks of WAL streaming, with Barman's names, for a server with {@code streaming_archiver = on}: the
 * replication connection ({@code PostgreSQL streaming}), its role's REPLICATION attribute
 * ({@code replication privilege}), the replication slot, free WAL senders, the receiver
 * installed ({@code pg_receivexlog}) and running ({@code receive-wal running}), and how far it is behind
 * ({@code receive-wal lag}). A server with {@code backup_method = postgres} takes its backups over a replication
 * connection too: it gets the connection, privilege and WAL sender items (once, whether it streams WAL or not), the
 * last one asking for a WAL sender free for the backup. And, whatever the settings, that a folder whose archiver
 * is off holds no WAL ({@code empty incoming directory}, {@code empty streaming directory}): nothing would ever
 * archive it.
 */
public final class StreamingChecks {

    private StreamingChecks() {
    }

    /** @return the replication connection works and reaches the cluster conninfo reaches */
    public static ServerCheck connection() {
        return context -> {
            if (!replication(context)) {
                return List.of();
            }
            String name = "PostgreSQL streaming";
            String systemId;
            try (Connection connection = ReplicationConnections.open(context.server().config());
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
                rows.next();
                systemId = rows.getString(1);
            } catch (SQLException | BarmanException e) {
                return List.of(CheckResult.failed(name, firstLine(e.getMessage())
                        + (ReplicationConnections.explained(e) ? "" : ": check streaming_conninfo, and that "
                                + "pg_hba.conf has a replication line for its user")));
            }
            Optional<String> normal = context.postgres().map(PostgresServer::systemIdentifier);
            if (normal.isPresent() && !normal.get().equals(systemId)) {
                return List.of(CheckResult.failed(name, "streaming_conninfo reaches system " + systemId
                        + " but conninfo reaches system " + normal.get() + ": both must name the same cluster"));
            }
            return List.of(CheckResult.ok(name, ""));
        };
    }

    /** @return the slot of {@code slot_name} exists, keeps WAL, and a receiver streams from it */
    public static ServerCheck slot() {
        return context -> {
            WalStreaming streaming = context.server().streaming();
            if (!streaming(context) || streaming.slotName().isEmpty() || context.postgres().isEmpty()) {
                return List.of();
            }
            String slot = streaming.slotName().get();
            String server = context.server().name();
            String name = "replication slot";
            Optional<ReplicationSlots.Slot> found = streaming.slot(context.postgres().get());
            if (found.isEmpty()) {
                return List.of(CheckResult.failed(name, "replication slot '" + slot + "' doesn't exist: create it "
                        + "with barman receive-wal --create-slot " + server + " (or set create_slot = auto and let "
                        + "barman cron create it)"));
            }
            ReplicationSlots.Slot existing = found.get();
            if (!existing.physical()) {
                return List.of(CheckResult.failed(name, "slot '" + slot + "' is a logical slot: receive-wal needs "
                        + "a physical one"));
            }
            if ("lost".equals(existing.walStatus())) {
                return List.of(CheckResult.failed(name, "slot '" + slot + "' lost WAL that receive-wal had not "
                        + "received (max_slot_wal_keep_size): the stream has a gap; restart it with barman "
                        + "receive-wal --reset " + server + " and take a new backup"));
            }
            if (existing.restartLsn() == null) {
                return List.of(CheckResult.failed(name, "slot '" + slot + "' not initialised: is 'receive-wal' "
                        + "running?"));
            }
            if (!existing.active()) {
                return List.of(CheckResult.failed(name, "slot '" + slot + "' not active: is 'receive-wal' "
                        + "running?"));
            }
            return List.of(CheckResult.ok(name, ""));
        };
    }

    /**
     * @return PostgreSQL has WAL senders, and one free for each user that needs one: the receiver when it is not
     *     connected, and a backup of {@code backup_method = postgres}
     */
    public static ServerCheck walSenders() {
        return context -> {
            if (!replication(context) || context.postgres().isEmpty()) {
                return List.of();
            }
            PostgresServer pg = context.postgres().get();
            String name = "max_wal_senders";
            int max = Integer.parseInt(pg.setting("max_wal_senders"));
            if (max == 0) {
                return List.of(CheckResult.failed(name, "max_wal_senders is 0: set it above 0 (10 by default) in "
                        + "postgresql.conf and restart PostgreSQL"));
            }
            String receiver = context.server().config().get(ConfigOptions.STREAMING_ARCHIVER_NAME);
            int used = Integer.parseInt(pg.queryValue("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE backend_type = 'walsender'").orElse("0"));
            boolean receiverConnected = pg.queryValue("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE backend_type = 'walsender' AND application_name = ?", receiver).map(count ->
                    !count.equals("0")).orElse(false);
            boolean receiverNeedsOne = streaming(context) && !receiverConnected;
            boolean backupNeedsOne = postgresMethod(context);
            int needed = (receiverNeedsOne ? 1 : 0) + (backupNeedsOne ? 1 : 0);
            if (max - used < needed) {
                String who = receiverNeedsOne && backupNeedsOne ? "receive-wal and a backup (backup_method = "
                        + "postgres) need one each" : receiverNeedsOne ? "none by receive-wal, which needs one"
                        : "a backup (backup_method = postgres) needs a free one";
                return List.of(CheckResult.failed(name, used + " of " + max + " WAL senders are in use, " + who
                        + ": raise max_wal_senders (restart needed)"));
            }
            return List.of(CheckResult.ok(name, used + " of " + max + " in use"));
        };
    }

    /** @return a WAL receiver is installed (Barman's item for the {@code pg_receivewal} program) */
    public static ServerCheck receiverInstalled() {
        return context -> {
            if (!streaming(context)) {
                return List.of();
            }
            try {
                WalReceiverProvider provider = context.server().barman().plugins().walReceiverProvider();
                return List.of(CheckResult.ok("pg_receivexlog", "WAL receiver '" + provider.name() + "'"));
            } catch (BarmanException e) {
                return List.of(CheckResult.failed("pg_receivexlog", e.getMessage()));
            }
        };
    }

    /** @return {@code receive-wal} holds its lock, and how far behind it is */
    public static ServerCheck receiverRunning() {
        return context -> {
            if (!streaming(context)) {
                return List.of();
            }
            Server server = context.server();
            OptionalLong pid = server.streaming().receiverPid();
            if (pid.isEmpty()) {
                return List.of(CheckResult.failed("receive-wal running", "receive-wal is not running: barman cron "
                        + "starts it (or run barman receive-wal " + server.name() + "); see the log file for why it "
                        + "stopped"));
            }
            List<CheckResult> results = new ArrayList<>();
            results.add(CheckResult.ok("receive-wal running", "pid " + pid.getAsLong()));
            context.postgres().ifPresent(pg -> results.add(lag(pg, server, pid.getAsLong())));
            return results;
        };
    }

    /**
     * How far the receiver's flush position is behind PostgreSQL's: reported, never a failure by itself (how much
     * is too much depends on the load; with a synchronous receiver it stays near zero). A receiver that runs but
     * that PostgreSQL does not see is a failure: it is reconnecting, or failing.
     */
    private static CheckResult lag(PostgresServer pg, Server server, long pid) {
        String name = "receive-wal lag";
        String receiver = server.config().get(ConfigOptions.STREAMING_ARCHIVER_NAME);
        ReplicationStatus status = ReplicationStatus.of(pg, server.name(), receiver, ReplicationStatus.Target.ALL);
        Optional<ReplicationStatus.Client> client = status.clients().stream()
                .filter(ReplicationStatus.Client::barmanReceiver).findFirst();
        if (client.isEmpty()) {
            return CheckResult.failed(name, "receive-wal runs (pid " + pid + ") but PostgreSQL has no WAL sender "
                    + "named " + receiver + ": it is reconnecting or failing; see its log");
        }
        ReplicationStatus.Client found = client.get();
        OptionalLong behind = ReplicationStatus.Client.lag(status.currentLsn(), found.flushLsn());
        if (behind.isEmpty()) {
            return CheckResult.ok(name, "state " + found.state() + ", no flush position reported yet");
        }
        return CheckResult.ok(name, behind.getAsLong() + " bytes behind: flushed " + found.flushLsn() + ", current "
                + status.currentLsn() + ", " + found.syncState());
    }

    /** @return a folder whose archiver is off holds nothing (it would never be archived) */
    public static ServerCheck emptyQueues() {
        return context -> {
            Server server = context.server();
            ServerConfig config = server.config();
            List<CheckResult> results = new ArrayList<>();
            if (!config.get(ConfigOptions.ARCHIVER)) {
                int count = server.walArchive().incomingFiles().size();
                if (count > 0) {
                    results.add(CheckResult.failed("empty incoming directory", emptyHint(
                            config.incomingWalsDirectory(), count, "archiver")));
                }
            }
            if (!config.get(ConfigOptions.STREAMING_ARCHIVER)) {
                int count = server.walArchive().streamedSegments().size();
                if (count > 0) {
                    results.add(CheckResult.failed("empty streaming directory", emptyHint(
                            config.streamingWalsDirectory(), count, "streaming_archiver")));
                }
            }
            return results;
        };
    }

    private static String emptyHint(Path folder, int count, String option) {
        return "'" + folder + "' must be empty when " + option + " = off: it holds " + count + " WAL files that "
                + "nothing archives; turn " + option + " on until they are archived, or move them away";
    }

    /**
     * @return the role of {@code streaming_conninfo} (else {@code conninfo}) may open replication connections: it
     *     has the REPLICATION attribute or is a superuser, as {@code pg_roles} says through the normal connection
     */
    public static ServerCheck replicationPrivilege() {
        return context -> {
            if (!replication(context) || context.postgres().isEmpty()) {
                return List.of();
            }
            String name = "replication privilege";
            String option = context.server().config().streamingConninfoOption().name();
            String role;
            try {
                role = ReplicationConnections.conninfo(context.server().config()).toJdbc().properties()
                        .getOrDefault("user", "");
            } catch (BarmanException e) {
                return List.of(CheckResult.failed(name, e.getMessage()));
            }
            Optional<String> allowed = context.postgres().get().queryValue("SELECT (rolsuper OR rolreplication)"
                    + "::text FROM pg_roles WHERE rolname = ?", role);
            if (allowed.isEmpty()) {
                return List.of(CheckResult.failed(name, "role '" + role + "' of " + option + " does not exist on "
                        + "the server: create it (CREATE ROLE ... LOGIN REPLICATION) or fix " + option));
            }
            if (!allowed.get().equals("true")) {
                return List.of(CheckResult.failed(name, "role '" + role + "' of " + option + " lacks the REPLICATION "
                        + "attribute: as a superuser run "
                        + ReplicationConnections.grantReplication(role)));
            }
            return List.of(CheckResult.ok(name, "role '" + role + "'"));
        };
    }

    /** @return whether the server uses a replication connection: to receive WAL, or to take backups */
    private static boolean replication(CheckContext context) {
        return streaming(context) || postgresMethod(context);
    }

    private static boolean postgresMethod(CheckContext context) {
        return context.server().config().get(ConfigOptions.BACKUP_METHOD) == BackupMethod.POSTGRES;
    }

    private static boolean streaming(CheckContext context) {
        return context.server().config().get(ConfigOptions.STREAMING_ARCHIVER);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
