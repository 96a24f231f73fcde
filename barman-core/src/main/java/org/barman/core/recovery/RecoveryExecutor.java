package org.barman.core.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.Compressor;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;
import org.barman.api.Tablespace;
import org.barman.api.Transport;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.barman.core.Server;
import org.barman.core.config.ConfigLoader;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.io.Retries;
import org.barman.core.wal.FileSystemWalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recovery of a backup into a destination folder, on this host or, through {@code --remote-ssh-command}, on
 * another: validate everything first (nothing is written when anything is wrong), copy the data folder and the
 * tablespaces, make the WAL available (copied into {@code barman_wal/}, or fetched by {@code barman get-wal}),
 * write the recovery settings for the backup's PostgreSQL version, disable archiving in the copy, and report
 * what the DBA must still check.
 */
public final class RecoveryExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryExecutor.class);
    private static final String STAGING = ".barman-recover";
    private static final String WAL_FOLDER = "barman_wal";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern MANIFEST_SIZE = Pattern.compile(
            "\"Size\": ?([0-9]+)");

    private final Server server;
    private final ServerConfig config;
    private final String backupReference;
    private final String destination;
    private final RecoveryOptions options;
    private final CopyListener listener;
    /** The segments of the streaming folder a recovery may use, by segment name. */
    private Map<WalSegmentName, Path> streamedFiles = Map.of();

    /**
     * @param server the server whose backup is recovered
     * @param backupReference a backup id or alias
     * @param destination the folder to recover into (absolute; on the remote host for a remote recovery)
     * @param options targets and other choices
     * @param listener hears the copy's progress
     */
    public RecoveryExecutor(Server server, String backupReference, String destination, RecoveryOptions options,
            CopyListener listener) {
        this.server = server;
        this.config = server.config();
        this.backupReference = backupReference;
        this.destination = destination.endsWith("/") && destination.length() > 1
                ? destination.substring(0, destination.length() - 1) : destination;
        this.options = options;
        this.listener = listener;
    }

    /**
     * @return what was done and what to check
     * @throws BarmanException when validation fails (nothing written) or the copy fails
     */
    public RecoveryReport run() {
        if (!destination.startsWith("/")) {
            throw new BarmanException("destination '" + destination + "' must be an absolute path");
        }
        BackupInfo backup = server.catalog().resolve(backupReference);
        if (!backup.isDone()) {
            throw new BarmanException("backup " + backup.id() + " of server " + config.name() + " is "
                    + backup.status() + ", not DONE: only a DONE backup can be recovered"
                    + (backup.status() == org.barman.api.BackupStatus.WAITING_FOR_WALS
                            ? " (it waits for its WAL: barman cron marks it DONE once archived)" : ""));
        }
        validateTarget(backup);
        if (backup.compression() != null && options.remoteSshCommand().isPresent()) {
            stagingPath(backup);
        }
        Map<String, String> locations = tablespaceLocations(backup);
        FileSystemWalArchive archive = server.walArchive();
        boolean getWal = options.getWal().orElse(config.get(ConfigOptions.RECOVERY_OPTIONS).contains("get-wal"));
        Map<WalSegmentName, Path> streamed = getWal ? Map.of() : streamedSegments(archive);
        List<WalFileInfo> wal = RecoveryWal.select(config.name(), backup, archive.list(), archive::holds,
                RecoveryWal.targetHistory(backup, histories(archive), options.targetTimeline(), config.name()),
                options.target(), streamedEntries(streamed));
        this.streamedFiles = streamed;
        List<String> warnings = new ArrayList<>();
        try (Transport transport = transport()) {
            checkDestination(transport, destination);
            for (String location : locations.values()) {
                checkDestination(transport, location);
            }
            long walBytes = getWal ? 0 : wal.size() * backup.xlogSegmentSize();
            checkFreeSpace(transport, plainSize(backup) + walBytes);
            versionWarning(transport, backup).ifPresent(warnings::add);

            CopyResult copied = copyWithRetries(transport, backup, locations);
            String restoreCommand = getWal ? getWalCommand() : "cp " + WAL_FOLDER + "/%f %p";
            Map<String, String> settings = RecoveryConfig.settings(restoreCommand, options);
            String header = "Written by barman recover on " + OffsetDateTime.now() + ": backup " + backup.id()
                    + " of server " + config.name();
            Staged staged = stage(transport, backup, locations, getWal ? List.of() : wal, settings, header, warnings);
            warnings.addAll(standardWarnings(backup, getWal));
            LOG.info("Recovered backup {} of server {} into {}{}", backup.id(), config.name(), destination,
                    options.remoteSshCommand().map(command -> " through " + command).orElse(""));
            return new RecoveryReport(backup.id(), destination, options.remoteSshCommand().orElse(null),
                    copied.files(), copied.bytes(), getWal ? 0 : staged.walFiles(), locations, settings,
                    staged.settingsFile(), staged.signalFile(), warnings);
        }
    }

    /** The segments of the streaming folder ({@code streaming_archiver = on}), complete or being received. */
    private Map<WalSegmentName, Path> streamedSegments(FileSystemWalArchive archive) {
        if (!config.get(ConfigOptions.STREAMING_ARCHIVER)) {
            return Map.of();
        }
        Map<WalSegmentName, Path> segments = archive.streamedSegments();
        if (!segments.isEmpty()) {
            LOG.info("Recovery of server {} may use the segments of the streaming folder not archived yet: {}",
                    config.name(), segments.keySet());
        }
        return segments;
    }

    private static List<WalFileInfo> streamedEntries(Map<WalSegmentName, Path> streamed) {
        List<WalFileInfo> entries = new ArrayList<>();
        streamed.forEach((name, file) -> {
            try {
                entries.add(new WalFileInfo(name, Files.size(file), 0, null));
            } catch (IOException e) {
                LOG.warn("Cannot read {} of the streaming folder: {}", file, e.getMessage());
            }
        });
        return entries;
    }

    private void validateTarget(BackupInfo backup) {
        RecoveryTarget target = options.target();
        target.time().ifPresent(time -> {
            if (backup.endTime() != null && time.isBefore(backup.endTime())) {
                throw new BarmanException("target time " + target.value() + " is before the end of backup "
                        + backup.id() + " (" + backup.endTime() + "): a backup can only be recovered to a later "
                        + "moment; choose an earlier backup");
            }
        });
        target.lsn().ifPresent(lsn -> {
            if (backup.endXlog() != null && lsn.compareTo(backup.endXlog()) < 0) {
                throw new BarmanException("target LSN " + lsn + " is before the end of backup " + backup.id() + " ("
                        + backup.endXlog() + "): choose an earlier backup");
            }
        });
    }

    private Map<String, String> tablespaceLocations(BackupInfo backup) {
        Map<String, String> known = backup.tablespaces().stream()
                .collect(Collectors.toMap(Tablespace::name, Tablespace::location, (a, b) -> a, LinkedHashMap::new));
        for (String name : options.tablespaces().keySet()) {
            if (!known.containsKey(name)) {
                throw new BarmanException("--tablespace " + name + ": backup " + backup.id() + " has no tablespace "
                        + "named " + name + (known.isEmpty() ? " (it has none)" : " (it has " + String.join(", ",
                                known.keySet()) + ")"));
            }
        }
        Map<String, String> locations = new LinkedHashMap<>(known);
        locations.putAll(options.tablespaces());
        for (String location : locations.values()) {
            if (location.equals(destination) || location.startsWith(destination + "/")) {
                throw new BarmanException("tablespace folder " + location + " is inside the destination "
                        + destination + ": choose a folder outside it with --tablespace NAME:DIRECTORY");
            }
        }
        return locations;
    }

    private Map<Long, TimelineHistory> histories(FileSystemWalArchive archive) {
        Map<Long, TimelineHistory> histories = new HashMap<>();
        for (WalFileInfo entry : archive.list()) {
            if (entry.name().kind() != WalSegmentName.Kind.HISTORY) {
                continue;
            }
            if (!archive.holds(entry.name())) {
                throw new BarmanException("history file " + entry.name() + " is missing from the archive of server "
                        + config.name() + " (" + archive.xlogDb().file() + " lists it), and the recovery needs every "
                        + "history file to follow timelines: nothing was copied; run barman rebuild-xlogdb "
                        + config.name() + " if it was removed on purpose");
            }
            try (InputStream in = archive.open(entry.name())) {
                histories.put(entry.name().timeline(), TimelineHistory.parse(entry.name().timeline(),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new BarmanException("cannot read history file " + entry.name() + ": " + e.getMessage(), e);
            }
        }
        return histories;
    }

    private Transport transport() {
        if (options.remoteSshCommand().isEmpty()) {
            return server.barman().plugins().transport("local", config.pluginOptions());
        }
        String name = config.transportName().equals("local") ? "rsync" : config.transportName();
        return server.barman().plugins().transport(name, config.pluginOptions().with(
                Map.of("ssh_command", options.remoteSshCommand().get())));
    }

    private CommandResult run(Transport transport, String command) {
        CommandResult result = transport.run(command);
        if (!result.succeeded()) {
            throw new BarmanException(where() + ": '" + command + "' failed with exit code " + result.exitCode()
                    + ": " + result.stderr().strip());
        }
        return result;
    }

    private String where() {
        return options.remoteSshCommand().map(command -> "on the recovery host (" + command + ")")
                .orElse("on this host");
    }

    private void checkDestination(Transport transport, String folder) {
        String quoted = quote(folder);
        String found = run(transport, "if [ -e " + quoted + " ]; then if [ -d " + quoted + " ]; then ls -A "
                + quoted + " | head -n 1; else echo 'not a folder'; fi; fi").stdoutText().strip();
        if (!found.isEmpty()) {
            throw new BarmanException("destination " + folder + " " + where() + " is not empty (it holds " + found
                    + "): recover into an empty or new folder");
        }
    }

    private void checkFreeSpace(Transport transport, long needed) {
        String command = "p=" + quote(destination) + "; while [ ! -e \"$p\" ]; do p=$(dirname \"$p\"); done; "
                + "df -Pk \"$p\" | tail -n 1";
        String[] fields = run(transport, command).stdoutText().strip().split("\\s+");
        if (fields.length < 4) {
            LOG.warn("Cannot read the free space of {} {}", destination, where());
            return;
        }
        long available = Long.parseLong(fields[3]) * 1024;
        if (available < needed) {
            throw new BarmanException("not enough free space for " + destination + " " + where() + ": the recovery "
                    + "needs about " + needed / (1024 * 1024) + " MiB, " + available / (1024 * 1024)
                    + " MiB are free");
        }
    }

    private java.util.Optional<String> versionWarning(Transport transport, BackupInfo backup) {
        int major = backup.version() / 10000;
        CommandResult found = transport.run("ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null; "
                + "command -v postgres pg_ctl 2>/dev/null; true");
        String text = found.stdoutText();
        if (text.contains("/usr/lib/postgresql/" + major + "/bin/postgres")) {
            return java.util.Optional.empty();
        }
        List<String> others = text.lines().filter(line -> line.matches("/usr/lib/postgresql/\\d+/bin/postgres"))
                .map(line -> line.replaceAll("/usr/lib/postgresql/(\\d+)/bin/postgres", "$1")).toList();
        if (!others.isEmpty()) {
            return java.util.Optional.of("the backup is of PostgreSQL " + major + ", but the recovery host " + where()
                    .replace("on ", "") + " has PostgreSQL " + String.join(", ", others) + " installed: start the "
                    + "copy with PostgreSQL " + major + " binaries, no other major version can");
        }
        return java.util.Optional.of("start the copy with PostgreSQL " + major + " binaries (the backup's major "
                + "version); no other major version can");
    }

    private CopyResult copyWithRetries(Transport transport, BackupInfo backup, Map<String, String> locations) {
        int retries = options.retryTimes().orElse(config.get(ConfigOptions.BASEBACKUP_RETRY_TIMES));
        Duration sleep = options.retrySleep().orElse(Duration.ofSeconds(
                config.get(ConfigOptions.BASEBACKUP_RETRY_SLEEP)));
        long bandwidth = config.get(ConfigOptions.BANDWIDTH_LIMIT);
        Map<String, Long> tablespaceBandwidth = config.get(ConfigOptions.TABLESPACE_BANDWIDTH_LIMIT);
        PlainCopy copy = (data, tablespaceFolder) -> Retries.run(retries, sleep, () -> push(transport, backup,
                data, tablespaceFolder, locations, bandwidth, tablespaceBandwidth), (failure, next, attempts) ->
                LOG.warn("Copy for recovery failed ({}); attempt {} of {} in {} s", failure.getMessage(), next,
                        attempts, sleep.toSeconds()));
        if (backup.compression() != null) {
            return copyCompressed(backup, locations, copy);
        }
        return copy.run(server.catalog().dataDirectory(backup.id()),
                tablespace -> server.catalog().tablespaceDirectory(backup.id(), tablespace));
    }

    private CopyResult push(Transport transport, BackupInfo backup, Path data,
            Function<Tablespace, Path> tablespaceFolder, Map<String, String> locations,
            long bandwidth, Map<String, Long> tablespaceBandwidth) {
        try {
            CopyResult total = transport.push(new CopyJob(destination, data, List.of(), ReuseMode.OFF, null,
                    bandwidth), listener);
            for (Tablespace tablespace : backup.tablespaces()) {
                total = total.plus(transport.push(new CopyJob(locations.get(tablespace.name()),
                        tablespaceFolder.apply(tablespace), List.of(), ReuseMode.OFF, null,
                        tablespaceBandwidth.getOrDefault(tablespace.name(), bandwidth)), listener));
            }
            return total;
        } catch (BarmanException e) {
            throw new BarmanException("recovery of backup " + backup.id() + " into " + destination + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A backup stored as compressed tar archives: a local recovery unpacks them straight into the destination and
     * the tablespace folders; a remote one unpacks them into {@code recovery_staging_path} on this host, pushes
     * the plain copy like any other, and removes it.
     */
    /**
     * @return the bytes the backup takes once recovered: its size, or for one stored compressed the sum of the file
     *     sizes its {@code backup_manifest} lists (one file per line, as PostgreSQL writes it)
     */
    private long plainSize(BackupInfo backup) {
        Path manifest = server.catalog().dataDirectory(backup.id()).resolve("backup_manifest");
        if (backup.compression() == null || !Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return backup.size();
        }
        try (var lines = Files.lines(manifest)) {
            return lines.map(MANIFEST_SIZE::matcher).filter(Matcher::find)
                    .mapToLong(size -> Long.parseLong(size.group(1))).sum();
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            LOG.warn("Cannot read the file sizes of {}: {}", manifest, e.getMessage());
            return backup.size();
        }
    }

    /** @return where a remote recovery of a compressed backup unpacks it on this host */
    private Path stagingPath(BackupInfo backup) {
        return options.recoveryStagingPath().or(() -> Optional.ofNullable(config.get(
                ConfigOptions.RECOVERY_STAGING_PATH))).orElseThrow(() -> new BarmanException("backup " + backup.id()
                        + " is stored compressed (" + backup.compression() + "): a remote recovery unpacks it on this "
                        + "host first; set recovery_staging_path for server " + config.name() + " or pass "
                        + "--recovery-staging-path (nothing was copied)"));
    }

    private CopyResult copyCompressed(BackupInfo backup, Map<String, String> locations, PlainCopy copy) {
        Compressor compressor = server.barman().plugins().compressor(backup.compression(), config.pluginOptions());
        String extension = switch (backup.compression()) {
            case "gzip" -> "gz";
            case "zstd" -> "zst";
            default -> backup.compression();
        };
        Path archives = server.catalog().dataDirectory(backup.id());
        listener.planned(0, plainSize(backup));
        if (options.remoteSshCommand().isEmpty()) {
            Map<Long, Path> folders = new HashMap<>();
            backup.tablespaces().forEach(t -> folders.put(t.oid(), Path.of(locations.get(t.name()))));
            return CompressedCopy.unpack(backup, extension, compressor, archives, Path.of(destination), folders,
                    listener);
        }
        Path stagingRoot = stagingPath(backup);
        Path staging = null;
        try {
            OwnerOnly.createFolders(stagingRoot);
            staging = Files.createTempDirectory(stagingRoot, "barman-unpack-" + backup.id() + "-",
                    OwnerOnly.folder());
            Path data = staging.resolve("data");
            Map<Long, Path> folders = new HashMap<>();
            for (Tablespace tablespace : backup.tablespaces()) {
                folders.put(tablespace.oid(), staging.resolve(Long.toString(tablespace.oid())));
            }
            LOG.info("Unpacking backup {} of server {} into {} before copying it {}", backup.id(), config.name(),
                    staging, where());
            CompressedCopy.unpack(backup, extension, compressor, archives, data, folders, CopyListener.NONE);
            return copy.run(data, tablespace -> folders.get(tablespace.oid()));
        } catch (IOException e) {
            throw new BarmanException("cannot unpack backup " + backup.id() + " into recovery_staging_path "
                    + stagingRoot + ": " + LocalTrees.reason(e), e);
        } finally {
            if (staging != null) {
                try {
                    LocalTrees.deleteTree(staging);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the unpacked copy {}: {}", staging, LocalTrees.reason(e));
                }
            }
        }
    }

    /** Copies a plain backup, from its data folder and tablespace folders on this host, to the destination. */
    @FunctionalInterface
    private interface PlainCopy {
        CopyResult run(Path data, Function<Tablespace, Path> tablespaceFolder);
    }

    private record Staged(int walFiles, String settingsFile, String signalFile) {
    }

    /**
     * Writes the recovery settings (and the WAL, unless get-wal fetches it) into a staging folder of its own inside
     * the destination, then moves each staged entry into place. The folder gets a random name and is created with a
     * plain {@code mkdir}, which refuses any existing entry (a link from the backup included); each entry it replaces
     * is removed first, so that a link of that name, restored from the backup, is replaced rather than written
     * through. A remote recovery writes the staging folder on this host first, in a fresh temporary folder, and
     * pushes it into the one created on the recovery host.
     */
    private Staged stage(Transport transport, BackupInfo backup, Map<String, String> locations,
            List<WalFileInfo> wal, Map<String, String> settings, String header, List<String> warnings) {
        boolean local = options.remoteSshCommand().isEmpty();
        String stagingName = STAGING + "-" + HexFormat.of().toHexDigits(RANDOM.nextLong());
        String target = destination + "/" + stagingName;
        run(transport, "mkdir -m 700 " + quote(target));
        Path staging = null;
        try {
            staging = local ? Path.of(target) : Files.createTempDirectory("barman-recover");
            List<String> staged = new ArrayList<>();
            Path data = server.catalog().dataDirectory(backup.id());
            int walFiles = writeWal(staging, wal);
            if (walFiles > 0) {
                staged.add(WAL_FOLDER);
            }
            boolean modern = backup.version() >= 120000;
            String auto = readConfiguration(backup, data, "postgresql.auto.conf", warnings, "the copy gets a regular "
                    + "postgresql.auto.conf in its place, holding only the recovery settings").orElse("");
            String settingsFile;
            String signalFile = null;
            if (modern) {
                Files.writeString(staging.resolve("postgresql.auto.conf"), RecoveryConfig.autoConf(auto, settings,
                        header));
                settingsFile = "postgresql.auto.conf";
                signalFile = options.standbyMode() ? "standby.signal" : "recovery.signal";
                Files.writeString(staging.resolve(signalFile), "");
                staged.add(signalFile);
            } else {
                Files.writeString(staging.resolve("recovery.conf"), RecoveryConfig.recoveryConf(settings,
                        options.standbyMode(), header));
                Files.writeString(staging.resolve("postgresql.auto.conf"), RecoveryConfig.commentOut(auto, false)
                        + "archive_mode = off\n");
                settingsFile = "recovery.conf";
                staged.add(settingsFile);
            }
            staged.add("postgresql.auto.conf");
            List<String> disabled = new ArrayList<>(RecoveryConfig.disabledSettings(auto));
            Optional<String> original = readConfiguration(backup, data, "postgresql.conf", warnings, "it is left as "
                    + "it is in the copy, its archive settings not commented out (archive_mode = off in "
                    + "postgresql.auto.conf overrides them): check what it points to on the recovery host");
            if (original.isPresent()) {
                disabled.addAll(RecoveryConfig.disabledSettings(original.get()));
                Files.writeString(staging.resolve("postgresql.conf"), RecoveryConfig.commentOut(original.get(), true));
                staged.add("postgresql.conf");
            }
            List<String> distinct = disabled.stream().distinct().toList();
            warnings.add("archiving is disabled in the copy, so that it never archives into this server's archive: "
                    + "archive_mode = off in postgresql.auto.conf" + (distinct.isEmpty() ? "" : ", and the original "
                    + String.join(", ", distinct) + " lines kept as " + RecoveryConfig.COMMENT.strip() + " comments")
                    + "; set archiving up again once the copy is in service");
            if (!backup.tablespaces().isEmpty()) {
                StringBuilder map = new StringBuilder();
                backup.tablespaces().forEach(t -> map.append(t.oid()).append(' ').append(locations.get(t.name()))
                        .append('\n'));
                Files.writeString(staging.resolve("tablespace_map"), map);
                staged.add("tablespace_map");
            }
            if (!local) {
                transport.push(CopyJob.of(target, staging), CopyListener.NONE);
            }
            run(transport, finishCommand(backup, locations, stagingName, staged));
            return new Staged(walFiles, settingsFile, signalFile);
        } catch (IOException e) {
            throw new BarmanException("cannot prepare the recovery settings of " + destination + ": "
                    + e.getMessage(), e);
        } finally {
            if (!local && staging != null) {
                try {
                    LocalTrees.deleteTree(staging);
                } catch (IOException e) {
                    LOG.warn("Cannot remove the staging folder {}: {}", staging, e.getMessage());
                }
            }
        }
    }

    /**
     * @return the text of a configuration file of the backup, read only when it is a regular file: a link there
     *     points to a file of the PostgreSQL host, and following it here would read one of this host's
     */
    private static Optional<String> readConfiguration(BackupInfo backup, Path data, String name,
            List<String> warnings, String consequence) throws IOException {
        Path file = data.resolve(name);
        if (Files.isSymbolicLink(file)) {
            warnings.add(name + " in backup " + backup.id() + " is a symbolic link (to " + Files.readSymbolicLink(
                    file) + "), not read: " + consequence);
            return Optional.empty();
        }
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(Files.readString(file))
                : Optional.empty();
    }

    private String finishCommand(BackupInfo backup, Map<String, String> locations, String stagingName,
            List<String> staged) {
        StringBuilder finish = new StringBuilder("set -e; cd " + quote(destination) + "; ");
        if (!backup.tablespaces().isEmpty()) {
            finish.append("if [ -L pg_tblspc ]; then echo ").append(quote("pg_tblspc in " + destination
                    + " is a symbolic link (restored from backup " + backup.id() + "): the tablespace links are not "
                    + "written through it")).append(" >&2; exit 1; fi; ");
        }
        finish.append("rm -f standby.signal recovery.signal recovery.conf; ");
        for (String name : staged) {
            finish.append("rm -rf -- ").append(name).append("; mv -- ").append(quote(stagingName + "/" + name))
                    .append(' ').append(name).append("; ");
        }
        finish.append("rmdir -- ").append(quote(stagingName)).append("; ");
        for (Tablespace tablespace : backup.tablespaces()) {
            finish.append("ln -sfn ").append(quote(locations.get(tablespace.name()))).append(" pg_tblspc/")
                    .append(tablespace.oid()).append("; chmod 700 ").append(quote(locations.get(
                            tablespace.name()))).append("; ");
        }
        return finish.append("chmod 700 .; sync").toString();
    }

    private int writeWal(Path staging, List<WalFileInfo> wal) throws IOException {
        int count = 0;
        Path folder = staging.resolve(WAL_FOLDER);
        FileSystemWalArchive archive = server.walArchive();
        for (WalFileInfo entry : wal) {
            Files.createDirectories(folder);
            try (InputStream in = openWal(archive, entry.name());
                    OutputStream out = Files.newOutputStream(folder.resolve(entry.name().fileName()))) {
                in.transferTo(out);
            }
            count++;
        }
        return count;
    }

    /** The archive's copy, else the streaming folder's (archived meanwhile: the archive's again). */
    private InputStream openWal(FileSystemWalArchive archive, WalSegmentName name) throws IOException {
        Path streamedFile = streamedFiles.get(name);
        if (streamedFile == null || archive.holds(name)) {
            return archive.open(name);
        }
        try {
            return Files.newInputStream(streamedFile, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException moved) {
            return archive.open(name);
        }
    }

    private String getWalCommand() {
        String launcher = System.getProperty("barman.launcher", "barman");
        StringBuilder command = new StringBuilder(quoteIfNeeded(launcher));
        Path configFile = server.barman().config().mainFile();
        boolean defaultConfig = ConfigLoader.defaultLocations().stream().filter(Files::isRegularFile).findFirst()
                .map(path -> path.toAbsolutePath().normalize().equals(configFile)).orElse(false);
        if (!defaultConfig) {
            command.append(" -c ").append(quoteIfNeeded(configFile.toString()));
        }
        command.append(" -q get-wal ");
        if (config.get(ConfigOptions.STREAMING_ARCHIVER) && !options.standbyMode()) {
            // the segment receive-wal is receiving is the last of a recovery to the latest point
            command.append("--partial ");
        }
        command.append(config.name()).append(" %f > %p");
        if (options.remoteSshCommand().isEmpty()) {
            return command.toString();
        }
        String user = server.barman().config().global().get(ConfigOptions.BARMAN_USER);
        String host = config.get(ConfigOptions.BARMAN_HOST);
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return "ssh " + user + "@" + host + " " + quoteIfNeeded(command.toString().replace(" > %p", ""))
                + " > %p";
    }

    private List<String> standardWarnings(BackupInfo backup, boolean getWal) {
        List<String> warnings = new ArrayList<>();
        String pgdata = backup.pgdata() == null ? "" : backup.pgdata() + "/";
        for (String file : new String[] {backup.configFile(), backup.hbaFile(), backup.identFile()}) {
            if (file != null && !file.startsWith(pgdata)) {
                warnings.add(file + " lived outside PGDATA: the backup's copy of it is in " + destination + "/"
                        + Path.of(file).getFileName() + "; check it, and put it back where your PostgreSQL expects "
                        + "it if that is not in the data folder");
            }
        }
        if (!backup.includedFiles().isEmpty()) {
            warnings.add("these included configuration files are not in the backup: " + String.join(", ",
                    backup.includedFiles()) + "; restore them yourself");
        }
        warnings.add("symbolic links inside PGDATA other than the tablespaces of pg_tblspc are not tracked by "
                + "Barman: recreate any your cluster had");
        if (getWal) {
            warnings.add("restore_command calls barman get-wal: test it once as the OS user that runs the copy "
                    + "before relying on it");
        }
        warnings.add("start the copy as the OS user that owns it (chown -R postgres: " + destination + " first if "
                + "needed): a cluster started by the barman user makes barman its superuser");
        return warnings;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static String quoteIfNeeded(String text) {
        return text.matches("[A-Za-z0-9_./%=:@+-]+") ? text : quote(text);
    }

}
