package org.barman.core.wal;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;

import org.barman.api.WalSegmentName;

/**
 * What archiving does with one entry of the incoming folder, decided from its name, its type and its size alone,
 * before anything reads it: archive it, leave it for a later pass (still being copied), or move it to the errors
 * folder with a reason. Only a regular file is ever read; a link is moved as it is, its target never opened.
 *
 * @param action what to do
 * @param suffix the reason in the name it gets in the errors folder ({@code link}, {@code unknown}, ...), for
 *     {@link Action#REJECT}
 * @param reason why, for the log; empty for {@link Action#ARCHIVE}
 */
record IncomingVerdict(Action action, String suffix, String reason) {

    /** The largest history file accepted: PostgreSQL writes one line of about 60 bytes per timeline. */
    static final long MAX_HISTORY_SIZE = 1024 * 1024;
    /** The largest backup label ({@code .backup}) file accepted: PostgreSQL writes a dozen short lines. */
    static final long MAX_BACKUP_LABEL_SIZE = 64 * 1024;

    private static final long MIN_SEGMENT_SIZE = 1024 * 1024;
    private static final long MAX_SEGMENT_SIZE = 1024L * 1024 * 1024;

    /** What archiving does with an entry. */
    enum Action {
        /** A regular file with a WAL name and a size that fits it. */
        ARCHIVE,
        /** A file smaller than it must be: archive_command may still be writing it. */
        WAIT,
        /** Anything that can never be archived: moved to the errors folder. */
        REJECT
    }

    /**
     * @param fileName the entry's name
     * @param attributes its attributes, read without following a link
     * @param segmentSize the server's WAL segment size, when its catalogue says it
     * @return what to do with it
     */
    static IncomingVerdict of(String fileName, BasicFileAttributes attributes, OptionalLong segmentSize) {
        if (attributes.isSymbolicLink()) {
            return reject("link", "is a symbolic link, not a file: its target is not read");
        }
        if (attributes.isDirectory()) {
            return reject("folder", "is a folder, not a file");
        }
        if (!attributes.isRegularFile()) {
            return reject("special", "is not a regular file (a fifo, a socket or a device)");
        }
        if (!WalSegmentName.isValid(fileName)) {
            return reject("unknown", "is not a WAL file name");
        }
        long size = attributes.size();
        return switch (WalSegmentName.parse(fileName).kind()) {
            case SEGMENT -> segment(size, segmentSize);
            case PARTIAL -> size > segmentSize.orElse(MAX_SEGMENT_SIZE) ? oversized(size, "a WAL segment",
                    segmentSize.orElse(MAX_SEGMENT_SIZE)) : archive();
            case HISTORY -> small(size, "history file", MAX_HISTORY_SIZE);
            case BACKUP_LABEL -> small(size, "backup label file", MAX_BACKUP_LABEL_SIZE);
        };
    }

    private static IncomingVerdict segment(long size, OptionalLong segmentSize) {
        if (segmentSize.isPresent()) {
            long expected = segmentSize.getAsLong();
            if (size > expected) {
                return oversized(size, "the server's WAL segment size", expected);
            }
            return size == expected ? archive() : new IncomingVerdict(Action.WAIT, "", "its size (" + size
                    + " bytes) is smaller than the server's WAL segment size (" + expected + " bytes): it is still "
                    + "being copied, or archive_command copied it wrongly");
        }
        if (size > MAX_SEGMENT_SIZE) {
            return oversized(size, "the largest WAL segment size", MAX_SEGMENT_SIZE);
        }
        boolean segmentSized = size >= MIN_SEGMENT_SIZE && Long.bitCount(size) == 1;
        return segmentSized ? archive() : new IncomingVerdict(Action.WAIT, "", "its size (" + size + " bytes) is not "
                + "a WAL segment size: it is still being copied, or archive_command copied it wrongly");
    }

    private static IncomingVerdict small(long size, String what, long max) {
        if (size == 0) {
            return new IncomingVerdict(Action.WAIT, "", "the " + what + " is empty: it is still being copied");
        }
        return size > max ? oversized(size, "any " + what, max) : archive();
    }

    private static IncomingVerdict oversized(long size, String limit, long max) {
        return reject("oversized", "is " + size + " bytes, larger than " + limit + " (" + max + " bytes)");
    }

    private static IncomingVerdict archive() {
        return new IncomingVerdict(Action.ARCHIVE, "", "");
    }

    private static IncomingVerdict reject(String suffix, String reason) {
        return new IncomingVerdict(Action.REJECT, suffix, reason);
    }
}
