package org.barman.core.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.core.wal.FileSystemWalArchive;

/**
 * The absolute paths of the files of a backup, for {@code barman list-files}: for tools that copy a backup
 * elsewhere (tape, another site), so the lists follow Barman's exactly.
 */
public final class BackupFiles {

    private BackupFiles() {
    }

    /**
     * @param catalog the server's catalogue
     * @param archive the server's WAL archive
     * @param backup the backup
     * @param target what to list
     * @return one absolute path per file: the backup folder's files (folder by folder, names sorted; symbolic
     *     links to folders are not followed) for data, then the WAL files the target asks for
     * @throws BarmanException when the backup folder cannot be read
     */
    public static List<Path> list(Catalog catalog, FileSystemWalArchive archive, BackupInfo backup,
            ListFilesTarget target) {
        List<Path> files = new ArrayList<>();
        if (target != ListFilesTarget.WAL) {
            try {
                walk(catalog.backupDirectory(backup.id()), files);
            } catch (IOException e) {
                throw new BarmanException("cannot list the files of backup " + backup.id() + " of server "
                        + catalog.serverName() + ": " + e.getMessage(), e);
            }
        }
        if (target == ListFilesTarget.STANDALONE) {
            for (WalSegmentName name : BackupWals.required(backup)) {
                files.add(archive.pathOf(name));
            }
        }
        if (target == ListFilesTarget.WAL || target == ListFilesTarget.FULL) {
            Optional<BackupInfo> next = catalog.next(backup.id());
            for (WalFileInfo entry : BackupWals.untilNextBackup(backup, next, archive.list(), true)) {
                files.add(archive.pathOf(entry.name()));
            }
        }
        return files;
    }

    /** Like Python's {@code os.walk}: a folder's files (sorted), then each sub-folder's (sorted by name). */
    private static void walk(Path folder, List<Path> files) throws IOException {
        TreeMap<String, Path> regular = new TreeMap<>();
        TreeMap<String, Path> folders = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            for (Path path : stream) {
                String name = path.getFileName().toString();
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    folders.put(name, path);
                } else if (!Files.isDirectory(path)) {
                    regular.put(name, path);
                }
            }
        }
        regular.values().forEach(path -> files.add(path.toAbsolutePath()));
        for (Path sub : folders.values()) {
            walk(sub, files);
        }
    }
}
