package org.barman.transport.ssh;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.api.Exclusions;
import org.barman.api.support.SourceChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a tree of the backup host the way {@link RemoteListing} lists a remote one, for a push (writing the entries
 * of a pull is {@link org.barman.api.support.LocalTrees}'s job).
 */
final class LocalFiles {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFiles.class);

    private LocalFiles() {
    }

    /**
     * Lists a local tree like {@link RemoteListing#list}: the root first, every folder before its content, links
     * not followed (but a link at the root is), what the exclusions match left out.
     *
     * @param root the folder
     * @param exclusions what to leave out
     * @param changes what an entry that vanishes while it is listed does
     * @return its entries
     * @throws IOException when it cannot be read
     * @throws BarmanException when it does not exist or is not a folder, naming it; when an entry vanishes and
     *     changes are fatal, naming it
     */
    static List<TreeEntry> list(Path root, Exclusions exclusions, SourceChanges changes) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(root, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BarmanException("cannot copy " + root + ": no such folder on this host");
        }
        if (!attributes.isDirectory()) {
            throw new BarmanException("cannot copy " + root + ": it is not a folder");
        }
        List<TreeEntry> entries = new ArrayList<>();
        entries.add(new TreeEntry("", TreeEntry.Kind.FOLDER, TreeEntry.mode(attributes.permissions()), 0,
                attributes.lastModifiedTime(), null));
        walk(root, "", exclusions, changes, entries);
        return entries;
    }

    private static void walk(Path folder, String relative, Exclusions exclusions, SourceChanges changes,
            List<TreeEntry> entries) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(children::add);
        } catch (NoSuchFileException | NotDirectoryException e) {
            changes.vanished(folder.toString());
            LOG.debug("The folder {} vanished during the copy: skipped", folder);
            return;
        } catch (AccessDeniedException e) {
            throw new BarmanException("cannot read the folder " + folder + ": permission denied", e);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        children.sort(null);
        for (Path child : children) {
            String path = relative.isEmpty() ? child.getFileName().toString()
                    : relative + '/' + child.getFileName();
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(child, PosixFileAttributes.class, NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                changes.vanished(child.toString());
                continue;
            }
            int mode = TreeEntry.mode(attributes.permissions());
            if (attributes.isDirectory()) {
                if (exclusions.excludes(path, true)) {
                    continue;
                }
                entries.add(new TreeEntry(path, TreeEntry.Kind.FOLDER, mode, 0, attributes.lastModifiedTime(),
                        null));
                walk(child, path, exclusions, changes, entries);
            } else if (exclusions.excludes(path, false)) {
                continue;
            } else if (attributes.isRegularFile()) {
                entries.add(new TreeEntry(path, TreeEntry.Kind.FILE, mode, attributes.size(),
                        attributes.lastModifiedTime(), null));
            } else if (attributes.isSymbolicLink()) {
                String target;
                try {
                    target = Files.readSymbolicLink(child).toString();
                } catch (NoSuchFileException e) {
                    changes.vanished(child.toString());
                    continue;
                }
                entries.add(new TreeEntry(path, TreeEntry.Kind.LINK, mode, 0, attributes.lastModifiedTime(),
                        target));
            } else {
                LOG.debug("{} is not a regular file, folder or link: skipped", child);
            }
        }
    }
}
