package org.barman.core.config;

import static org.barman.core.config.OptionScope.GLOBAL;
import static org.barman.core.config.OptionScope.GLOBAL_AND_SERVER;
import static org.barman.core.config.OptionScope.SERVER;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.barman.api.ReuseMode;

/**
 * Every option of {@code barman.conf}, with its scope, type, default and meaning: the one table that the
 * validation, {@code show-server} and the {@code barman.conf(5)} reference read.
 */
public final class ConfigOptions {

    private static final List<ConfigOption<?>> ALL = new ArrayList<>();

    // Global options.
    /** Where backups and WAL are kept. */
    public static final ConfigOption<Path> BARMAN_HOME = add("barman_home", GLOBAL, "/var/lib/barman",
            "an absolute path", "Main folder of Barman: each server's backups and WAL live below it.",
            ValueParsers.path(), null);
    /** The OS user barman must run as. */
    public static final ConfigOption<String> BARMAN_USER = add("barman_user", GLOBAL, "barman", "an OS user name",
            "The operating-system user Barman runs as. Started by root, a command runs itself "
                    + "again as this user (through runuser); any other user is refused.", ValueParsers.text(), null);
    /** Log file. */
    public static final ConfigOption<Path> LOG_FILE = add("log_file", GLOBAL, null, "an absolute path",
            "File Barman logs to. When unset, nothing is logged to a file; warnings still reach the terminal.",
            ValueParsers.path(), null);
    /** Log level. */
    public static final ConfigOption<String> LOG_LEVEL = add("log_level", GLOBAL, "INFO",
            "one of DEBUG, INFO, WARNING, ERROR, CRITICAL", "Level of messages written to log_file.",
            text -> ValueParsers.oneOf("debug", "info", "warning", "error", "critical").parse(text)
                    .toUpperCase(java.util.Locale.ROOT), null);
    /** Folder of extra configuration files. */
    public static final ConfigOption<Path> CONFIGURATION_FILES_DIRECTORY = add("configuration_files_directory",
            GLOBAL, null, "a path", "Folder whose *.conf files are read after the main file, each holding server "
                    + "sections (a relative path is taken from the main file's folder).",
            Path::of, null);
    /** Lock folder. */
    public static final ConfigOption<Path> BARMAN_LOCK_DIRECTORY = add("barman_lock_directory", GLOBAL,
            "%(barman_home)s", "an absolute path",
            "Folder of the lock files that keep cron, backup and archiving of a server from running twice at once.",
            ValueParsers.path(), null);

