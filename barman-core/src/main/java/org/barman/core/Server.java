package org.barman.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.barman.api.PluginOptions;
import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionReport;
import org.barman.api.WalSegmentName;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.api.support.OwnerOnly;
import org.barman.core.backup.BackupExecutor;
import org.barman.core.backup.BackupOptions;
import org.barman.core.catalog.AbandonedBackups;
import org.barman.core.catalog.BackupDeleter;
import org.barman.core.catalog.BackupStatusChanges;
import org.barman.core.recovery.RecoveryExecutor;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.catalog.BackupDetails;
import org.barman.core.catalog.BackupFiles;
import org.barman.core.catalog.BackupSummary;
import org.barman.core.catalog.Catalog;
import org.barman.core.catalog.CatalogReports;
import org.barman.core.catalog.DeletionReport;
import org.barman.core.catalog.ListFilesTarget;
import org.barman.core.check.CheckReport;
import org.barman.core.check.ServerChecks;
import org.barman.core.config.ConfigOption;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.OptionScope;
import org.barman.core.config.ServerConfig;
import org.barman.core.hook.HookScripts;
import org.barman.core.io.Durable;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.core.retention.EnforcementReport;
import org.barman.core.retention.RetentionEnforcer;
import org.barman.core.wal.ArchiveReport;
import org.barman.core.wal.FileSystemWalArchive;

/**
 * One configured PostgreSQL server and what Barman does for it: each method is one command of the command line
 * for this server ({@link #check()}, {@link #takeBackup}, {@link #listBackups()}, {@link #showBackup},
 * {@link #listFiles}, {@link #deleteBackup}, {@link #archiveWal()}, {@link #getWal(String, OutputStream, String)},
 * {@link #recover}, {@link #rebuildXlogDb()}, {@link #effectiveOptions()}). Get one from
 * {@link Barman#server(String)} or {@link Barman#servers(String)}.
 *
 * <p>Work that must not run twice at once for a server (a backup, a deletion, archiving, retention) takes the
 * server's lock files in {@code barman_lock_directory} and fails with a
 * {@link org.barman.core.lock.LockBusyException} when another process holds them. A recovery, {@code list-files}
 * and a backup reusing an earlier one hold that backup's lock shared, so that {@code delete} refuses it and
 * retention leaves it for the next {@code cron}.
 */
public final class Server {


    private final Barman barman;
    private final ServerConfig config;

    Server(Barman barman, ServerConfig config) {
        this.barman = barman;
        this.config = config;
    }

    /** @return the server's name */
    public String name() {
        return config.name();
    }

    /** @return the server's configuration */
    public ServerConfig config() {
        return config;
    }

    /** @return the Barman this server belongs to */
    public Barman barman() {
        return barman;
    }

    /**
     * Checks the server as {@code barman check} does; creates the server's folders when missing.
     *
     * @return every item, passed or failed
     */
    public CheckReport check() {
        return ServerChecks.run(this);
    }

    /** @return the server's WAL archive */
    public FileSystemWalArchive walArchive() {
        return new FileSystemWalArchive(config, barman.plugins(), () -> catalog().newestFirst().stream()
                .mapToLong(BackupInfo::xlogSegmentSize).findFirst());
    }

    /** @return the server's WAL streaming: receive-wal, its slot and its supervision */
    public org.barman.core.streaming.WalStreaming streaming() {
        return new org.barman.core.streaming.WalStreaming(this);
    }

    /** @return {@code switch-wal} for this server: close PostgreSQL's current WAL segment, wait for its archiving */
    public org.barman.core.wal.WalSwitch walSwitch() {
        return new org.barman.core.wal.WalSwitch(this);
    }

    /**
     * @param target which replication clients to list
     * @return what PostgreSQL says of them now ({@code barman replication-status})
     */
    public org.barman.core.streaming.ReplicationStatus replicationStatus(
            org.barman.core.streaming.ReplicationStatus.Target target) {
        return org.barman.core.streaming.ReplicationStatus.of(this, target);
    }

    /** @return the server's catalogue of base backups */
    public Catalog catalog() {
        return Catalog.of(config);
    }

    /**
     * @param reference a backup id, or {@code latest}, {@code last}, {@code oldest}, {@code first}
     * @return that backup
     * @throws BarmanException when the reference is not an id or alias, or names no backup
     */
    public BackupInfo backup(String reference) {
        return catalog().resolve(reference);
    }

