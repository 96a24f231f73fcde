package org.barman.core.wal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.barman.core.lock.LockBusyException;
import org.barman.core.postgres.PostgresServer;
import org.barman.core.streaming.WalStreaming;

/**
 * {@code barman switch-wal}: makes PostgreSQL close its current WAL segment ({@code pg_switch_wal()}), so that
 * it is archived now rather than when it fills up, and waits, when asked, until Barman has it in its archive,
 * whichever way it comes ({@code archive_command} or {@code receive-wal}).
 */
public final class WalSwitch {

    /** How long {@code --archive} waits by default, as Barman. */
    public static final Duration DEFAULT_ARCHIVE_TIMEOUT = Duration.ofSeconds(30);

    /** PostgreSQL's insufficient_privilege. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Server server;

    /**
     * @param server the server
     */
    public WalSwitch(Server server) {
        this.server = server;
    }

    /**
     * What a switch did.
     *
     * @param closed the segment PostgreSQL closed, empty when there was nothing to close (no WAL written since the
     *     last switch) or the server is a standby
     * @param standby whether the server is a standby, where no switch can be made
     */
    public record Result(Optional<WalSegmentName> closed, boolean standby) {
    }

    /**
     * @param force whether to run a CHECKPOINT first, so that there is WAL to switch even when nothing was
     *     written since the last switch ({@code --force}: needs a superuser or the {@code pg_checkpoint} role)
     * @return what was closed
     * @throws BarmanException when PostgreSQL cannot be reached or refuses
     */
    public Result switchWal(boolean force) {
        try (PostgresServer postgres = PostgresServer.connect(server.config())) {
            if (postgres.isInRecovery()) {
                return new Result(Optional.empty(), true);
            }
            if (force) {
                checkpoint(postgres);
            }
            try (Statement statement = postgres.connection().createStatement()) {
                String before;
                long offset;
                try (ResultSet rows = statement.executeQuery("SELECT file_name, file_offset FROM "
                        + "pg_walfile_name_offset(pg_current_wal_insert_lsn())")) {
                    rows.next();
                    before = rows.getString(1);
                    offset = rows.getLong(2);
                }
                statement.execute("SELECT pg_switch_wal()");
                String after;
                try (ResultSet rows = statement.executeQuery(
                        "SELECT pg_walfile_name(pg_current_wal_insert_lsn())")) {
                    rows.next();
                    after = rows.getString(1);
                }
                if (before.compareTo(after) >= 0) {
                    return new Result(Optional.empty(), false);
                }
                WalSegmentName closed = WalSegmentName.parse(before);
                // From PostgreSQL 17, pg_walfile_name_offset names the next segment at a segment boundary
                if (postgres.major() >= 17 && offset == 0) {
                    closed = closed.previous(postgres.walSegmentSize());
                }
                return new Result(Optional.of(closed), false);
            }
        } catch (SQLException e) {
            throw new BarmanException("PostgreSQL of server " + server.name() + " failed pg_switch_wal(): "
                    + firstLine(e.getMessage()) + (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())
                            ? " (the conninfo user needs EXECUTE on pg_switch_wal, or to be a superuser)" : ""), e);
        }
    }

    private void checkpoint(PostgresServer postgres) {
        try (Statement statement = postgres.connection().createStatement()) {
            statement.execute("CHECKPOINT");
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new BarmanException("switch-wal --force of server " + server.name() + " runs a CHECKPOINT, "
                        + "which needs a superuser or the pg_checkpoint role: " + firstLine(e.getMessage()), e);
            }
            throw new BarmanException("PostgreSQL of server " + server.name() + " failed CHECKPOINT: "
                    + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Waits until a WAL file is in the archive (indexed in {@code xlog.db}), archiving what waits in the incoming
     * and streaming folders meanwhile, as {@code cron} would.
     *
     * @param wal the file
     * @param timeout how long to wait at most
     * @return its entry in the archive
     * @throws BarmanException when it is not archived in time, saying which way it should have come
     */
    public WalFileInfo awaitArchived(WalSegmentName wal, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastFailure = null;
        while (true) {
            lastFailure = archiveOnce().orElse(lastFailure);
            Optional<WalFileInfo> found = server.walArchive().find(wal);
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new BarmanException("WAL file " + wal + " of server " + server.name() + " was not archived "
                        + "within " + timeout.toSeconds() + " s: " + (lastFailure != null ? lastFailure + "; "
                        : "") + howItComes());
            }
            pause();
        }
    }

    /**
     * Waits until any new file is archived (on a standby, which cannot switch), archiving meanwhile.
     *
     * @param timeout how long to wait at most
     * @return the newest file archived
     * @throws BarmanException when none is archived in time
     */
    public WalFileInfo awaitAnyArchived(Duration timeout) {
        List<WalFileInfo> before = server.walArchive().list();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            archiveOnce();
            List<WalFileInfo> now = server.walArchive().list();
            Optional<WalFileInfo> added = now.stream().filter(entry -> !before.contains(entry))
                    .reduce((first, second) -> second);
            if (added.isPresent()) {
                return added.get();
            }
            if (System.nanoTime() > deadline) {
                throw new BarmanException("no WAL file of server " + server.name() + " was archived within "
                        + timeout.toSeconds() + " s: " + howItComes());
            }
            pause();
        }
    }

    /** @return why the pass failed, when it did */
    private Optional<String> archiveOnce() {
        try {
            ArchiveReport report = server.archiveWal();
            return Optional.ofNullable(report.failure());
        } catch (LockBusyException busy) {
            return Optional.empty();
        }
    }

    private String howItComes() {
        boolean archiver = server.config().get(ConfigOptions.ARCHIVER);
        WalStreaming streaming = server.streaming();
        String viaArchiver = "check archive_command and PostgreSQL's log (barman check " + server.name() + ")";
        String viaStreaming = streaming.receiverPid().isPresent()
                ? "receive-wal runs: check its log, and barman replication-status " + server.name()
                : "receive-wal is not running: start it (barman cron, or barman receive-wal " + server.name() + ")";
        if (archiver && streaming.enabled()) {
            return viaArchiver + "; " + viaStreaming;
        }
        return archiver ? viaArchiver : viaStreaming;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("interrupted while waiting for WAL to be archived", e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no message";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
