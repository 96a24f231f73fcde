package org.barman.core.check;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.WalSegmentName;
import org.barman.core.backup.BackupStrategies;
import org.barman.core.catalog.AbandonedBackups;
import org.barman.core.config.AgeLimit;
import org.barman.core.config.BackupMethod;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.LockBusyException;
import org.barman.core.lock.Locks;
import org.barman.core.postgres.PostgresServer;

/** The checks of base backups: privileges, settings, the catalogue's health. */
public final class BackupChecks {

    private BackupChecks() {
    }

    /** @return the user may take backups: a superuser, or a user with the backup privileges */
    public static ServerCheck privileges() {
        return context -> context.postgres().map(pg -> {
            String name = "superuser or standard user with backup privileges";
            if (pg.isSuperuser() || pg.hasBackupPrivileges()) {
                return List.of(CheckResult.ok(name, ""));
            }
            return List.of(CheckResult.failed(name, "the user of conninfo is not a superuser and lacks REPLICATION, "
                    + "EXECUTE on the backup functions and pg_read_all_settings: grant them, or connect as a "
                    + "superuser"));
        }).orElse(List.of());
    }

    /**
     * @return the backup strategy the configuration asks for ({@code backup_options}, or {@code backup_method =
     *     postgres}) is installed and can back up the server (its version, a standby)
     */
    public static ServerCheck backupOptions() {
        return context -> context.postgres().map(pg -> {
            ServerConfig config = context.server().config();
            String name = config.get(ConfigOptions.BACKUP_METHOD) == BackupMethod.POSTGRES
                    ? ConfigOptions.BACKUP_METHOD.name() : ConfigOptions.BACKUP_OPTIONS.name();
            try {
                BackupStrategy strategy = BackupStrategies.of(config, context.server().barman().plugins());
                strategy.checkSupported(pg.versionNum(), pg.isInRecovery(), config.pluginOptions());
                return List.of(CheckResult.ok(name, strategy.name()));
            } catch (BarmanException e) {
                return List.of(CheckResult.failed(name, e.getMessage()));
            }
        }).orElse(List.of());
    }

    /** @return the cluster is the one the latest backup was taken of */
    public static ServerCheck systemIdentifier() {
        return context -> context.postgres().map(pg -> {
            Optional<BackupInfo> latest = done(context).stream().reduce((first, second) -> second);
            if (latest.isEmpty() || latest.get().systemid() == null) {
                return List.of(CheckResult.ok("systemid coherence", "no backup to compare with"));
            }
            String current = pg.systemIdentifier();
            return List.of(current.equals(latest.get().systemid()) ? CheckResult.ok("systemid coherence", "")
                    : CheckResult.failed("systemid coherence", "PostgreSQL's system identifier is " + current
                            + " but backup " + latest.get().id() + " was taken of " + latest.get().systemid()
                            + ": conninfo points to another cluster"));
        }).orElse(List.of());
    }

    /** @return at least {@code minimum_redundancy} DONE backups */
    public static ServerCheck minimumRedundancy() {
        return context -> {
            int minimum = context.server().config().get(ConfigOptions.MINIMUM_REDUNDANCY);
            int have = done(context).size();
            String detail = "have " + have + " backups, expected at least " + minimum;
            return List.of(have >= minimum ? CheckResult.ok("minimum redundancy requirements", detail)
                    : CheckResult.failed("minimum redundancy requirements", detail));
        };
    }

    /** @return the latest DONE backup is younger than {@code last_backup_maximum_age} */
    public static ServerCheck maximumAge() {
        return context -> {
            AgeLimit limit = context.server().config().get(ConfigOptions.LAST_BACKUP_MAXIMUM_AGE);
            if (limit == null) {
                return List.of(CheckResult.ok("backup maximum age", "no last_backup_maximum_age provided"));
            }
            Optional<BackupInfo> latest = done(context).stream().reduce((first, second) -> second);
            if (latest.isEmpty()) {
                return List.of(CheckResult.failed("backup maximum age", "there is no DONE backup, and "
                        + "last_backup_maximum_age is " + limit));
            }
            Instant ended = latest.get().endTime() != null ? latest.get().endTime().toInstant()
                    : latest.get().id().time().atZone(ZoneId.systemDefault()).toInstant();
            boolean young = ended.isAfter(limit.before(context.server().barman().clock().instant(), ZoneId.systemDefault()));
            String detail = "interval provided: " + limit + ", latest backup " + latest.get().id() + " ended "
                    + ended;
            return List.of(young ? CheckResult.ok("backup maximum age", detail)
                    : CheckResult.failed("backup maximum age", detail));
        };
    }

