package org.barman.core.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.Tablespace;
import org.barman.api.support.LocalTrees;
import org.barman.api.support.OwnerOnly;
import org.barman.core.config.ServerConfig;
import org.barman.core.io.Durable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base backups of one server, as Barman lays them out: {@code <basebackups_directory>/<backup id>/} holding
 * {@code backup.info}, {@code data/} (the PGDATA copy) and one {@code <tablespace oid>/} folder per tablespace.
 *
 * <p>A folder is a backup when its name is a backup id and it holds a {@code backup.info}; anything else (a
 * temporary file, a folder being deleted) is not listed. Backup references given by a person go through
 * {@link #resolve(String)}, which accepts only an id or an alias, so a reference is never used as a path.
 *
 * <p>"Available" backups follow Barman's default filter: those whose copy is done, {@code DONE} and
 * {@code WAITING_FOR_WALS} ({@link #COPY_DONE}). The aliases {@code latest}/{@code last} and
 * {@code oldest}/{@code first}, and {@link #previous}/{@link #next}, look only at those, as Barman's
 * {@code get_last_backup_id}, {@code get_first_backup_id}, {@code get_previous_backup} and
 * {@code get_next_backup} do.
 */
public final class Catalog {

    /** Barman's default status filter ({@code STATUS_COPY_DONE}): backups whose files are all copied. */
    public static final Set<BackupStatus> COPY_DONE = Set.copyOf(EnumSet.of(BackupStatus.WAITING_FOR_WALS,
            BackupStatus.DONE));

    /** The name prefix of a backup folder being deleted: renamed first, so it leaves the catalogue at once. */
    static final String DELETING_PREFIX = ".barman-deleting.";

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final String serverName;
    private final Path directory;

    /**
     * @param serverName the server the backups belong to, for messages
     * @param basebackupsDirectory the server's {@code basebackups_directory}
     */
    public Catalog(String serverName, Path basebackupsDirectory) {
        if (serverName == null || basebackupsDirectory == null) {
            throw new IllegalArgumentException("a catalogue needs a server name and a folder");
        }
        this.serverName = serverName;
        this.directory = basebackupsDirectory.toAbsolutePath().normalize();
    }

    /**
     * @param server a server's configuration
     * @return its catalogue
     */
    public static Catalog of(ServerConfig server) {
        return new Catalog(server.name(), server.basebackupsDirectory());
    }

    /** @return the server's name */
    public String serverName() {
        return serverName;
    }

    /** @return the {@code basebackups_directory} */
    public Path directory() {
        return directory;
    }

    /**
     * @param id a backup id
     * @return its folder (which may not exist)
     */
    public Path backupDirectory(BackupId id) {
        return directory.resolve(id.value());
    }

    /**
     * @param id a backup id
     * @return its {@code backup.info}
     */
    public Path infoFile(BackupId id) {
        return backupDirectory(id).resolve(BackupInfoFile.FILE_NAME);
    }

    /**
     * @param id a backup id
     * @return the folder of its PGDATA copy
     */
    public Path dataDirectory(BackupId id) {
        return backupDirectory(id).resolve("data");
    }

    /**
     * @param id a backup id
     * @param tablespace one of its tablespaces
     * @return the folder of that tablespace's copy, named by its oid
     */
    public Path tablespaceDirectory(BackupId id, Tablespace tablespace) {
        return backupDirectory(id).resolve(Long.toString(tablespace.oid()));
    }

    /**
     * @return every backup, whatever its status, oldest first
     * @throws BarmanException when the folder cannot be read or a {@code backup.info} is malformed (naming the file
     *     and line): a catalogue with an unreadable backup is not silently shortened
     */
    public List<BackupInfo> oldestFirst() {
        List<BackupInfo> backups = new ArrayList<>();
        for (BackupId id : ids()) {
            find(id).ifPresent(backups::add);
        }
        return backups;
    }

    /** @return every backup, whatever its status, newest first */
    public List<BackupInfo> newestFirst() {
        List<BackupInfo> backups = new ArrayList<>(oldestFirst());
        java.util.Collections.reverse(backups);
        return backups;
    }

    /**
     * @param statuses the statuses to keep
     * @return the backups with one of those statuses, oldest first
     */
    public List<BackupInfo> oldestFirst(Set<BackupStatus> statuses) {
        return oldestFirst().stream().filter(backup -> statuses.contains(backup.status())).toList();
    }

    private List<BackupId> ids() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<BackupId> ids = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (BackupId.isValid(name) && Files.isDirectory(path)) {
                    ids.add(BackupId.parse(name));
                }
            }
        } catch (IOException e) {
            throw new BarmanException("cannot list the backups of server " + serverName + " in " + directory
                    + ": " + e.getMessage(), e);
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /**
     * @param id a backup id
     * @return the backup, when its folder holds a {@code backup.info}
     * @throws BarmanException when its {@code backup.info} is malformed
     */
    public Optional<BackupInfo> find(BackupId id) {
        return content(id).map(BackupInfoFile.Content::info);
    }

    /**
     * @param id a backup id
     * @return the whole {@code backup.info}, with the fields {@link BackupInfo} does not model
     */
    public Optional<BackupInfoFile.Content> content(BackupId id) {
        Path file = infoFile(id);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(BackupInfoFile.read(file, id));
    }

    /**
     * @param id a backup id
     * @return the backup
     * @throws BarmanException when there is no such backup
     */
    public BackupInfo get(BackupId id) {
        return find(id).orElseThrow(() -> unknown(id.value()));
    }

    private BarmanException unknown(String reference) {
        return new BarmanException("server " + serverName + " has no backup " + reference
                + " (barman list-backup " + serverName + " lists its backups)");
    }

    /**
     * Records a new backup: creates its folder when missing and writes its first {@code backup.info}. The only
     * write that creates a backup folder: later ones go through {@link #save(BackupInfo)}.
     *
     * @param info the new backup
     * @throws BarmanException when the backup already exists or cannot be written
     */
    public void create(BackupInfo info) {
        Path folder = backupDirectory(info.id());
        try {
            OwnerOnly.createFolders(folder);
        } catch (IOException e) {
            throw new BarmanException("cannot create backup folder " + folder + ": " + e.getMessage(), e);
        }
        if (Files.exists(infoFile(info.id()), LinkOption.NOFOLLOW_LINKS)) {
            throw new BarmanException("backup " + info.id() + " of server " + serverName + " already exists ("
                    + infoFile(info.id()) + ")");
        }
        BackupInfoFile.write(infoFile(info.id()), info, null);
    }

    /**
     * Writes an existing backup's {@code backup.info} again, atomically. Fields of the existing file that
     * {@link BackupInfo} does not model are kept.
     *
     * @param info the backup
     * @throws BarmanException when its folder is gone (the backup was deleted: it is not brought back) or the
     *     file cannot be written
     */
    public void save(BackupInfo info) {
        Map<String, String> others = content(info.id()).map(BackupInfoFile.Content::otherFields).orElse(null);
        save(info, others);
    }

    /**
     * Writes an existing backup's {@code backup.info} again, atomically, with the given extra fields (such as
     * {@code copy_stats} or {@code data_checksums}, as raw text). Never creates the backup's folder: writing into
     * it fails when a deletion renamed it away, even during the write, so a deleted backup never comes back.
     *
     * @param info the backup
     * @param otherFields fields {@link BackupInfo} does not model, or null for none
     * @throws BarmanException when its folder is gone or the file cannot be written
     */
    public void save(BackupInfo info, Map<String, String> otherFields) {
        Path folder = backupDirectory(info.id());
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new BarmanException("backup " + info.id() + " of server " + serverName + " is no longer in the "
                    + "catalogue (" + folder + " is gone: deleted meanwhile?); its backup.info is not written");
        }
        BackupInfoFile.write(infoFile(info.id()), info, otherFields);
    }

    /**
     * Finds the backup a person means: an id {@code YYYYMMDDTHHMMSS}, or an alias: {@code latest} or
     * {@code last} for the newest available backup, {@code oldest} or {@code first} for the oldest (available:
     * {@link #COPY_DONE}, as in Barman).
     *
     * @param reference what was typed
     * @return the backup
     * @throws BarmanException when the reference is neither an id nor an alias, or names no backup
     */
    public BackupInfo resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new BarmanException("a backup id is required: YYYYMMDDTHHMMSS, or latest, last, oldest, first");
        }
        String alias = reference.strip().toLowerCase(Locale.ROOT);
        switch (alias) {
            case "latest", "last" -> {
                return latest().orElseThrow(() -> noneAvailable(reference));
            }
            case "oldest", "first" -> {
                return oldest().orElseThrow(() -> noneAvailable(reference));
            }
            default -> {
                BackupId id;
                try {
                    id = BackupId.parse(reference);
                } catch (IllegalArgumentException e) {
                    throw new BarmanException("server " + serverName + ": " + e.getMessage());
                }
                return get(id);
            }
        }
    }

    private BarmanException noneAvailable(String alias) {
        return new BarmanException("server " + serverName + " has no available backup for '" + alias
                + "' (a DONE or WAITING_FOR_WALS one); barman list-backup " + serverName + " lists its backups");
    }

    /** @return the newest available backup ({@link #COPY_DONE}) */
    public Optional<BackupInfo> latest() {
        List<BackupInfo> available = oldestFirst(COPY_DONE);
        return available.isEmpty() ? Optional.empty() : Optional.of(available.get(available.size() - 1));
    }

    /** @return the oldest available backup ({@link #COPY_DONE}) */
    public Optional<BackupInfo> oldest() {
        return oldestFirst(COPY_DONE).stream().findFirst();
    }

    /**
     * @param id a backup id (of any status)
     * @return the newest available backup ({@link #COPY_DONE}) older than it: {@code BARMAN_PREVIOUS_ID}
     */
    public Optional<BackupInfo> previous(BackupId id) {
        return previous(id, COPY_DONE);
    }

    /**
     * @param id a backup id (of any status)
     * @param statuses the statuses a backup must have to count
     * @return the newest such backup older than it
     */
    public Optional<BackupInfo> previous(BackupId id, Set<BackupStatus> statuses) {
        BackupInfo found = null;
        for (BackupInfo backup : oldestFirst(statuses)) {
            if (backup.id().compareTo(id) < 0) {
                found = backup;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * @param id a backup id (of any status)
     * @return the oldest available backup ({@link #COPY_DONE}) newer than it: {@code BARMAN_NEXT_ID}
     */
    public Optional<BackupInfo> next(BackupId id) {
        return next(id, COPY_DONE);
    }

    /**
     * @param id a backup id (of any status)
     * @param statuses the statuses a backup must have to count
     * @return the oldest such backup newer than it
     */
    public Optional<BackupInfo> next(BackupId id, Set<BackupStatus> statuses) {
        return oldestFirst(statuses).stream().filter(backup -> backup.id().compareTo(id) > 0).findFirst();
    }

    /**
     * Removes a backup: its folder is first renamed to a hidden name in one atomic step, so that it leaves the
     * catalogue at once and a crash never leaves a half-deleted backup listed as DONE; then the renamed folder
     * is deleted (symbolic links are removed, never followed).
     *
     * @param id the backup
     * @throws BarmanException when there is no such backup, or its files cannot all be deleted (the backup has
     *     then already left the catalogue; the message names the folder to remove by hand)
     */
    public void remove(BackupId id) {
        Path folder = backupDirectory(id);
        if (!Files.isDirectory(folder)) {
            throw unknown(id.value());
        }
        Path trash = directory.resolve(DELETING_PREFIX + id.value());
        try {
            if (Files.exists(trash)) {
                LocalTrees.deleteTree(trash);
            }
            Durable.moveAtomically(folder, trash);
            Durable.syncDirectory(directory);
        } catch (IOException e) {
            throw new BarmanException("cannot remove backup " + id + " of server " + serverName + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Backup {} of server {} left the catalogue; deleting {}", id, serverName, trash);
        try {
            LocalTrees.deleteTree(trash);
            Durable.syncDirectory(directory);
        } catch (IOException e) {
            throw new BarmanException("backup " + id + " of server " + serverName + " is out of the catalogue, "
                    + "but some of its files could not be deleted (" + e.getMessage() + "): remove " + trash
                    + " by hand", e);
        }
    }

    /**
     * Deletes what interrupted removals left behind (hidden {@code .barman-deleting.*} folders).
     *
     * @return the folders deleted
     */
    public List<Path> removeLeftovers() {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return removed;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, DELETING_PREFIX + "*")) {
            for (Path path : stream) {
                LocalTrees.deleteTree(path);
                removed.add(path);
                LOG.info("Deleted {}, left by an interrupted backup deletion of server {}", path, serverName);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete what an interrupted backup deletion of server {} left in {}: {}", serverName,
                    directory, e.getMessage());
        }
        return removed;
    }

    @Override
    public String toString() {
        return "catalogue of server " + serverName + " (" + directory + ")";
    }
}
