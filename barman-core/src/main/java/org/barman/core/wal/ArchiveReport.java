package org.barman.core.wal;

import java.nio.file.Path;
import java.util.List;

import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;

/**
 * What one archiving pass over the incoming and streaming folders did.
 *
 * @param archived files stored and indexed, in WAL order
 * @param duplicates files dropped because the archive already had the same content
 * @param errors files moved to the errors folder (their new paths)
 * @param skipped files left in the incoming folder for a later pass (not complete yet, or a hook said stop)
 * @param failure why the pass stopped early, or null when it went through
 * @param streamed the files of {@code archived} that came from the streaming folder (the others came from the
 *     incoming folder)
 */
public record ArchiveReport(List<WalFileInfo> archived, List<String> duplicates, List<Path> errors,
        List<String> skipped, String failure, List<WalSegmentName> streamed) {

    /**
     * Copies the lists.
     *
     * @param archived files stored and indexed, in WAL order
     * @param duplicates files dropped because the archive already had the same content
     * @param errors files moved to the errors folder (their new paths)
     * @param skipped files left in the incoming folder for a later pass (not complete yet, or a hook said stop)
     * @param failure why the pass stopped early, or null when it went through
     * @param streamed the files of {@code archived} that came from the streaming folder
     */
    public ArchiveReport {
        archived = List.copyOf(archived);
        duplicates = List.copyOf(duplicates);
        errors = List.copyOf(errors);
        skipped = List.copyOf(skipped);
        streamed = List.copyOf(streamed);
    }

    /**
     * A pass over the incoming folder alone.
     *
     * @param archived files stored and indexed, in WAL order
     * @param duplicates files dropped because the archive already had the same content
     * @param errors files moved to the errors folder (their new paths)
     * @param skipped files left for a later pass
     * @param failure why the pass stopped early, or null when it went through
     */
    public ArchiveReport(List<WalFileInfo> archived, List<String> duplicates, List<Path> errors,
            List<String> skipped, String failure) {
        this(archived, duplicates, errors, skipped, failure, List.of());
    }

    /**
     * @param entry a file of {@link #archived()}
     * @return whether it came from the streaming folder
     */
    public boolean wasStreamed(WalFileInfo entry) {
        return streamed.contains(entry.name());
    }

    /** @return whether the pass went through without an error */
    public boolean succeeded() {
        return failure == null;
    }
}
