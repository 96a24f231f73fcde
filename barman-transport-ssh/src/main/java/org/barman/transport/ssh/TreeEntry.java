package org.barman.transport.ssh;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * One entry of a tree on either side, as the plan of a copy sees it.
 *
 * @param path its path relative to the tree's root, with {@code /} separators; empty for the root
 * @param kind what it is
 * @param mode its permission bits (the low 9 bits of the mode)
 * @param size its size in bytes (files only; 0 otherwise)
 * @param modified its modification time
 * @param linkTarget where a link points, as written; null for other kinds
 */
record TreeEntry(String path, Kind kind, int mode, long size, FileTime modified, String linkTarget) {

    /** What an entry is; other kinds (sockets, pipes, devices) are never copied. */
    enum Kind {
        /** A folder. */
        FOLDER,
        /** A regular file. */
        FILE,
        /** A symbolic link. */
        LINK
    }

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    /** @return the permission bits as a set */
    Set<PosixFilePermission> permissions() {
        return permissions(mode);
    }

    /**
     * @param mode permission bits
     * @return them as a set
     */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }

    /**
     * @param permissions permission bits as a set
     * @return them as a number
     */
    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    /** @return the entry's name: the last part of its path */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** @return the path of the folder holding it, empty for an entry of the root; null for the root itself */
    String parent() {
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
