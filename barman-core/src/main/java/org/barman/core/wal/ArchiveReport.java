package org.barman.core.wal;

import java.nio.file.Path;
import java.util.List;

import org.barman.api.WalFileInfo;

/**
 * What one pass over the incoming folder did.
 *
 * @param archived files stored and indexed, in WAL order
 * @param duplicates files dropped because the archive already had the same content
 * @param errors files moved to the errors folder (their new paths)
 * @param skipped files left in the incoming folder for a later pass (not complete yet, or a hook said stop)
 * @param failure why the pass stopped early, or null when it went through
 */
public record ArchiveReport(List<WalFileInfo> archived, List<String> duplicates, List<Path> errors,
        List<String> skipped, String failure) {

    /**
     * Copies the lists.
     *
     * @param archived files stored and indexed, in WAL order
     * @param duplicates files dropped because the archive already had the same content
     * @param errors files moved to the errors folder (their new paths)
     * @param skipped files left in the incoming folder for a later pass (not complete yet, or a hook said stop)
     * @param failure why the pass stopped early, or null when it went through
     */
    public ArchiveReport {
        archived = List.copyOf(archived);
        duplicates = List.copyOf(duplicates);
        errors = List.copyOf(errors);
        skipped = List.copyOf(skipped);
    }

    /** @return whether the pass went through without an error */
    public boolean succeeded() {
        return failure == null;
    }
}