    /**
     * The backups with their sizes as {@code barman list-backup} shows them.
     *
     * @return every backup, newest first
     */
    public List<BackupSummary> listBackups() {
        List<BackupInfo> backups = catalog().oldestFirst();
        RetentionReport retention = retentionReport(backups);
        return CatalogReports.list(backups, walArchive().list(), backup -> retention.statusOf(backup.id()));
    }

    /**
     * @param reference a backup id or alias
     * @return what {@code barman show-backup} shows of it
     */
    public BackupDetails showBackup(String reference) {
        Catalog catalog = catalog();
        BackupInfo backup = catalog.resolve(reference);
        return CatalogReports.details(catalog, walArchive().list(), backup.id(),
                retentionReport(catalog.oldestFirst()).statusOf(backup.id()));
    }

    /**
     * @return the server's {@code retention_policy}, empty when none is set
     * @throws BarmanException when no installed provider reads it (the configuration was validated with other
     *     providers)
     */
    public Optional<RetentionPolicy> retentionPolicy() {
        String text = config.get(ConfigOptions.RETENTION_POLICY);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(barman.plugins().retentionPolicy(text));
        } catch (IllegalArgumentException e) {
            throw new BarmanException(config.originOf(ConfigOptions.RETENTION_POLICY) + " retention_policy: '"
                    + text + "' cannot be read: " + e.getMessage() + "; expected "
                    + barman.plugins().retentionPolicySyntax(), e);
        }
    }

    /**
     * What the retention policy says of every backup now (by the Barman clock): the status {@code list-backup}
     * and {@code show-backup} print, and the first WAL file to keep.
     *
     * @return the verdict; every backup NONE when no policy is set
     */
    public RetentionReport retentionReport() {
        return retentionReport(catalog().oldestFirst());
    }

    private RetentionReport retentionReport(List<BackupInfo> backups) {
        return retentionPolicy().map(policy -> policy.evaluate(backups, barman.clock().instant(),
                config.get(ConfigOptions.MINIMUM_REDUNDANCY)))
                .orElseGet(() -> new RetentionReport(Map.of(), Optional.empty()));
    }

    /**
     * @param reference a backup id or alias
     * @param target which files
     * @return their absolute paths, as {@code barman list-files} prints them
     * @throws org.barman.core.lock.LockBusyException when the backup is being deleted
     */
    public List<Path> listFiles(String reference, ListFilesTarget target) {
        Catalog catalog = catalog();
        BackupInfo backup = catalog.resolve(reference);
        try (FileLock inUse = Locks.backupInUse(config.lockDirectory(), name(), backup.id())) {
            return BackupFiles.list(catalog, walArchive(), catalog.get(backup.id()), target);
        }
    }

    /**
     * Deletes a backup and the WAL files no remaining backup needs ({@code barman delete}).
     *
     * @param reference a backup id or alias
     * @return what was deleted
     * @throws org.barman.core.lock.LockBusyException when a backup or another deletion runs for this server
     * @throws BarmanException when {@code minimum_redundancy} forbids it or the backup does not exist
     */
    public DeletionReport deleteBackup(String reference) {
        return new BackupDeleter(config, catalog(), walArchive()).delete(reference);
    }

    /**
     * Moves every complete file of the incoming folder (archive_command's) and of the streaming folder
     * (receive-wal's) into the archive ({@code barman archive-wal}), running the archive hook scripts.
     *
     * @return what was done
     * @throws org.barman.core.lock.LockBusyException when another process archives for this server
     */
    public ArchiveReport archiveWal() {
        return walArchive().archiveReceived(HookScripts.archive(config, barman.hookPause()));
    }

    /**
     * Writes the original content of an archived WAL file ({@code barman get-wal}).
     *
     * @param walName the file name, such as {@code 000000010000000000000003}
     * @param out where the bytes go; not closed
     * @param outputCompression a compressor name to compress the output with, or null for none
     * @throws org.barman.core.wal.WalNotFoundException when the file is not archived (nothing is written)
     * @throws BarmanException when the name is not a WAL file name or the file cannot be read
     */
    public void getWal(String walName, OutputStream out, String outputCompression) {
        getWal(walName, out, outputCompression, false);
    }

    /**
     * Writes the original content of a WAL file ({@code barman get-wal [--partial]}). With {@code partial}, a
     * segment the archive lacks is looked for in the streaming folder too, complete or still being received
     * ({@code <name>.partial}, given under the segment's name, as Barman's {@code get-wal --partial} does): the
     * last segment of a recovery to the latest point.
     *
     * @param walName the file name, such as {@code 000000010000000000000003}
     * @param out where the bytes go; not closed
     * @param outputCompression a compressor name to compress the output with, or null for none
     * @param partial whether to look in the streaming folder when the archive lacks the file
     * @throws org.barman.core.wal.WalNotFoundException when the file is in neither (nothing is written)
     * @throws BarmanException when the name is not a WAL file name or the file cannot be read
     */
    public void getWal(String walName, OutputStream out, String outputCompression, boolean partial) {
        WalSegmentName name = parseWalName(walName);
        try (InputStream in = openWal(name, partial)) {
            if (outputCompression == null) {
                in.transferTo(out);
                out.flush();
                return;
            }
            Compressor compressor = barman.plugins().compressor(outputCompression,
                    PluginOptions.of(Map.of()));
            OutputStream compressed = compressor.compress(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            });
            try (compressed) {
                in.transferTo(compressed);
            }
        } catch (IOException e) {
            throw new BarmanException("cannot read WAL file " + name + " of server " + name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes an archived WAL file into a folder, under its own name, atomically ({@code get-wal -o DIR}).
     *
     * @param walName the file name
     * @param directory the folder, created when missing
     * @param outputCompression a compressor name to compress the output with, or null for none
     * @return the file written
     */
    public Path getWal(String walName, Path directory, String outputCompression) {
        return getWal(walName, directory, outputCompression, false);
    }

    /**
     * Writes a WAL file into a folder, under its own name, atomically ({@code get-wal [--partial] -o DIR}).
     *
     * @param walName the file name
     * @param directory the folder, created when missing
     * @param outputCompression a compressor name to compress the output with, or null for none
     * @param partial whether to look in the streaming folder when the archive lacks the file
     * @return the file written
     */
    public Path getWal(String walName, Path directory, String outputCompression, boolean partial) {
        WalSegmentName name = parseWalName(walName);
        Path target = directory.resolve(name.fileName());
        try {
            OwnerOnly.createFolders(directory);
            openWal(name, partial).close();
            Durable.write(target, out -> getWal(walName, out, outputCompression, partial));
            return target;
        } catch (IOException e) {
            throw new BarmanException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The archive's copy first; with {@code partial}, then the streaming folder's, complete or {@code .partial};
     * a streamed file archived meanwhile is found in the archive again.
     */
    private InputStream openWal(WalSegmentName name, boolean partial) throws IOException {
        FileSystemWalArchive archive = walArchive();
        try {
            return archive.open(name);
        } catch (org.barman.core.wal.WalNotFoundException missing) {
            if (!partial || name.kind() != WalSegmentName.Kind.SEGMENT) {
                throw missing;
            }
            Optional<Path> streamed = archive.streamed(name);
            if (streamed.isPresent()) {
                try {
                    return Files.newInputStream(streamed.get(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException moved) {
                    return archive.open(name);
                }
            }
            throw missing;
        }
    }

    private WalSegmentName parseWalName(String walName) {
        try {
            return WalSegmentName.parse(walName);
        } catch (IllegalArgumentException e) {
            throw new BarmanException(e.getMessage(), e);
        }
    }

    /**
     * Takes a base backup ({@code barman backup}).
     *
     * @param options command-line overrides of the server's configuration
     * @param listener hears the copy's progress
     * @return the backup, DONE or WAITING_FOR_WALS
     * @throws org.barman.core.lock.LockBusyException when a backup of this server is running
     * @throws BarmanException when it failed (recorded as FAILED when it got that far)
     */
    public BackupInfo takeBackup(BackupOptions options, CopyListener listener) {
        return new BackupExecutor(this, options, listener, barman.hookPause()).run();
    }

    /**
     * Recovers a backup into a folder ({@code barman recover}).
     *
     * @param backupReference a backup id or alias (latest, oldest...)
     * @param destination the folder to recover into; on the remote host with a remote ssh command
     * @param options the target and other choices
     * @param listener hears the copy's progress
     * @return what was done, and what the DBA must check
     * @throws org.barman.core.lock.LockBusyException when the backup is being deleted; while the recovery runs,
     *     the backup's lock keeps {@code delete} and retention from removing it
     * @throws BarmanException when validation fails (nothing is written then) or the copy fails
     */
    public RecoveryReport recover(String backupReference, String destination, RecoveryOptions options,
            CopyListener listener) {
        BackupInfo backup = catalog().resolve(backupReference);
        try (FileLock inUse = Locks.backupInUse(config.lockDirectory(), name(), backup.id())) {
            return new RecoveryExecutor(this, backup.id().value(), destination, options, listener).run();
        }
    }

    /**
     * Marks a backup DONE once every WAL file from its first to its last is archived: archives what waits in the
     * incoming folder, and waits up to {@code wait} for the rest.
     *
     * @param info a backup
     * @param wait how long to wait for missing WAL
     * @return the backup as it is now
     */
    public BackupInfo completeIfConsistent(BackupInfo info, java.time.Duration wait) {
        if (info.status() != BackupStatus.WAITING_FOR_WALS) {
            return info;
        }
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        while (true) {
            try {
                archiveWal();
            } catch (LockBusyException busy) {
                // another process archives right now: its work counts as well
            }
            Optional<WalSegmentName> missing = firstMissingWal(info);
            if (missing.isEmpty()) {
                BackupInfo done = info.toBuilder().status(BackupStatus.DONE).build();
                catalog().save(done);
                Log.LOG.info("Backup {} of server {} is DONE: every WAL file it needs is archived", info.id(), name());
                return done;
            }
            if (System.nanoTime() >= deadline) {
                Log.LOG.info("Backup {} of server {} waits for WAL file {} to be archived; barman cron completes it",
                        info.id(), name(), missing.get());
                return info;
            }
            try {
                // PostgreSQL ships the closing WAL file within moments of pg_backup_stop: look often at first
                Thread.sleep(System.nanoTime() - start < 5_000_000_000L ? 100 : 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return info;
            }
        }
    }

    /**
     * @param info a backup whose copy ended
     * @return the first WAL file from its begin WAL to its end WAL that the archive lacks
     */
    public Optional<WalSegmentName> firstMissingWal(BackupInfo info) {
        if (info.beginWal() == null || info.endWal() == null) {
            return Optional.empty();
        }
        java.util.Set<WalSegmentName> archived = new java.util.HashSet<>();
        walArchive().list().forEach(entry -> archived.add(entry.name()));
        long size = info.xlogSegmentSize();
        for (WalSegmentName wal = info.beginWal(); wal.compareTo(info.endWal()) <= 0; wal = wal.next(size)) {
            if (!archived.contains(wal)) {
                return Optional.of(wal);
            }
        }
        return Optional.empty();
    }

    /** Each backup waiting for WAL changes under its own lock, from its {@code backup.info} as it is then. */
    private void promoteWaitingBackups() {
        BackupStatusChanges changes = new BackupStatusChanges(config, catalog());
        for (BackupInfo listed : catalog().oldestFirst(java.util.EnumSet.of(BackupStatus.WAITING_FOR_WALS))) {
            changes.change(listed.id(), info -> info.status() == BackupStatus.WAITING_FOR_WALS
                    && firstMissingWal(info).isEmpty() ? info.toBuilder().status(BackupStatus.DONE).build() : info)
                    .ifPresent(done -> Log.LOG.info("Backup {} of server {} is DONE: every WAL file it needs is "
                            + "archived", done.id(), name()));
        }
    }

    /**
     * This server's part of {@code barman cron}, under its cron lock: WAL archiving, completion of the backups
     * waiting for WAL, {@code receive-wal} started when it should run and does not, backups left STARTED by a
     * process that ended marked FAILED, then the retention policy.
     *
     * @param listener hears what happens
     * @return whether the work went through (work skipped because it runs elsewhere counts as fine)
     */
    boolean cron(CronListener listener) {
        try (FileLock lock = Locks.server(config.lockDirectory(), name(), Locks.Kind.CRON)) {
            boolean ok = cronArchiving(listener);
            ok &= streaming().supervise(barman.receiveWalLauncher(), listener);
            ok &= cronAbandonedBackups(listener);
            return cronRetention(listener) && ok;
        } catch (LockBusyException busy) {
            listener.skipped(this, busy.getMessage());
            return true;
        }
    }

    private boolean cronArchiving(CronListener listener) {
        try {
            listener.archivingStarted(this);
            ArchiveReport report = archiveWal();
            listener.archived(this, report);
            promoteWaitingBackups();
            if (!report.succeeded()) {
                listener.failed(this, report.failure());
                return false;
            }
            return true;
        } catch (LockBusyException busy) {
            listener.skipped(this, busy.getMessage());
            return true;
        } catch (BarmanException e) {
            listener.failed(this, e.getMessage());
            return false;
        }
    }

    /** Marks FAILED the backups that a process which ended left STARTED, so that retention sees them failed. */
    private boolean cronAbandonedBackups(CronListener listener) {
        try {
            new AbandonedBackups(config, catalog()).fail().forEach(backup -> listener.abandonedBackupFailed(this,
                    backup));
            return true;
        } catch (BarmanException e) {
            listener.failed(this, e.getMessage());
            return false;
        }
    }

    /**
     * Enforces the retention policy when one is set and {@code retention_policy_mode = auto}. While a backup of
     * this server runs, its backup lock is held: retention is skipped, with a log line, and the next cron does it.
     */
    private boolean cronRetention(CronListener listener) {
        try {
            Optional<RetentionPolicy> policy = retentionPolicy();
            if (policy.isEmpty() || !"auto".equals(config.get(ConfigOptions.RETENTION_POLICY_MODE))) {
                return true;
            }
            EnforcementReport report = new RetentionEnforcer(config, policy.get(), catalog(), walArchive(),
                    barman.clock()).enforce(backup -> listener.removingObsoleteBackup(this, backup));
            report.backupsInUse().forEach(kept -> listener.obsoleteBackupInUse(this, kept.backup(), kept.reason()));
            listener.retentionEnforced(this, report);
            report.failure().ifPresent(failure -> listener.failed(this, failure));
            return report.succeeded();
        } catch (LockBusyException busy) {
            Log.LOG.info("Retention policy of server {} not enforced this time: {}; the next barman cron enforces it",
                    name(), busy.getMessage());
            listener.retentionSkipped(this, busy.getMessage());
            return true;
        } catch (RuntimeException e) {
            // a BarmanException, or a retention policy plug-in's bug: the other servers' cron goes on
            Log.LOG.error("Retention policy of server {} not enforced: {}", name(), e.getMessage(), e);
            listener.failed(this, "retention policy of server " + name() + " not enforced: " + e.getMessage());
            return false;
        }
    }

    /**
     * Rebuilds {@code xlog.db} from the files of the archive ({@code barman rebuild-xlogdb}).
     *
     * @return the number of files indexed, by kind
     */
    public Map<WalSegmentName.Kind, Integer> rebuildXlogDb() {
        FileSystemWalArchive archive = walArchive();
        archive.rebuildIndex();
        Map<WalSegmentName.Kind, Integer> counts = new java.util.EnumMap<>(WalSegmentName.Kind.class);
        for (WalSegmentName.Kind kind : WalSegmentName.Kind.values()) {
            counts.put(kind, 0);
        }
        archive.list().forEach(entry -> counts.merge(entry.name().kind(), 1, Integer::sum));
        return counts;
    }

    /**
     * Every effective option of the server, as {@code show-server} prints it: sorted by name, unset options as
     * {@code None}, passwords masked ({@link org.barman.core.config.Secrets}), the transport as chosen and the
     * retention policy as understood.
     *
     * @return option name to value
     */
    public Map<String, String> effectiveOptions() {
        Map<String, String> shown = new TreeMap<>();
        Map<String, String> texts = config.maskedTexts();
        for (ConfigOption<?> option : ConfigOptions.all()) {
            if (option.scope() == OptionScope.GLOBAL && option != ConfigOptions.BARMAN_HOME
                    && option != ConfigOptions.BARMAN_LOCK_DIRECTORY) {
                continue;
            }
            shown.put(option.name(), texts.getOrDefault(option.name(), "None"));
        }
        shown.put(ConfigOptions.TRANSPORT.name(), config.transportName());
        if (config.streamingConninfo() != null) {
            shown.put(ConfigOptions.STREAMING_CONNINFO.name(), org.barman.core.config.Secrets.maskOption(
                    ConfigOptions.STREAMING_CONNINFO.name(), config.streamingConninfo()));
        }
        retentionPolicy().ifPresent(policy -> {
            shown.put(ConfigOptions.RETENTION_POLICY.name(), policy.describe());
            shown.put(ConfigOptions.WAL_RETENTION_POLICY.name(), "MAIN");
        });
        return shown;
    }

    /** Logging starts on first use: {@code get-wal}, run once per WAL file, never logs when it succeeds. */
    private static final class Log {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Server.class);
    }
}
