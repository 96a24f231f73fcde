package org.barman.transport.rsync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import org.barman.api.support.ShellWords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts what a copy wrote on stable storage before the copy returns, as {@link org.barman.api.Transport#pull} promises.
 *
 * <p>rsync writes through the page cache; it has {@code --fsync} (3.2.4 and later), but that makes its receiver
 * wait for the disk after every file, one at a time. Instead, once rsync is done, the file system that holds the
 * tree is synced at once with {@code sync -f} (the {@code syncfs} system call: data and metadata of every file of
 * that file system, so every file, hard link and folder the copy made). On this host that is one process; on the
 * remote host (after a push) one command through ssh. Where {@code sync -f} is missing (coreutils before 8.24) the
 * local tree is fsynced file by file, and the remote host runs a plain {@code sync}. docs/transports.md gives the
 * measured cost of each way.
 */
final class Durability {

    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

    private Durability() {
    }

    /**
     * @param tree a folder of this host that a copy wrote
     * @throws IOException when it cannot be synced
     */
    static void syncLocalTree(Path tree) throws IOException {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit;
        try {
            exit = new ExternalCommand(List.of("sync", "-f", tree.toString()), null,
                    java.io.OutputStream.nullOutputStream(), errors).run();
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            exit = -1;
            LOG.debug("sync -f could not run ({}): fsyncing {} file by file", e.getMessage(), tree);
        }
        if (exit == 0) {
            return;
        }
        LOG.debug("sync -f {} failed ({}): fsyncing file by file", tree,
                errors.toString(StandardCharsets.UTF_8).strip());
        fsyncEach(tree);
    }

    /**
     * A plain {@code sync} reports no error: it is only run where {@code sync} has no {@code --file-system}, never
     * after {@code sync -f} failed (the disk refused the data).
     *
     * @param path a folder of the remote host that a push wrote
     * @return the shell command that syncs it there, failing with {@code sync}'s message when the sync fails
     */
    static String remoteSyncCommand(String path) {
        return "if sync --help 2>&1 | grep -q -e --file-system; then sync -f " + ShellWords.quote(path)
                + "; else sync; fi";
    }

    private static void fsyncEach(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.forEach(path -> {
                if (Files.isSymbolicLink(path)) {
                    return;
                }
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                    channel.force(true);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot fsync " + path + ": " + e.getMessage(), e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Path parent = tree.toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            try (FileChannel channel = FileChannel.open(parent, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
