package org.barman.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.barman.api.support.OwnerOnly;

/**
 * Writing files so that a crash leaves either the old or the new content, never half of it: write to a
 * temporary name in the same folder, fsync the file, rename it over the target, fsync the folder. Files are created
 * {@code rw-------} ({@link OwnerOnly}), whatever the umask.
 */
public final class Durable {

    /** The prefix of temporary files, so that listings can skip them and clean-ups can find them. */
    public static final String TEMP_PREFIX = ".barman-tmp.";

    private Durable() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the file's stream; do not close it
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws IOException when any step fails; the target is then untouched and the temporary file removed
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path temp = tempFor(target);
        try {
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnly.file())) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            moveAtomically(temp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /**
     * @param target the file to create or replace
     * @param text its content, written as UTF-8
     * @throws IOException when any step fails
     */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * @param target a file about to be written
     * @return a temporary name to write it under first, {@link #TEMP_PREFIX} + its name + a suffix unique to this
     *     call (pid and counter), so that two writers of the same file never write into one temporary file
     */
    public static Path tempFor(Path target) {
        return target.resolveSibling(TEMP_PREFIX + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + TEMP_COUNTER.incrementAndGet());
    }

    private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * Renames atomically (same folder or file system).
     *
     * @param source the file
     * @param target its new name, replaced when it exists
     * @throws IOException when the rename fails
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + source + " to " + target + " atomically: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a file whose content must reach the disk
     * @throws IOException when fsync fails
     */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Makes the entries of a folder (created, renamed, removed files) durable.
     *
     * @param directory the folder
     * @throws IOException when fsync fails
     */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
