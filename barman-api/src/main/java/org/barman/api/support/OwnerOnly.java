package org.barman.api.support;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The modes of what Barman creates: readable by its owner only, as PostgreSQL keeps its data folder, since backups
 * and WAL hold every row of every database. They are given at creation, so that no other user gets a moment to
 * open a file, and they do not depend on the umask of the process (an embedding program has its own).
 */
public final class OwnerOnly {

    /** {@code rwx------}: the mode of a folder Barman creates. */
    public static final Set<PosixFilePermission> FOLDER_MODE =
            Set.copyOf(EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE));
    /** {@code rw-------}: the mode of a file Barman creates. */
    public static final Set<PosixFilePermission> FILE_MODE = Set.copyOf(EnumSet.of(OWNER_READ, OWNER_WRITE));

    private OwnerOnly() {
    }

    /** @return the attribute that creates a folder {@code rwx------} */
    public static FileAttribute<Set<PosixFilePermission>> folder() {
        return PosixFilePermissions.asFileAttribute(FOLDER_MODE);
    }

    /** @return the attribute that creates a file {@code rw-------} */
    public static FileAttribute<Set<PosixFilePermission>> file() {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }

    /**
     * Creates a folder and its missing parents, each {@code rwx------}; existing ones are left as they are.
     *
     * @param folder the folder
     * @return the folder
     * @throws IOException when one cannot be created
     */
    public static Path createFolders(Path folder) throws IOException {
        return Files.createDirectories(folder, folder());
    }

    /**
     * Takes group's and others' bits away from an existing file (one Barman did not create, such as a WAL file that
     * {@code archive_command} delivered), before Barman keeps it. Anything but a regular file is left as it is: a
     * symbolic link is not followed, and a fifo is never opened (changing a mode opens the file, and opening a fifo
     * waits for a writer).
     *
     * @param file the file
     * @throws IOException when its mode cannot be changed (another user owns it)
     */
    public static void restrict(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, NOFOLLOW_LINKS);
        PosixFileAttributes attributes = view.readAttributes();
        if (!attributes.isRegularFile()) {
            return;
        }
        Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        mode.addAll(attributes.permissions());
        if (mode.retainAll(FOLDER_MODE)) {
            view.setPermissions(mode);
        }
    }

    /**
     * @param mode a Unix mode, such as a tar entry's
     * @return its owner's bits only: what Barman keeps of a mode it is given
     */
    public static Set<PosixFilePermission> ownerBits(int mode) {
        Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
        if ((mode & 0400) != 0) {
            bits.add(OWNER_READ);
        }
        if ((mode & 0200) != 0) {
            bits.add(OWNER_WRITE);
        }
        if ((mode & 0100) != 0) {
            bits.add(OWNER_EXECUTE);
        }
        return bits;
    }

    /**
     * Gives an entry a copy wrote the mode and modification time its source had: the owner's bits of the mode
     * only ({@link #ownerBits}), and the time of the entry itself, never of what a link points to.
     *
     * @param path a file or folder the copy created
     * @param mode the source's Unix mode, such as a tar entry's
     * @param modified the source's modification time
     * @throws IOException when either cannot be set
     */
    public static void applyModeAndTime(Path path, int mode, FileTime modified) throws IOException {
        Files.setPosixFilePermissions(path, ownerBits(mode));
        Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(modified, null, null);
    }
}
