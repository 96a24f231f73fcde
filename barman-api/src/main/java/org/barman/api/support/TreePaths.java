package org.barman.api.support;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.barman.api.BarmanException;

/**
 * The one rule for the paths of a copy's entries, whatever names them (a remote {@code find}, a tar stream, rsync's
 * output, a directory read on a mounted file system): a path is relative to the copied folder, with {@code /}
 * separators, and stays inside it. A host that answers otherwise is broken or compromised, and a copy that wrote
 * where it says would write (or delete) anywhere the user running Barman can: such an entry fails the copy.
 *
 * <p>A path is refused when it is empty (the root has no path of its own), absolute, or has an empty, {@code .} or
 * {@code ..} component. A {@linkplain Listing listing} must also name each entry once, inside a folder it listed
 * before, so that no entry can be written through a link of the same listing.
 */
public final class TreePaths {

    private TreePaths() {
    }

    /**
     * @param path the path of an entry, relative to the copied folder
     * @return why the path could lead outside the copied folder (to follow "which ..."), or empty when it is safe
     */
    public static Optional<String> problem(String path) {
        if (path.isEmpty()) {
            return Optional.of("is empty");
        }
        if (path.startsWith("/")) {
            return Optional.of("is absolute");
        }
        if (path.indexOf('\0') >= 0) {
            return Optional.of("holds a NUL character");
        }
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String component = path.substring(start, end);
            if (component.isEmpty()) {
                return Optional.of("has an empty component");
            }
            if (component.equals(".") || component.equals("..")) {
                return Optional.of("has a '" + component + "' component");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /**
     * @param path the path of an entry, relative to the copied folder
     * @param source what named it, for the message, such as {@code cannot copy /pgdata from postgres@pg: the tar
     *     stream}
     * @return the path
     * @throws BarmanException when {@link #problem(String)} finds one, naming the path and why
     */
    public static String requireSafe(String path, String source) {
        Optional<String> problem = problem(path);
        if (problem.isPresent()) {
            throw refused(source, path, problem.get());
        }
        return path;
    }

    /**
     * @param tarName the name of a tar archive's entry
     * @return it relative to the archive's root, as a listing takes it: without a leading {@code ./} nor trailing
     *     slashes (tar writes folders with one)
     */
    public static String tarEntryPath(String tarName) {
        String name = tarName.startsWith("./") ? tarName.substring(2) : tarName;
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    /**
     * @param source what named the entries, for messages, such as {@code cannot copy /pgdata from postgres@pg: the
     *     listing}
     * @return an empty listing of a folder, which holds only that folder (its root)
     */
    public static Listing listing(String source) {
        return new Listing(source, true);
    }

    /**
     * A listing whose memory does not grow with the number of files, for a stream of millions of entries: it
     * remembers only the folders, so a file named twice, or an entry named inside a file, is not told apart from an
     * entry in a folder never listed (the latter is refused, the former left to the caller, whose creation of the
     * file a second time must fail).
     *
     * @param source what named the entries, for messages
     * @return an empty listing of a folder that remembers folders only
     */
    public static Listing folderListing(String source) {
        return new Listing(source, false);
    }

    private static BarmanException refused(String source, String path, String why) {
        return new BarmanException(source + " names '" + path + "', which " + why + ": refused, since a copy must "
                + "never write outside its destination (is that host compromised?)");
    }

    /**
     * The entries of one folder as a host lists them, checked one by one as they come, each folder before its
     * content: every path is {@linkplain #problem(String) safe}, listed once, and inside the root or a folder listed
     * before. Not thread-safe.
     */
    public static final class Listing {

        private final String source;
        private final boolean rememberFiles;
        private final Map<String, Boolean> folders = new HashMap<>();

        private Listing(String source, boolean rememberFiles) {
            this.source = source;
            this.rememberFiles = rememberFiles;
        }

        /**
         * Checks one more entry.
         *
         * @param path its path relative to the listed folder
         * @param folder whether it is a folder (links, files and anything else are not)
         * @throws BarmanException when the entry is unsafe, naming it and why
         */
        public void add(String path, boolean folder) {
            requireSafe(path, source);
            if (folders.containsKey(path)) {
                throw refused(source, path, "is listed twice");
            }
            int slash = path.lastIndexOf('/');
            if (slash >= 0) {
                String parent = path.substring(0, slash);
                Boolean parentIsFolder = folders.get(parent);
                if (parentIsFolder == null) {
                    throw refused(source, path, "is in '" + parent + "', which is not listed before it");
                }
                if (!parentIsFolder) {
                    throw refused(source, path, "is in '" + parent + "', which is listed as a link or a file, not "
                            + "a folder");
                }
            }
            if (folder || rememberFiles) {
                folders.put(path, folder);
            }
        }
    }
}