    /** @return the latest backup did not fail */
    public static ServerCheck failedBackups() {
        return context -> {
            List<BackupInfo> all = context.server().catalog().oldestFirst();
            long failed = all.stream().filter(info -> info.status() == BackupStatus.FAILED).count();
            String detail = "there are " + failed + " failed backups";
            boolean latestFailed = !all.isEmpty() && all.get(all.size() - 1).status() == BackupStatus.FAILED;
            return List.of(latestFailed ? CheckResult.failed("failed backups", detail + ", the latest one too ("
                    + all.get(all.size() - 1).id() + ": " + all.get(all.size() - 1).error() + ")")
                    : CheckResult.ok("failed backups", detail));
        };
    }

    /**
     * @return no backup was left STARTED by a process that ended (one that keeps every later WAL file until
     *     {@code cron} marks it FAILED)
     */
    public static ServerCheck abandonedBackups() {
        return context -> {
            ServerConfig config = context.server().config();
            List<BackupInfo> abandoned = new AbandonedBackups(config, context.server().catalog()).find();
            if (abandoned.isEmpty()) {
                return List.of(CheckResult.ok("abandoned backups", ""));
            }
            BackupInfo first = abandoned.get(0);
            String others = abandoned.size() == 1 ? "" : " (and " + (abandoned.size() - 1) + " more)";
            return List.of(CheckResult.failed("abandoned backups", "backup " + first.id() + others + " is STARTED "
                    + "but no process works on it: its process ended (killed?) without recording the result, and "
                    + "it keeps every WAL file from " + (first.beginWal() == null ? "its start" : first.beginWal())
                    + " on; barman cron marks it FAILED, then barman delete " + config.name() + " " + first.id()
                    + " removes it"));
        };
    }

    /** @return no backup waits for a WAL file that has not reached Barman */
    public static ServerCheck waitingForWals() {
        return context -> {
            for (BackupInfo info : context.server().catalog().oldestFirst()) {
                if (info.status() != BackupStatus.WAITING_FOR_WALS) {
                    continue;
                }
                Optional<WalSegmentName> missing = context.server().firstMissingWal(info);
                if (missing.isPresent() && context.server().walArchive().incomingFiles().stream()
                        .noneMatch(file -> file.getFileName().toString().equals(missing.get().fileName()))) {
                    return List.of(CheckResult.failed("backups waiting for WAL", "backup " + info.id()
                            + " is not DONE: WAL file " + missing.get() + " has not reached "
                            + context.server().config().incomingWalsDirectory()
                            + "; check archive_command (see 'archiver errors')"));
                }
            }
            return List.of(CheckResult.ok("backups waiting for WAL", ""));
        };
    }

    /** @return no backup of the server is running */
    public static ServerCheck backupLock() {
        return context -> {
            ServerConfig config = context.server().config();
            try (FileLock lock = Locks.server(config.lockDirectory(), config.name(), Locks.Kind.BACKUP)) {
                return List.of(CheckResult.ok("backup lock", "free"));
            } catch (LockBusyException busy) {
                return List.of(CheckResult.failed("backup lock", busy.getMessage()));
            }
        };
    }

    private static List<BackupInfo> done(CheckContext context) {
        return context.server().catalog().oldestFirst().stream().filter(BackupInfo::isDone).toList();
    }

    /** @return the check of the PostgreSQL connection's major version, for the report */
    static String versionDetail(PostgresServer pg) {
        return "PostgreSQL " + pg.version();
    }
}
