package org.barman.transport.ssh;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.jcraft.jsch.Session;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.Exclusions;
import org.barman.api.support.ShellWords;
import org.barman.api.support.TreePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content of a remote tree, read with one {@code find -printf} (GNU findutils, as on every Linux): type,
 * permission bits, size, modification time to the nanosecond, path and link target of every entry, NUL-separated so
 * that any name survives. The plan of a copy (what to reuse, what to stream) is made from it before any byte of
 * content moves.
 *
 * <p>What the remote host prints is not trusted: an entry that could lead outside the listed folder (an absolute
 * path, a {@code ..} component, an entry inside a link of the listing, one listed twice: {@link TreePaths}) fails the
 * copy before anything is written.
 */
final class RemoteListing {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteListing.class);

    private static final int NO_SUCH_FOLDER = 3;
    private static final int NOT_A_FOLDER = 4;
    private static final int CANNOT_ENTER = 5;
    private static final int CANNOT_CREATE = 6;

    private RemoteListing() {
    }

    /**
     * @param root the remote folder (absolute)
     * @param create whether to create it (and its parents) when missing
     * @return the shell script that lists it
     */
    static String command(String root, boolean create) {
        String quoted = ShellWords.quote(root);
        String check = create
                ? "mkdir -p -- " + quoted + " || exit " + CANNOT_CREATE + "\n"
                : "if [ ! -d " + quoted + " ]; then if [ -e " + quoted + " ]; then exit " + NOT_A_FOLDER + "; fi; "
                        + "exit " + NO_SUCH_FOLDER + "; fi\n";
        return "LC_ALL=C; export LC_ALL\n" + check + "cd -- " + quoted + " || exit " + CANNOT_ENTER + "\n"
                + "exec find . -printf '%y %m %s %T@ %P\\0%l\\0'";
    }

    /**
     * Lists a remote tree, leaving out what the exclusions match (an excluded folder is not entered).
     *
     * @param session an open connection
     * @param root the remote folder
     * @param create whether to create it when missing (the destination of a push)
     * @param exclusions what to leave out
     * @param destination the remote side, for messages
     * @return the entries, the root first, every folder before its content
     * @throws BarmanException when the folder does not exist (naming it), cannot be read, the listing fails, or it
     *     names an unsafe entry (naming it)
     */
    static List<TreeEntry> list(Session session, String root, boolean create, Exclusions exclusions,
            String destination) {
        CommandResult result = RemoteCommand.run(session, command(root, create), new byte[0], destination);
        String stderr = result.stderr().strip();
        switch (result.exitCode()) {
            case 0, 1 -> {
                // 1: find met errors, examined below
            }
            case NO_SUCH_FOLDER -> throw new BarmanException("cannot copy " + root + " from " + destination
                    + ": no such folder on the remote host");
            case NOT_A_FOLDER -> throw new BarmanException("cannot copy " + root + " on " + destination
                    + ": it is not a folder");
            case CANNOT_ENTER -> throw new BarmanException("cannot read the folder " + root + " on " + destination
                    + ": " + (stderr.isEmpty() ? "permission denied" : stderr));
            case CANNOT_CREATE -> throw new BarmanException("cannot create the folder " + root + " on "
                    + destination + ": " + stderr);
            default -> throw new BarmanException("cannot list " + root + " on " + destination + " (find exited with "
                    + result.exitCode() + "; transport = ssh needs GNU find on the remote host): " + stderr);
        }
        List<TreeEntry> parsed = parse(result.stdout(), root, destination);
        checkPaths(parsed, root, destination);
        List<TreeEntry> entries = keep(parsed, exclusions);
        if (result.exitCode() == 1) {
            checkErrors(stderr, exclusions, root, destination);
        }
        if (entries.isEmpty() || !entries.get(0).path().isEmpty()) {
            throw new BarmanException("cannot list " + root + " on " + destination + ": find did not list the folder "
                    + "itself" + (stderr.isEmpty() ? "" : ": " + stderr));
        }
        return entries;
    }

    /**
     * Refuses a listing that names anything outside the listed folder, or lists that folder as something else than
     * a folder.
     *
     * @param entries a parsed listing
     * @param root the listed folder, for messages
     * @param destination the remote side, for messages
     * @throws BarmanException naming the first unsafe entry
     */
    static void checkPaths(List<TreeEntry> entries, String root, String destination) {
        String source = "the listing of " + root + " on " + destination;
        TreePaths.Listing listing = TreePaths.listing(source);
        for (int i = 0; i < entries.size(); i++) {
            TreeEntry entry = entries.get(i);
            if (i == 0 && entry.path().isEmpty()) {
                if (entry.kind() != TreeEntry.Kind.FOLDER) {
                    throw new BarmanException(source + " names the folder itself as a " + entry.kind().toString()
                            .toLowerCase(Locale.ROOT) + ": refused");
                }
                continue;
            }
            listing.add(entry.path(), entry.kind() == TreeEntry.Kind.FOLDER);
        }
    }

    /** find failed on some entries: fine if they vanished or are excluded, fatal otherwise. */
    private static void checkErrors(String stderr, Exclusions exclusions, String root, String destination) {
        List<String> fatal = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.endsWith(": No such file or directory")) {
                LOG.debug("Vanished while listing {}: {}", root, line);
                continue;
            }
            String path = pathOf(line);
            if (path != null && excludedOrUnder(path, exclusions)) {
                LOG.debug("Ignored while listing {} (excluded): {}", root, line);
                continue;
            }
            fatal.add(line);
        }
        if (!fatal.isEmpty()) {
            throw new BarmanException("cannot list " + root + " on " + destination + ": "
                    + String.join("; ", fatal));
        }
    }

    /** @return the relative path in a line such as {@code find: './x': Permission denied}, or null */
    static String pathOf(String line) {
        String prefix = "find: '";
        int end = line.lastIndexOf("': ");
        if (!line.startsWith(prefix) || end < prefix.length()) {
            return null;
        }
        String path = line.substring(prefix.length(), end).replace("\\'", "'");
        if (path.equals(".")) {
            return "";
        }
        return path.startsWith("./") ? path.substring(2) : null;
    }

    private static boolean excludedOrUnder(String path, Exclusions exclusions) {
        String current = path;
        while (!current.isEmpty()) {
            if (exclusions.excludes(current, true) || exclusions.excludes(current, false)) {
                return true;
            }
            int slash = current.lastIndexOf('/');
            current = slash < 0 ? "" : current.substring(0, slash);
        }
        return false;
    }

    /**
     * @param entries a listing, folders before their content
     * @param exclusions what to leave out
     * @return the entries that are not excluded and not inside an excluded folder
     */
    static List<TreeEntry> keep(List<TreeEntry> entries, Exclusions exclusions) {
        if (exclusions.isEmpty()) {
            return entries;
        }
        Set<String> excludedFolders = new HashSet<>();
        List<TreeEntry> kept = new ArrayList<>(entries.size());
        for (TreeEntry entry : entries) {
            if (entry.path().isEmpty()) {
                kept.add(entry);
                continue;
            }
            String parent = entry.parent();
            if (!parent.isEmpty() && excludedFolders.contains(parent)) {
                if (entry.kind() == TreeEntry.Kind.FOLDER) {
                    excludedFolders.add(entry.path());
                }
                continue;
            }
            boolean folder = entry.kind() == TreeEntry.Kind.FOLDER;
            if (exclusions.excludes(entry.path(), folder)) {
                if (folder) {
                    excludedFolders.add(entry.path());
                }
                continue;
            }
            kept.add(entry);
        }
        return kept;
    }

    /**
     * @param output what {@link #command(String, boolean)} printed
     * @param root the listed folder, for messages
     * @param destination the remote side, for messages
     * @return its entries in find's order (pre-order: a folder before its content); other kinds are left out
     */
    static List<TreeEntry> parse(byte[] output, String root, String destination) {
        List<TreeEntry> entries = new ArrayList<>();
        int position = 0;
        while (position < output.length) {
            int end = indexOfNul(output, position);
            int linkEnd = end < 0 ? -1 : indexOfNul(output, end + 1);
            if (linkEnd < 0) {
                throw new BarmanException("cannot list " + root + " on " + destination + ": the listing ends in the "
                        + "middle of an entry");
            }
            String fields = new String(output, position, end - position, StandardCharsets.UTF_8);
            String link = new String(output, end + 1, linkEnd - end - 1, StandardCharsets.UTF_8);
            position = linkEnd + 1;
            TreeEntry entry = entry(fields, link, root, destination);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static TreeEntry entry(String fields, String link, String root, String destination) {
        String[] parts = fields.split(" ", 5);
        if (parts.length < 5) {
            throw new BarmanException("cannot list " + root + " on " + destination + ": unexpected listing line '"
                    + fields + "'");
        }
        TreeEntry.Kind kind = switch (parts[0]) {
            case "d" -> TreeEntry.Kind.FOLDER;
            case "f" -> TreeEntry.Kind.FILE;
            case "l" -> TreeEntry.Kind.LINK;
            default -> null;
        };
        if (kind == null) {
            LOG.debug("{}/{} is not a regular file, folder or link: skipped", root, parts[4]);
            return null;
        }
        try {
            int mode = Integer.parseInt(parts[1], 8) & 0777;
            long size = kind == TreeEntry.Kind.FILE ? Long.parseLong(parts[2]) : 0;
            return new TreeEntry(parts[4], kind, mode, size, time(parts[3]),
                    kind == TreeEntry.Kind.LINK ? link : null);
        } catch (NumberFormatException e) {
            throw new BarmanException("cannot list " + root + " on " + destination + ": unexpected listing line '"
                    + fields + "'", e);
        }
    }

    /**
     * @param text seconds since the epoch with a fraction, as {@code find -printf %T@} prints them
     * @return the time, to the nanosecond
     */
    static FileTime time(String text) {
        int dot = text.indexOf('.');
        if (dot < 0) {
            return FileTime.from(Instant.ofEpochSecond(Long.parseLong(text)));
        }
        long seconds = Long.parseLong(text.substring(0, dot));
        String fraction = (text.substring(dot + 1) + "000000000").substring(0, 9);
        long nanos = Long.parseLong(fraction);
        if (text.startsWith("-")) {
            nanos = -nanos;
        }
        return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
    }
}
