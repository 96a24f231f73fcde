package org.barman.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a file of the WAL archive: a 16 MiB (or other size) WAL segment, a partial segment, a backup
 * label ({@code .backup}) or a timeline history file ({@code .history}).
 *
 * <p>A segment name is 24 upper-case hex digits: timeline, log and segment, eight digits each. Names order as
 * the log does: by timeline, then by position, and a segment's {@code .backup} and {@code .partial} files
 * right after it.
 *
 * @param kind what the file is
 * @param timeline the timeline (for every kind)
 * @param log the high 32 bits of the segment position (0 for a history file)
 * @param segment the segment inside the log (0 for a history file)
 * @param backupOffset the offset in the segment where a backup started ({@link Kind#BACKUP_LABEL} only, else 0)
 */
public record WalSegmentName(Kind kind, long timeline, long log, long segment, long backupOffset)
        implements Comparable<WalSegmentName> {

    /** PostgreSQL's default WAL segment size: 16 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    private static final Pattern NAME = Pattern.compile(
            "([0-9A-F]{8})(?:([0-9A-F]{8})([0-9A-F]{8})(?:\\.([0-9A-F]{8})\\.backup|(\\.partial))?|(\\.history))");

    /** The kinds of file a WAL archive holds. */
    public enum Kind {
        /** A complete WAL segment. */
        SEGMENT,
        /** A segment that was not complete when it was saved ({@code .partial}). */
        PARTIAL,
        /** The label PostgreSQL writes when a base backup stops ({@code .backup}). */
        BACKUP_LABEL,
        /** A timeline history file ({@code .history}). */
        HISTORY
    }

    /**
     * Checks the fields; use the factory methods rather than this constructor.
     *
     * @param kind what the file is
     * @param timeline the timeline (for every kind)
     * @param log the high 32 bits of the segment position (0 for a history file)
     * @param segment the segment inside the log (0 for a history file)
     * @param backupOffset the offset in the segment where a backup started ({@link Kind#BACKUP_LABEL} only, else 0)
     */
    public WalSegmentName {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        checkUnsigned32("timeline", timeline);
        checkUnsigned32("log", log);
        checkUnsigned32("segment", segment);
        checkUnsigned32("backup offset", backupOffset);
        if (kind == Kind.HISTORY && (log != 0 || segment != 0 || backupOffset != 0)) {
            throw new IllegalArgumentException("a history file has only a timeline");
        }
        if (kind != Kind.BACKUP_LABEL && backupOffset != 0) {
            throw new IllegalArgumentException("only a .backup file has an offset");
        }
    }

    private static void checkUnsigned32(String what, long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(what + " " + value + " does not fit in 8 hex digits");
        }
    }

    /**
     * Parses a file name of the WAL archive.
     *
     * @param name the file name, without folders
     * @return the parsed name
     * @throws IllegalArgumentException when the name is none of the four kinds, with a message saying what is
     *     expected
     */
    public static WalSegmentName parse(String name) {
        Matcher m = name == null ? null : NAME.matcher(name);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a WAL file name: expected 24 upper-case hex "
                    + "digits (000000010000000000000003), optionally followed by .partial or .XXXXXXXX.backup, "
                    + "or 8 hex digits followed by .history");
        }
        long timeline = Long.parseLong(m.group(1), 16);
        if (m.group(6) != null) {
            return history(timeline);
        }
        long log = Long.parseLong(m.group(2), 16);
        long segment = Long.parseLong(m.group(3), 16);
        if (m.group(4) != null) {
            return new WalSegmentName(Kind.BACKUP_LABEL, timeline, log, segment, Long.parseLong(m.group(4), 16));
        }
        return new WalSegmentName(m.group(5) != null ? Kind.PARTIAL : Kind.SEGMENT, timeline, log, segment, 0);
    }

    /**
     * @param name a file name
     * @return whether {@link #parse(String)} accepts it
     */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * @param timeline the timeline
     * @param log the high part of the position
     * @param segment the segment inside the log
     * @return the name of that complete segment
     */
    public static WalSegmentName of(long timeline, long log, long segment) {
        return new WalSegmentName(Kind.SEGMENT, timeline, log, segment, 0);
    }

    /**
     * @param timeline a timeline
     * @return the name of that timeline's history file
     */
    public static WalSegmentName history(long timeline) {
        return new WalSegmentName(Kind.HISTORY, timeline, 0, 0, 0);
    }

    /**
     * @param timeline the timeline
     * @param segmentNumber the number of the segment from the start of the log
     * @param segmentSize the WAL segment size in bytes
     * @return the name of that segment
     */
    public static WalSegmentName ofSegmentNumber(long timeline, long segmentNumber, long segmentSize) {
        long perLog = segmentsPerLog(segmentSize);
        return of(timeline, segmentNumber / perLog, segmentNumber % perLog);
    }

    static void checkSegmentSize(long segmentSize) {
        if (segmentSize < 1024 * 1024 || segmentSize > 1024L * 1024 * 1024 || Long.bitCount(segmentSize) != 1) {
            throw new IllegalArgumentException("WAL segment size " + segmentSize
                    + " is not a power of two between 1 MiB and 1 GiB");
        }
    }

    private static long segmentsPerLog(long segmentSize) {
        checkSegmentSize(segmentSize);
        return 0x1_0000_0000L / segmentSize;
    }

    /** @return whether this names a segment, a partial segment or a backup label: a file tied to a position */
    public boolean hasPosition() {
        return kind != Kind.HISTORY;
    }

    /**
     * @param segmentSize the WAL segment size in bytes
     * @return the number of this segment from the start of the log
     */
    public long segmentNumber(long segmentSize) {
        requirePosition();
        long perLog = segmentsPerLog(segmentSize);
        if (segment >= perLog) {
            throw new IllegalArgumentException(fileName() + " cannot exist with a WAL segment size of "
                    + segmentSize + " bytes (segment part above " + Long.toHexString(perLog - 1).toUpperCase(Locale.ROOT) + ")");
        }
        return log * perLog + segment;
    }

    /**
     * @param segmentSize the WAL segment size in bytes
     * @return the first position inside this segment
     */
    public Lsn startLsn(long segmentSize) {
        return new Lsn(segmentNumber(segmentSize) * segmentSize);
    }

    /**
     * @param segmentSize the WAL segment size in bytes
     * @return the complete segment that follows this one on the same timeline
     */
    public WalSegmentName next(long segmentSize) {
        return ofSegmentNumber(timeline, segmentNumber(segmentSize) + 1, segmentSize);
    }

    /**
     * @param segmentSize the WAL segment size in bytes
     * @return the complete segment before this one on the same timeline
     * @throws IllegalStateException for the first segment of the log
     */
    public WalSegmentName previous(long segmentSize) {
        long number = segmentNumber(segmentSize);
        if (number == 0) {
            throw new IllegalStateException(fileName() + " is the first segment of the log");
        }
        return ofSegmentNumber(timeline, number - 1, segmentSize);
    }

    /** @return the complete segment this file belongs to (itself for a segment) */
    public WalSegmentName segmentName() {
        requirePosition();
        return kind == Kind.SEGMENT ? this : of(timeline, log, segment);
    }

    /**
     * @return the archive folder of this file, {@code TTTTTTTTXXXXXXXX} (timeline and log), or the empty string
     *     for a history file, which lives at the top of the archive
     */
    public String directoryName() {
        return kind == Kind.HISTORY ? "" : String.format(Locale.ROOT, "%08X%08X", timeline, log);
    }

    /** @return the file name, as PostgreSQL writes it */
    public String fileName() {
        return switch (kind) {
            case HISTORY -> String.format(Locale.ROOT, "%08X.history", timeline);
            case SEGMENT -> String.format(Locale.ROOT, "%08X%08X%08X", timeline, log, segment);
            case PARTIAL -> String.format(Locale.ROOT, "%08X%08X%08X.partial", timeline, log, segment);
            case BACKUP_LABEL -> String.format(Locale.ROOT, "%08X%08X%08X.%08X.backup", timeline, log, segment,
                    backupOffset);
        };
    }

    private void requirePosition() {
        if (!hasPosition()) {
            throw new IllegalStateException(fileName() + " is a history file and has no position in the log");
        }
    }

    @Override
    public int compareTo(WalSegmentName other) {
        return fileName().compareTo(other.fileName());
    }

    @Override
    public String toString() {
        return fileName();
    }
}
