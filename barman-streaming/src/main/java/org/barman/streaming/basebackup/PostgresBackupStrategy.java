package org.barman.streaming.basebackup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import org.barman.api.BackupRun;
import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.Tablespace;
import org.barman.api.support.LocalTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup_method = postgres}: the server sends the backup itself, with {@code BASE_BACKUP} on a replication
 * connection ({@link BaseBackupClient}), so that Barman needs no file-level access to the PostgreSQL host and no
 * {@code pg_basebackup} of the server's major. Every file is checked against the server's manifest before the
 * backup is done; the copy holds {@code backup_label} and {@code backup_manifest} as the server sent them.
 */
public final class PostgresBackupStrategy implements BackupStrategy {

    /** The {@code backup_method} value, and this strategy's name. */
    public static final String NAME = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBackupStrategy.class);
    private static final int OLDEST_MAJOR = 13;
    private static final String INVALID_AUTHORIZATION_CLASS = "28";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final int SERVER_COMPRESSION = 150000;
    private static final String COMPRESSION = "backup_compression";
    private static final String LOCATION = "backup_compression_location";
    private static final String FORMAT = "backup_compression_format";
    private static final String LEVEL = "backup_compression_level";
    private static final String WORKERS = "backup_compression_workers";
    private static final String NONE = "none";
    private static final String CLIENT = "client";
    private static final String SERVER = "server";
    private static final String TAR = "tar";
    private static final String PLAIN = "plain";

    /** Made by ServiceLoader. */
    public PostgresBackupStrategy() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkSupported(int serverVersionNum, boolean standby) {
        if (serverVersionNum / 10000 < OLDEST_MAJOR) {
            throw new BarmanException("backup_method = postgres needs PostgreSQL " + OLDEST_MAJOR + " or later (the "
                    + "first with backup manifests); the server runs " + serverVersionNum + ": use backup_method = "
                    + "rsync");
        }
    }

    @Override
    public void checkSupported(int serverVersionNum, boolean standby, PluginOptions options) {
        checkSupported(serverVersionNum, standby);
        String algorithm = options.get(COMPRESSION).orElse(NONE);
        if (algorithm.equals(NONE)) {
            return;
        }
        boolean onServer = options.get(LOCATION).orElse(CLIENT).equals(SERVER);
        boolean plain = options.get(FORMAT).orElse(TAR).equals(PLAIN);
        if (plain && !onServer) {
            throw new BarmanException(options.origin() + ": backup_compression_format = plain needs "
                    + "backup_compression_location = server: what this host compresses is stored as tar archives "
                    + "(set backup_compression_format = tar)");
        }
        if (onServer && serverVersionNum < SERVER_COMPRESSION) {
            throw new BarmanException(options.origin() + ": backup_compression_location = server needs PostgreSQL "
                    + SERVER_COMPRESSION / 10000 + " or later; the server runs " + serverVersionNum + ": use "
                    + "backup_compression_location = client");
        }
        if (options.get(WORKERS).isPresent() && !algorithm.equals("zstd")) {
            throw new BarmanException(options.origin() + ": backup_compression_workers works only with "
                    + "backup_compression = zstd, not " + algorithm);
        }
    }

    /** @return the compression the server's options ask for, checked already by {@link #checkSupported} */
    static ArchiveCompression compression(BackupRun run) {
        PluginOptions options = run.options();
        String algorithm = options.get(COMPRESSION).orElse(NONE);
        if (algorithm.equals(NONE)) {
            return ArchiveCompression.NONE;
        }
        return new ArchiveCompression(algorithm, run.compressor(algorithm),
                options.get(LOCATION).orElse(CLIENT).equals(SERVER), !options.get(FORMAT).orElse(TAR).equals(PLAIN),
                options.get(LEVEL).map(Integer::valueOf).orElse(null),
                options.get(WORKERS).map(Integer::valueOf).orElse(null));
    }

    @Override
    public String mode(String transport) {
        return NAME;
    }

    @Override
    public Outcome take(BackupRun run) throws SQLException, IOException {
        int attempts = run.retryTimes() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return takeOnce(run);
            } catch (BarmanException | SQLException e) {
                if (attempt >= attempts || refusedRole(e)) {
                    removePartialCopy(run, e);
                    throw e;
                }
                LOG.warn("Base backup {} of server {} failed ({}); attempt {} of {} in {} s", run.backupId(),
                        run.serverName(), e.getMessage(), attempt + 1, attempts, run.retrySleep().toSeconds());
                clearFolders(run);
                pause(run.retrySleep());
            }
        }
    }

    private Outcome takeOnce(BackupRun run) throws SQLException {
        Map<Long, Path> folders = new HashMap<>();
        for (Tablespace tablespace : run.tablespaces()) {
            folders.put(tablespace.oid(), run.tablespaceDirectory(tablespace));
        }
        ArchiveCompression compression = compression(run);
        BaseBackupRequest request = new BaseBackupRequest(run.label(), run.immediateCheckpoint(),
                rate(run.bandwidthLimit()), true, run.dataDirectory(), oid -> {
                    Path folder = folders.get(oid);
                    if (folder == null) {
                        throw new BarmanException("the server sends tablespace " + oid + ", which it did not list "
                                + "when the backup started (created meanwhile?): take the backup again");
                    }
                    return folder;
                }, compression);
        BaseBackupListener listener = new BaseBackupListener() {
            private long reported;

            @Override
            public void started(BaseBackupStart start) {
                run.started(new Start(start.position(), start.timeline(), serverTime(run.connection())));
                if (start.totalSizeBytes() >= 0) {
                    run.progress().planned(0, start.totalSizeBytes());
                }
            }

            @Override
            public void progress(long bytesDone, long bytesTotal) {
                run.progress().transferred(bytesDone - reported);
                reported = bytesDone;
            }
        };
        BaseBackupResult result;
        try (Connection replication = run.replicationConnector().open()) {
            result = BaseBackupClient.backup(replication, request, listener);
        }
        LOG.info("Base backup {} of server {} received: {} files, {} bytes, checked against its manifest; {} bytes "
                + "stored{}", run.backupId(), run.serverName(), result.files(), result.bytes(), result.storedBytes(),
                compression.keepArchives() ? " as " + compression.algorithm() + " tar archives" : "");
        if (!compression.keepArchives()) {
            Stop stop = new Stop(result.endPosition(), serverTime(run.connection()), null, null);
            return new Outcome(stop, new CopyResult(result.files(), result.bytes(), 0, 0));
        }
        if (result.backupLabel() == null) {
            throw new BarmanException("the server sent no backup_label in the base backup's archive");
        }
        Stop stop = new Stop(result.endPosition(), serverTime(run.connection()), result.backupLabel(), null);
        return new Outcome(stop, new CopyResult(result.files(), result.storedBytes(), 0, 0),
                compression.algorithm());
    }

    /**
     * @param failure why an attempt failed
     * @return whether PostgreSQL refused the role (authentication, pg_hba.conf, no REPLICATION attribute): trying
     *     again cannot help until a DBA changes something, unlike a lost connection
     */
    static boolean refusedRole(Exception failure) {
        if (!(failure instanceof SQLException sql) || sql.getSQLState() == null) {
            return false;
        }
        return sql.getSQLState().startsWith(INVALID_AUTHORIZATION_CLASS)
                || sql.getSQLState().equals(INSUFFICIENT_PRIVILEGE);
    }

    /** @return {@code bandwidth_limit} in the server's terms: 0 for none, else at least its lowest limit */
    static long rate(long bandwidthLimitKbPerSecond) {
        if (bandwidthLimitKbPerSecond <= 0) {
            return 0;
        }
        return Math.min(BaseBackupRequest.MAX_RATE, Math.max(BaseBackupRequest.MIN_RATE, bandwidthLimitKbPerSecond));
    }

    private static OffsetDateTime serverTime(Connection connection) {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT now()")) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class);
        } catch (SQLException e) {
            throw new BarmanException("cannot read the server's time: " + e.getMessage(), e);
        }
    }

    /**
     * A failed backup's files go, as pg_basebackup removes its own: a partial copy can never be recovered, and on a
     * full disk it holds the room the next backup needs. Its {@code backup.info} stays, to be recorded FAILED.
     */
    private static void removePartialCopy(BackupRun run, Exception failure) {
        try {
            clearFolders(run);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("Cannot remove the partial copy of the failed backup {} of server {} from {}: {}",
                    run.backupId(), run.serverName(), run.backupDirectory(), e.getMessage());
        }
    }

    /** A failed attempt's files go: the client writes only into empty folders. */
    private static void clearFolders(BackupRun run) throws IOException {
        if (Files.exists(run.dataDirectory(), LinkOption.NOFOLLOW_LINKS)) {
            LocalTrees.deleteTree(run.dataDirectory());
        }
        for (Tablespace tablespace : run.tablespaces()) {
            Path folder = run.tablespaceDirectory(tablespace);
            if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                LocalTrees.deleteTree(folder);
            }
        }
    }

    private static void pause(Duration sleep) {
        try {
            Thread.sleep(sleep.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BarmanException("interrupted while waiting to take the base backup again", e);
        }
    }
}