    // Server-only options.
    /** Human description. */
    public static final ConfigOption<String> DESCRIPTION = add("description", SERVER, null, "any text",
            "A description of the server, shown by list-server.", ValueParsers.text(), "");
    /** SSH command to the PostgreSQL host. */
    public static final ConfigOption<String> SSH_COMMAND = add("ssh_command", SERVER, null,
            "a command, such as ssh postgres@pg",
            "Command that opens a shell on the PostgreSQL host as the postgres user. Empty when PostgreSQL runs on "
                    + "the backup host (local transport).", ValueParsers.text(), null);
    /** libpq connection string. */
    public static final ConfigOption<String> CONNINFO = add("conninfo", SERVER, null,
            "a libpq connection string (key=value pairs or a postgresql:// URI)",
            "How Barman connects to PostgreSQL as a superuser (or a user with the backup privileges). "
                    + "application_name is barman unless set here. A host that is a folder (or no host at all: "
                    + "/var/run/postgresql) connects through PostgreSQL's Unix-domain socket, with peer "
                    + "authentication and no password; PGHOST, PGPORT, PGUSER, PGPASSWORD and the password file "
                    + "fill in what the conninfo leaves out, as with libpq.", ValueParsers.text(), null);
    /** libpq connection string of the replication connection. */
    public static final ConfigOption<String> STREAMING_CONNINFO = add("streaming_conninfo", SERVER, null,
            "a libpq connection string (key=value pairs or a postgresql:// URI)",
            "How barman receive-wal connects to PostgreSQL in physical replication mode, as a user with the "
                    + "REPLICATION attribute (or a superuser). Unset: conninfo. replication, dbname "
                    + "(replication, for the password file) and application_name (streaming_archiver_name) are "
                    + "set by Barman; everything else is read as for conninfo, Unix-domain sockets included. "
                    + "pg_hba.conf needs a replication line for this user.", ValueParsers.text(), null);
    /** The server's folder. */
    public static final ConfigOption<Path> BACKUP_DIRECTORY = add("backup_directory", SERVER,
            "%(barman_home)s/%(name)s", "an absolute path", "Folder of everything Barman keeps for this server.",
            ValueParsers.path(), null);
    /** Base backups folder. */
    public static final ConfigOption<Path> BASEBACKUPS_DIRECTORY = add("basebackups_directory", SERVER,
            "%(backup_directory)s/base", "an absolute path", "Folder of the server's base backups.",
            ValueParsers.path(), null);
    /** WAL archive folder. */
    public static final ConfigOption<Path> WALS_DIRECTORY = add("wals_directory", SERVER,
            "%(backup_directory)s/wals", "an absolute path", "Folder of the server's WAL archive and xlog.db.",
            ValueParsers.path(), null);
    /** Incoming WAL folder. */
    public static final ConfigOption<Path> INCOMING_WALS_DIRECTORY = add("incoming_wals_directory", SERVER,
            "%(backup_directory)s/incoming", "an absolute path",
            "Folder PostgreSQL's archive_command delivers WAL files into; barman cron moves them to the archive.",
            ValueParsers.path(), null);
    /** Errors folder. */
    public static final ConfigOption<Path> ERRORS_DIRECTORY = add("errors_directory", SERVER,
            "%(backup_directory)s/errors", "an absolute path",
            "Folder of WAL files that could not be archived (unknown names, duplicates that differ). Never "
                    + "emptied automatically.", ValueParsers.path(), null);
    /** Streamed WAL folder. */
    public static final ConfigOption<Path> STREAMING_WALS_DIRECTORY = add("streaming_wals_directory", SERVER,
            "%(backup_directory)s/streaming", "an absolute path",
            "Folder barman receive-wal writes the streamed WAL into: complete segments, the segment being received "
                    + "as <name>.partial, and timeline history files; archive-wal and cron move the complete ones "
                    + "to the archive.", ValueParsers.path(), null);

