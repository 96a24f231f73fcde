package org.barman.core.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupRun;
import org.barman.api.BackupStatus;
import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.Compressor;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Lsn;
import org.barman.api.PluginOptions;
import org.barman.api.ReplicationConnector;
import org.barman.api.ReuseMode;
import org.barman.api.Tablespace;
import org.barman.api.Transport;
import org.barman.api.WalSegmentName;
import org.barman.api.support.LocalTrees;
import org.barman.core.Server;
import org.barman.core.catalog.Catalog;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.Secrets;
import org.barman.core.config.ServerConfig;
import org.barman.core.hook.HookAbortedException;
import org.barman.core.hook.HookScripts;
import org.barman.core.io.Durable;
import org.barman.core.io.Retries;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.postgres.PostgresServer;
import org.barman.core.postgres.ReplicationConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One base backup of one server: under the server's backup lock, the server's {@link BackupStrategy} takes it (for
 * {@code backup_method = rsync}: tell PostgreSQL the backup starts, copy PGDATA and every tablespace through the
 * server's transport, retrying the copy as configured, tell PostgreSQL it stops), then {@code backup_label} and
 * {@code tablespace_map} are written into the copy, and every step is recorded in {@code backup.info}: STARTED,
 * then WAITING_FOR_WALS, then DONE once the WAL that makes the copy consistent is archived; FAILED with the reason
 * when anything goes wrong. The strategy is only ever seen through its interface.
 */
public final class BackupExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(BackupExecutor.class);

    private final Server server;
    private final ServerConfig config;
    private final BackupOptions options;
    private final CopyListener listener;
    private final HookScripts.RetryPause hookPause;

    /**
     * @param server the server to back up
     * @param options command-line overrides
     * @param listener hears the copy's progress
     * @param hookPause the pauses of retry hook scripts
     */
    public BackupExecutor(Server server, BackupOptions options, CopyListener listener,
            HookScripts.RetryPause hookPause) {
        this.server = server;
        this.config = server.config();
        this.options = options;
        this.listener = listener;
        this.hookPause = hookPause;
    }

    /**
     * @return the backup as recorded at the end (DONE, or WAITING_FOR_WALS)
     * @throws org.barman.core.lock.LockBusyException when a backup of the server is running
     * @throws BarmanException when the backup failed; it is then recorded as FAILED with the reason, unless it
     *     failed before anything was recorded (PostgreSQL unreachable, unsupported settings)
     */
    public BackupInfo run() {
        try (FileLock lock = Locks.server(config.lockDirectory(), config.name(), Locks.Kind.BACKUP);
                PostgresServer pg = PostgresServer.connect(config)) {
            pg.requireSupportedVersion();
            BackupStrategy strategy = BackupStrategies.of(config, server.barman().plugins());
            boolean standby = pg.isInRecovery();
            strategy.checkSupported(pg.versionNum(), standby, config.pluginOptions());
            Catalog catalog = server.catalog();
            catalog.removeLeftovers();
            BackupInfo info = describe(pg, strategy, newId(catalog));
            catalog.create(info);
            return new Run(pg, strategy, catalog, info, standby).execute();
        }
    }

    private static BackupId newId(Catalog catalog) {
        while (true) {
            BackupId id = BackupId.of(LocalDateTime.now());
            if (!Files.exists(catalog.backupDirectory(id))) {
                return id;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BarmanException("interrupted while choosing a backup id", e);
            }
        }
    }

    private BackupInfo describe(PostgresServer pg, BackupStrategy strategy, BackupId id) {
        return BackupInfo.builder(id)
                .serverName(config.name())
                .status(BackupStatus.STARTED)
                .mode(strategy.mode(config.transportName()))
                .pgdata(pg.setting("data_directory"))
                .configFile(pg.setting("config_file"))
                .hbaFile(pg.setting("hba_file"))
                .identFile(pg.setting("ident_file"))
                .includedFiles(pg.includedFiles())
                .version(pg.versionNum())
                .systemid(pg.systemIdentifier())
                .tablespaces(pg.tablespaces())
                .xlogSegmentSize(pg.walSegmentSize())
                .build();
    }

    /** The steps of one backup once it is recorded, and what its strategy is given to take it. */
    private final class Run implements BackupRun {
        private final PostgresServer pg;
        private final BackupStrategy strategy;
        private final Catalog catalog;
        private final boolean standby;
        private final HookScripts hooks;
        private final Optional<BackupInfo> previous;
        private final boolean immediate;
        private BackupInfo info;
        private ReplicationConnector replicationConnector;

        Run(PostgresServer pg, BackupStrategy strategy, Catalog catalog, BackupInfo info, boolean standby) {
            this.pg = pg;
            this.strategy = strategy;
            this.catalog = catalog;
            this.info = info;
            this.standby = standby;
            this.hooks = HookScripts.backup(config, hookPause);
            this.previous = catalog.previous(info.id());
            this.immediate = options.immediateCheckpoint().orElse(config.get(ConfigOptions.IMMEDIATE_CHECKPOINT));
        }

        BackupInfo execute() {
            try {
                hooks.before(hookEnvironment(null));
                LOG.info("Starting backup {} of server {} ({}, {} checkpoint)", info.id(), config.name(),
                        strategy.name(), immediate ? "immediate" : "spread");
                BackupStrategy.Outcome outcome = strategy.take(this);
                if (outcome == null) {
                    throw new BarmanException("backup strategy " + strategy.name() + " returned no outcome");
                }
                stopped(outcome);
            } catch (HookAbortedException e) {
                fail(e.getMessage());
                throw e;
            } catch (IOException | SQLException | RuntimeException e) {
                String reason = reason(e);
                fail(reason);
                LOG.error("Backup {} of server {} failed: {}", info.id(), config.name(), reason, e);
                throw new BarmanException("backup " + info.id() + " of server " + config.name() + " failed: "
                        + reason, e);
            }
            info = server.completeIfConsistent(info, options.waitForWals());
            hooks.after(hookEnvironment(null));
            return info;
        }

        @Override
        public BackupId backupId() {
            return info.id();
        }

        @Override
        public String serverName() {
            return config.name();
        }

        @Override
        public Connection connection() {
            return pg.connection();
        }

        @Override
        public ReplicationConnector replicationConnector() {
            if (replicationConnector == null) {
                replicationConnector = ReplicationConnections.connector(config);
            }
            return replicationConnector;
        }

        @Override
        public PluginOptions options() {
            return config.pluginOptions();
        }

        @Override
        public Compressor compressor(String name) {
            PluginOptions options = config.pluginOptions();
            Integer level = config.get(ConfigOptions.BACKUP_COMPRESSION_LEVEL);
            Integer workers = config.get(ConfigOptions.BACKUP_COMPRESSION_WORKERS);
            options = options.with(Map.of("compression_level", level == null ? "" : level.toString(),
                    "compression_workers", workers == null ? "" : workers.toString()));
            try {
                return server.barman().plugins().compressor(name, options);
            } catch (BarmanException e) {
                throw new BarmanException(level == null ? e.getMessage() : "backup_compression_level " + level
                        + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String label() {
            return "Barman backup " + config.name() + " " + info.id();
        }

        @Override
        public boolean immediateCheckpoint() {
            return immediate;
        }

        @Override
        public long bandwidthLimit() {
            return config.get(ConfigOptions.BANDWIDTH_LIMIT);
        }

        @Override
        public int retryTimes() {
            return options.retryTimes().orElse(config.get(ConfigOptions.BASEBACKUP_RETRY_TIMES));
        }

        @Override
        public Duration retrySleep() {
            return options.retrySleep().orElse(Duration.ofSeconds(config.get(ConfigOptions.BASEBACKUP_RETRY_SLEEP)));
        }

        @Override
        public CopyListener progress() {
            return listener;
        }

        @Override
        public Path backupDirectory() {
            return catalog.backupDirectory(info.id());
        }

        @Override
        public Path dataDirectory() {
            return catalog.dataDirectory(info.id());
        }

        @Override
        public List<Tablespace> tablespaces() {
            return info.tablespaces();
        }

        @Override
        public Path tablespaceDirectory(Tablespace tablespace) {
            return catalog.tablespaceDirectory(info.id(), tablespace);
        }

        @Override
        public void started(BackupStrategy.Start start) {
            long segmentSize = info.xlogSegmentSize();
            info = info.toBuilder().beginXlog(start.lsn()).beginTime(start.time()).timeline(start.timeline())
                    .beginWal(start.lsn().segment(start.timeline(), segmentSize))
                    .beginOffset(start.lsn().segmentOffset(segmentSize)).build();
            catalog.save(info);
        }

        @Override
        public CopyResult copyFiles(boolean labelInPgdata) {
            int retries = retryTimes();
            Duration sleep = retrySleep();
            return Retries.run(retries, sleep, () -> {
                try (Transport transport = server.barman().plugins().transport(config.transportName(),
                        config.pluginOptions())) {
                    return copy(transport, labelInPgdata);
                }
            }, (failure, next, attempts) -> LOG.warn("Copy of backup {} of server {} failed ({}); attempt {} of {} in "
                    + "{} s", info.id(), config.name(), failure.getMessage(), next, attempts, sleep.toSeconds()));
        }

        private CopyResult copy(Transport transport, boolean labelInPgdata) {
            ReuseMode reuse = options.reuse().orElse(config.get(ConfigOptions.REUSE_BACKUP));
            Optional<BackupInfo> reference = reuse == ReuseMode.OFF ? Optional.empty() : previous;
            long bandwidth = config.get(ConfigOptions.BANDWIDTH_LIMIT);
            Map<String, Long> tablespaceBandwidth = config.get(ConfigOptions.TABLESPACE_BANDWIDTH_LIMIT);
            List<CopyJob> jobs = new ArrayList<>();
            jobs.add(new CopyJob(info.pgdata(), catalog.dataDirectory(info.id()),
                    PgDataExclusions.of(info.pgdata(), info.tablespaces(), labelInPgdata), reuse,
                    reference.map(ref -> catalog.dataDirectory(ref.id())).orElse(null), bandwidth));
            for (Tablespace tablespace : info.tablespaces()) {
                Path referenceFolder = reference.filter(ref -> ref.tablespaces().stream()
                        .anyMatch(t -> t.oid() == tablespace.oid()))
                        .map(ref -> catalog.tablespaceDirectory(ref.id(), tablespace)).orElse(null);
                jobs.add(new CopyJob(tablespace.location(), catalog.tablespaceDirectory(info.id(), tablespace),
                        PgDataExclusions.tablespace(), reuse, referenceFolder,
                        tablespaceBandwidth.getOrDefault(tablespace.name(), bandwidth)));
            }
            CopyResult total = CopyResult.EMPTY;
            try (FileLock base = reference.map(ref -> Locks.backupInUse(config.lockDirectory(), config.name(),
                    ref.id())).orElse(null)) {
                for (CopyJob job : jobs) {
                    LOG.info("Copying {} to {}{}", job.remotePath(), job.localPath(), job.reference() == null ? ""
                            : " (reusing " + job.reference() + " by " + reuse.configValue() + ")");
                    total = total.plus(transport.pull(job, listener));
                }
            }
            copyConfigurationFilesOutsidePgdata(transport);
            return total;
        }

        /** Barman copies the configuration files that live outside PGDATA into the backup, by their name. */
        private void copyConfigurationFilesOutsidePgdata(Transport transport) {
            String prefix = info.pgdata().endsWith("/") ? info.pgdata() : info.pgdata() + "/";
            for (String file : List.of(info.configFile(), info.hbaFile(), info.identFile())) {
                if (file == null || file.startsWith(prefix)) {
                    continue;
                }
                CommandResult result = transport.run("cat " + shellQuote(file));
                if (!result.succeeded()) {
                    throw new BarmanException("cannot read " + file + " on the PostgreSQL host: "
                            + result.stderr().strip());
                }
                Path target = catalog.dataDirectory(info.id()).resolve(Path.of(file).getFileName().toString());
                try {
                    Durable.write(target, out -> out.write(result.stdout()));
                } catch (IOException e) {
                    throw new BarmanException("cannot write " + target + ": " + e.getMessage(), e);
                }
                LOG.info("Copied {} (outside PGDATA) into the backup", file);
            }
            if (!info.includedFiles().isEmpty()
                    && !config.get(ConfigOptions.BACKUP_OPTIONS).contains("external_configuration")) {
                LOG.warn("Backup {} of server {} does not hold these included configuration files: {}; keep them "
                        + "yourself (set backup_options = external_configuration to silence this)", info.id(),
                        config.name(), String.join(", ", info.includedFiles()));
            }
        }

        private void stopped(BackupStrategy.Outcome outcome) throws IOException {
            BackupStrategy.Stop stop = outcome.stop();
            CopyResult copied = outcome.copied();
            Path data = catalog.dataDirectory(info.id());
            long extra = 0;
            String label = stop.backupLabel();
            if (outcome.compression() != null) {
                if (label == null) {
                    throw new BarmanException("backup strategy " + strategy.name() + " stored a compressed copy "
                            + "without giving its backup_label");
                }
            } else if (label != null) {
                Durable.writeString(data.resolve("backup_label"), label);
                extra += label.getBytes(StandardCharsets.UTF_8).length;
            } else if (Files.exists(data.resolve("backup_label"))) {
                label = Files.readString(data.resolve("backup_label"));
            }
            if (stop.tablespaceMap() != null) {
                Durable.writeString(data.resolve("tablespace_map"), stop.tablespaceMap());
                extra += stop.tablespaceMap().getBytes(StandardCharsets.UTF_8).length;
            }
            long segmentSize = info.xlogSegmentSize();
            Lsn end = stop.lsn();
            WalSegmentName endWal = endSegment(end, info.timeline(), segmentSize);
            long size = copied.bytes() + extra;
            info = info.toBuilder().status(BackupStatus.WAITING_FOR_WALS).endXlog(end).endTime(stop.time())
                    .endWal(endWal).endOffset(end.segmentOffset(segmentSize)).backupLabel(label)
                    .compression(outcome.compression())
                    .size(size).deduplicatedSize(size - copied.linkedBytes()).build();
            catalog.save(info);
            if (!standby) {
                pg.switchWal();
            }
            LOG.info("Backup {} of server {} copied: {} files, {} bytes ({} bytes reused by hard link)", info.id(),
                    config.name(), copied.files(), size, copied.linkedBytes());
        }

        private void fail(String reason) {
            info = info.toBuilder().status(BackupStatus.FAILED).error(Secrets.mask(reason)).build();
            try {
                catalog.save(info);
            } catch (BarmanException e) {
                // Most likely a full disk: the partial copy is worthless, and removing it makes room for the record.
                LOG.warn("Could not record backup {} of server {} as FAILED ({}): removing its partial copy and "
                        + "trying again", info.id(), config.name(), e.getMessage());
                removePartialCopy();
                try {
                    catalog.save(info);
                } catch (BarmanException again) {
                    LOG.error("Could not record backup {} of server {} as FAILED: {}", info.id(), config.name(),
                            again.getMessage());
                }
            }
            try {
                hooks.after(hookEnvironment(reason));
            } catch (BarmanException e) {
                LOG.warn("post backup hooks of server {} failed: {}", config.name(), e.getMessage());
            }
        }

        private void removePartialCopy() {
            Path directory = catalog.backupDirectory(info.id());
            try (var children = Files.list(directory)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    if (!child.getFileName().toString().equals("backup.info")) {
                        LocalTrees.deleteTree(child);
                    }
                }
            } catch (IOException e) {
                LOG.warn("Could not remove the partial copy in {}: {}", directory, e.getMessage());
            }
        }

        private Map<String, String> hookEnvironment(String error) {
            Map<String, String> env = new HashMap<>();
            env.put("BARMAN_BACKUP_DIR", catalog.backupDirectory(info.id()).toString());
            env.put("BARMAN_BACKUP_INFO_PATH", catalog.infoFile(info.id()).toString());
            env.put("BARMAN_BACKUP_ID", info.id().value());
            env.put("BARMAN_PREVIOUS_ID", previous.map(p -> p.id().value()).orElse(""));
            env.put("BARMAN_NEXT_ID", "");
            env.put("BARMAN_STATUS", info.status().name());
            env.put("BARMAN_ERROR", error == null ? (info.error() == null ? "" : info.error()) : error);
            return env;
        }
    }

    /**
     * @param end the stop position
     * @param timeline the backup's timeline
     * @param segmentSize the WAL segment size
     * @return the last segment the backup needs: the one holding the byte before {@code end}
     */
    static WalSegmentName endSegment(Lsn end, long timeline, long segmentSize) {
        return end.plus(-1).segment(timeline, segmentSize);
    }

    private static String reason(Exception e) {
        if (e instanceof SQLException sql) {
            String message = sql.getMessage() == null ? "" : sql.getMessage().lines().findFirst().orElse("");
            return "PostgreSQL: " + message;
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            return (fs.getFile() == null ? "" : fs.getFile() + ": ")
                    + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