    // Global options a server may override.
    /** File-based WAL archiving. */
    public static final ConfigOption<Boolean> ARCHIVER = add("archiver", GLOBAL_AND_SERVER, "on", "a boolean",
            "WAL archiving through PostgreSQL's archive_command into incoming_wals_directory. Off: incoming/ is "
                    + "not read (check fails while it holds files). archiver and streaming_archiver cannot both be "
                    + "off.", ValueParsers.bool(), null);
    /** WAL streaming. */
    public static final ConfigOption<Boolean> STREAMING_ARCHIVER = add("streaming_archiver", GLOBAL_AND_SERVER,
            "off", "a boolean",
            "WAL archiving through the replication protocol: barman receive-wal streams WAL into "
                    + "streaming_wals_directory as a standby does, cron starts it when it is not running, and "
                    + "archive-wal moves what it received to the archive. Streaming alone (archiver = off) needs "
                    + "slot_name, so that PostgreSQL keeps the WAL the receiver has not received yet.",
            ValueParsers.bool(), null);
    /** Replication slot. */
    public static final ConfigOption<String> SLOT_NAME = add("slot_name", GLOBAL_AND_SERVER, null,
            "a replication slot name: lower-case letters, digits and _",
            "Physical replication slot barman receive-wal streams from: PostgreSQL keeps every WAL file the "
                    + "receiver has not confirmed, even while it is stopped. Create it with barman receive-wal "
                    + "--create-slot, or let cron create it (create_slot = auto).", ValueParsers.slotName(), null);
    /** Slot creation. */
    public static final ConfigOption<String> CREATE_SLOT = add("create_slot", GLOBAL_AND_SERVER, "manual",
            "auto or manual", "auto: barman cron and barman receive-wal create the slot slot_name when it does not "
                    + "exist. manual: they fail, and say how to create it.", ValueParsers.oneOf("auto", "manual"),
            null);
    /** The receiver's application_name. */
    public static final ConfigOption<String> STREAMING_ARCHIVER_NAME = add("streaming_archiver_name",
            GLOBAL_AND_SERVER, "barman_receive_wal", "an application_name",
            "application_name of barman receive-wal's replication connection, as pg_stat_replication shows it: name "
                    + "it in synchronous_standby_names to make Barman a synchronous standby (no committed "
                    + "transaction lost).", ValueParsers.text(), null);
    /** How base backups are taken. */
    public static final ConfigOption<BackupMethod> BACKUP_METHOD = add("backup_method", GLOBAL_AND_SERVER,
            "rsync", "rsync, local-rsync or postgres",
            "How a base backup is taken. rsync: PostgreSQL's backup functions and a file-level copy of PGDATA and "
                    + "the tablespaces through transport (backup_options chooses the functions). local-rsync: the "
                    + "same through the local transport, PostgreSQL running on the backup host (transport, when "
                    + "set, must be local). postgres: BASE_BACKUP on a replication connection (streaming_conninfo, "
                    + "else conninfo), the server sending the files itself; needs the barman-streaming module.",
            BackupMethod::parse, null);
    /** Compression at rest of backup_method = postgres. */
    public static final ConfigOption<String> BACKUP_COMPRESSION = add("backup_compression", GLOBAL_AND_SERVER,
            "none", "none, gzip, lz4 or zstd",
            "With backup_method = postgres: how the base backup is compressed. With backup_compression_format = "
                    + "tar the backup is stored as Barman stores it, base.tar.gz (.lz4, .zst) and one <oid>.tar.* "
                    + "per tablespace in the data folder, each file still checked against the server's manifest; "
                    + "recovery decompresses them. Not supported by the other backup methods.",
            ValueParsers.oneOf("none", "gzip", "lz4", "zstd"), null);
    /** Where backup_compression happens. */
    public static final ConfigOption<String> BACKUP_COMPRESSION_LOCATION = add("backup_compression_location",
            GLOBAL_AND_SERVER, "client", "client or server",
            "With backup_compression: client compresses on the backup host; server has PostgreSQL compress "
                    + "before sending (PostgreSQL 15 or later), which saves network at the price of the "
                    + "server's CPU.", ValueParsers.oneOf("client", "server"), null);
    /** How a compressed backup is stored. */
    public static final ConfigOption<String> BACKUP_COMPRESSION_FORMAT = add("backup_compression_format",
            GLOBAL_AND_SERVER, "tar", "plain or tar",
            "With backup_compression: tar stores the compressed tar archives; plain decompresses them on "
                    + "arrival and stores the files (only with backup_compression_location = server, so that "
                    + "only the network carries compressed data).", ValueParsers.oneOf("plain", "tar"), null);
    /** Level of backup_compression. */
    public static final ConfigOption<Integer> BACKUP_COMPRESSION_LEVEL = add("backup_compression_level",
            GLOBAL_AND_SERVER, null, "an integer in the range of backup_compression's algorithm",
            "Level of backup_compression. Unset: the algorithm's default (gzip 6 on the server, lz4 and zstd "
                    + "their fast defaults).", ValueParsers.integer(Integer.MIN_VALUE), null);
    /** Threads of zstd compression. */
    public static final ConfigOption<Integer> BACKUP_COMPRESSION_WORKERS = add("backup_compression_workers",
            GLOBAL_AND_SERVER, null, "an integer (0 or more)",
            "With backup_compression = zstd: how many threads compress in parallel, on the backup host or on "
                    + "the server (backup_compression_location). Unset or 0: one, in the stream's own thread.",
            ValueParsers.integer(0), null);
    /** Backup API options. */
    public static final ConfigOption<Set<String>> BACKUP_OPTIONS = add("backup_options", GLOBAL_AND_SERVER,
            "concurrent_backup", "concurrent_backup or exclusive_backup (optionally with external_configuration)",
            "With backup_method = rsync or local-rsync, how a base backup is started and stopped: "
                    + "concurrent_backup uses PostgreSQL's non-exclusive backup API (every supported version, and "
                    + "standbys); exclusive_backup only works before PostgreSQL 15. external_configuration "
                    + "silences the warning about configuration files outside PGDATA.",
            ValueParsers.setOf("concurrent_backup", "exclusive_backup", "external_configuration"), Set.of());
    /** Retry sleep. */
    public static final ConfigOption<Integer> BASEBACKUP_RETRY_SLEEP = add("basebackup_retry_sleep",
            GLOBAL_AND_SERVER, "30", "an integer of seconds (0 or more)",
            "Seconds to wait between attempts of a failed base backup or recovery copy.", ValueParsers.integer(0),
            null);
    /** Retry times. */
    public static final ConfigOption<Integer> BASEBACKUP_RETRY_TIMES = add("basebackup_retry_times",
            GLOBAL_AND_SERVER, "0", "an integer (0 or more)",
            "How many times a failed base backup or recovery copy is tried again.", ValueParsers.integer(0), null);
    /** Bandwidth limit. */
    public static final ConfigOption<Long> BANDWIDTH_LIMIT = add("bandwidth_limit", GLOBAL_AND_SERVER, "0",
            "kilobytes per second (0 for no limit), or a size per second such as 10Mi",
            "Limit of the copy speed of backups and recoveries.", ValueParsers.bandwidthKbps(), null);
    /** Tablespace bandwidth limits. */
    public static final ConfigOption<Map<String, Long>> TABLESPACE_BANDWIDTH_LIMIT = add(
            "tablespace_bandwidth_limit", GLOBAL_AND_SERVER, null, "tbname:kbps[, tbname:kbps, ...]",
            "Limit of the copy speed per tablespace; a tablespace not listed gets bandwidth_limit.",
            ValueParsers.bandwidthMap(), Map.of());
    /** WAL compression. */
    public static final ConfigOption<String> COMPRESSION = add("compression", GLOBAL_AND_SERVER, null,
            "the name of an installed compressor (gzip, bzip2, xz, zstd, lz4, custom, or a plug-in's)",
            "How archived WAL files are compressed. Unset: stored as they are.",
            text -> text.toLowerCase(java.util.Locale.ROOT), null);
    /** Compression level. */
    public static final ConfigOption<String> COMPRESSION_LEVEL = add("compression_level", GLOBAL_AND_SERVER, null,
            "an integer in the compressor's range, or low, medium, high",
            "Level of the chosen compressor. Unset: each compressor's default, chosen for WAL speed.",
            ValueParsers.text(), null);
    /** Custom compression filter. */
    public static final ConfigOption<String> CUSTOM_COMPRESSION_FILTER = add("custom_compression_filter",
            GLOBAL_AND_SERVER, null, "a shell command", "With compression = custom: command that reads a file on "
                    + "standard input and writes it compressed on standard output.", ValueParsers.text(), null);
    /** Custom decompression filter. */
    public static final ConfigOption<String> CUSTOM_DECOMPRESSION_FILTER = add("custom_decompression_filter",
            GLOBAL_AND_SERVER, null, "a shell command", "With compression = custom: command that reads a "
                    + "compressed file on standard input and writes the original on standard output.",
            ValueParsers.text(), null);
    /** Custom compression magic. */
    public static final ConfigOption<String> CUSTOM_COMPRESSION_MAGIC = add("custom_compression_magic",
            GLOBAL_AND_SERVER, null, "hex bytes such as 0x28b52ffd",
            "With compression = custom: the first bytes of a file the custom filter wrote, so that rebuild-xlogdb "
                    + "recognises them.", ValueParsers.text(), null);
    /** Immediate checkpoint. */
    public static final ConfigOption<Boolean> IMMEDIATE_CHECKPOINT = add("immediate_checkpoint", GLOBAL_AND_SERVER,
            "false", "a boolean", "Ask PostgreSQL for a fast checkpoint when a backup starts, instead of waiting "
                    + "for a spread one.", ValueParsers.bool(), null);
    /** Maximum age of the last backup. */
    public static final ConfigOption<AgeLimit> LAST_BACKUP_MAXIMUM_AGE = add("last_backup_maximum_age",
            GLOBAL_AND_SERVER, null, "value DAYS|WEEKS|MONTHS",
            "barman check fails when the latest backup is older than this.", AgeLimit::parse, null);
    /** Minimum redundancy. */
    public static final ConfigOption<Integer> MINIMUM_REDUNDANCY = add("minimum_redundancy", GLOBAL_AND_SERVER,
            "0", "an integer (0 or more)", "The fewest backups that are always kept: delete and retention refuse "
                    + "to go below it.", ValueParsers.integer(0), null);
    /** Network compression. */
    public static final ConfigOption<Boolean> NETWORK_COMPRESSION = add("network_compression", GLOBAL_AND_SERVER,
            "false", "a boolean", "Compress data on the network during backup and recovery (rsync -z, or SSH "
                    + "compression).", ValueParsers.bool(), null);
    /** Parallel jobs. */
    public static final ConfigOption<Integer> PARALLEL_JOBS = add("parallel_jobs", GLOBAL_AND_SERVER, "1",
            "an integer (1 or more)", "Number of parallel copy streams of a backup or recovery.",
            ValueParsers.integer(1), null);
    /** Transport. */
    public static final ConfigOption<String> TRANSPORT = add("transport", GLOBAL_AND_SERVER, null,
            "the name of an installed transport (local, rsync, ssh, or a plug-in's)",
            "How files move between the PostgreSQL host and the backup host. Unset: local when ssh_command is "
                    + "empty, rsync otherwise; always local with backup_method = local-rsync.", text -> text.toLowerCase(java.util.Locale.ROOT), null);
    /** Pre-archive hook. */
    public static final ConfigOption<String> PRE_ARCHIVE_SCRIPT = hook("pre_archive_script",
            "before a WAL file is archived, once, exit code ignored");
    /** Pre-archive retry hook. */
    public static final ConfigOption<String> PRE_ARCHIVE_RETRY_SCRIPT = hook("pre_archive_retry_script",
            "before a WAL file is archived, until it returns 0, 62 (ABORT_CONTINUE) or 63 (ABORT_STOP)");
    /** Post-archive retry hook. */
    public static final ConfigOption<String> POST_ARCHIVE_RETRY_SCRIPT = hook("post_archive_retry_script",
            "after a WAL file is archived, until it returns 0, 62 or 63");
    /** Post-archive hook. */
    public static final ConfigOption<String> POST_ARCHIVE_SCRIPT = hook("post_archive_script",
            "after a WAL file is archived, once, exit code ignored");
    /** Pre-backup hook. */
    public static final ConfigOption<String> PRE_BACKUP_SCRIPT = hook("pre_backup_script",
            "before a base backup, once, exit code ignored");
    /** Pre-backup retry hook. */
    public static final ConfigOption<String> PRE_BACKUP_RETRY_SCRIPT = hook("pre_backup_retry_script",
            "before a base backup, until it returns 0, 62 (ABORT_CONTINUE) or 63 (ABORT_STOP: the backup is not "
                    + "taken)");
    /** Post-backup retry hook. */
    public static final ConfigOption<String> POST_BACKUP_RETRY_SCRIPT = hook("post_backup_retry_script",
            "after a base backup, until it returns 0, 62 or 63");
    /** Post-backup hook. */
    public static final ConfigOption<String> POST_BACKUP_SCRIPT = hook("post_backup_script",
            "after a base backup, once, exit code ignored");
    /** Recovery options. */
    public static final ConfigOption<Set<String>> RECOVERY_OPTIONS = add("recovery_options", GLOBAL_AND_SERVER,
            null, "a comma-separated list: get-wal",
            "get-wal: a recovery's restore_command fetches WAL with barman get-wal instead of copying it all "
                    + "beforehand.", ValueParsers.setOf("get-wal"), Set.of());
    /** Where a remote recovery unpacks a compressed backup first. */
    public static final ConfigOption<Path> RECOVERY_STAGING_PATH = add("recovery_staging_path", GLOBAL_AND_SERVER,
            null, "an absolute path on the backup host",
            "Folder of the backup host where a remote recovery of a compressed backup (backup_compression_format "
                    + "= tar) unpacks it before copying it to the recovery host; the unpacked copy is removed "
                    + "afterwards. A local recovery unpacks straight into the destination.", ValueParsers.path(),
            null);
    /** This host's name as seen from PostgreSQL hosts. */
    public static final ConfigOption<String> BARMAN_HOST = add("barman_host", GLOBAL_AND_SERVER, null,
            "a host name", "Name by which a recovered PostgreSQL host reaches this Barman over SSH, for the "
                    + "restore_command of a remote recovery with get-wal. Unset: this host's full name.",
            ValueParsers.text(), null);
    /** Retention policy. */
    public static final ConfigOption<String> RETENTION_POLICY = add("retention_policy", GLOBAL_AND_SERVER, null,
            "REDUNDANCY value | RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS",
            "Which base backups barman cron keeps. Unset: none is ever deleted automatically.", ValueParsers.text(),
            null);
    /** Retention mode. */
    public static final ConfigOption<String> RETENTION_POLICY_MODE = add("retention_policy_mode",
            GLOBAL_AND_SERVER, "auto", "auto", "auto: barman cron enforces the retention policy.",
            ValueParsers.oneOf("auto"), null);
    /** Reuse backup. */
    public static final ConfigOption<ReuseMode> REUSE_BACKUP = add("reuse_backup", GLOBAL_AND_SERVER, "off",
            "off, link or copy", "Incremental backup: files unchanged since the previous backup are hard-linked "
                    + "(link) or copied (copy) from it instead of read from PostgreSQL again.", ReuseMode::parse,
            null);
    /** WAL retention. */
    public static final ConfigOption<String> WAL_RETENTION_POLICY = add("wal_retention_policy", GLOBAL_AND_SERVER,
            "main", "main", "main: WAL files are kept exactly as long as the base backups that need them.",
            ValueParsers.oneOf("main"), null);

    private static final Map<String, ConfigOption<?>> BY_NAME;

    static {
        Map<String, ConfigOption<?>> byName = new LinkedHashMap<>();
        for (ConfigOption<?> option : ALL) {
            if (byName.put(option.name(), option) != null) {
                throw new IllegalStateException("option " + option.name() + " is declared twice");
            }
        }
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private ConfigOptions() {
    }

    private static <T> ConfigOption<T> add(String name, OptionScope scope, String defaultValue, String expected,
            String description, ValueParser<T> parser, T unsetValue) {
        ConfigOption<T> option = new ConfigOption<>(name, scope, defaultValue, expected, description, parser,
                unsetValue);
        ALL.add(option);
        return option;
    }

    private static ConfigOption<String> hook(String name, String when) {
        return add(name, GLOBAL_AND_SERVER, null, "a shell command",
                "Hook script run through the shell " + when + ".", ValueParsers.text(), null);
    }

    /** @return every option, in declaration order */
    public static List<ConfigOption<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /**
     * @param name an option name
     * @return the option, when it exists
     */
    public static Optional<ConfigOption<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
