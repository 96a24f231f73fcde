package org.barman.core.recovery;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;

/**
 * Where a point-in-time recovery stops: PostgreSQL's {@code recovery_target_*} settings, validated before
 * anything is copied.
 *
 * @param kind which setting
 * @param value its value as PostgreSQL reads it (empty for {@link Kind#NONE} and {@link Kind#IMMEDIATE})
 * @param exclusive stop just before the target instead of just after ({@code recovery_target_inclusive = off})
 */
public record RecoveryTarget(Kind kind, String value, boolean exclusive) {

    private static final Pattern XID = Pattern.compile("\\d{1,20}");
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** The kinds of target. */
    public enum Kind {
        /** Replay every WAL file there is. */
        NONE,
        /** {@code recovery_target = 'immediate'}: stop as soon as the backup is consistent. */
        IMMEDIATE,
        /** {@code recovery_target_time}. */
        TIME,
        /** {@code recovery_target_xid}. */
        XID,
        /** {@code recovery_target_name}: a restore point. */
        NAME,
        /** {@code recovery_target_lsn}. */
        LSN
    }

    /** No target: the recovery replays all the WAL it finds. */
    public static final RecoveryTarget NONE = new RecoveryTarget(Kind.NONE, "", false);

    /**
     * Checks the value's form for its kind.
     *
     * @param kind which setting
     * @param value its value as PostgreSQL reads it (empty for {@link Kind#NONE} and {@link Kind#IMMEDIATE})
     * @param exclusive stop just before the target instead of just after ({@code recovery_target_inclusive = off})
     */
    public RecoveryTarget {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        value = value == null ? "" : value.strip();
        switch (kind) {
            case NONE, IMMEDIATE -> {
                if (exclusive) {
                    throw new BarmanException("--exclusive needs a target time, xid, name or LSN");
                }
            }
            case TIME -> parseTime(value, ZoneId.systemDefault());
            case XID -> {
                if (!XID.matcher(value).matches()) {
                    throw new BarmanException("target xid '" + value + "' is not a transaction id: expected a "
                            + "number, such as 1234 (SELECT txid_current() shows the current one)");
                }
            }
            case NAME -> {
                if (value.isEmpty() || value.length() > 63) {
                    throw new BarmanException("target name '" + value + "' is not a restore point name: expected 1 "
                            + "to 63 characters, as given to pg_create_restore_point()");
                }
            }
            case LSN -> {
                try {
                    Lsn.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new BarmanException("target LSN: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /**
     * @param value a target time as PostgreSQL reads it: {@code YYYY-MM-DD HH:MM[:SS[.fraction]][+TZ]}
     * @param zone the zone of a time given without an offset
     * @return the instant
     * @throws BarmanException when the text is not of that form
     */
    public static OffsetDateTime parseTime(String value, ZoneId zone) {
        try {
            var parsed = TIME.parseBest(value.strip(), OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime time) {
                return time;
            }
            return ((LocalDateTime) parsed).atZone(zone).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw new BarmanException("target time '" + value + "' is not a time Barman can read: expected "
                    + "YYYY-MM-DD HH:MM:SS, optionally with fractions and an offset such as +02:00", e);
        }
    }

    /** @return the target time, for a TIME target */
    public Optional<OffsetDateTime> time() {
        return kind == Kind.TIME ? Optional.of(parseTime(value, ZoneId.systemDefault())) : Optional.empty();
    }

    /** @return the target position, for an LSN target */
    public Optional<Lsn> lsn() {
        return kind == Kind.LSN ? Optional.of(Lsn.parse(value)) : Optional.empty();
    }

    /** @return a description for reports, such as {@code recovery_target_name = 'before-upgrade'} */
    public String describe() {
        return switch (kind) {
            case NONE -> "no target: replay all the WAL";
            case IMMEDIATE -> "recovery_target = 'immediate'";
            default -> "recovery_target_" + kind.name().toLowerCase(Locale.ROOT) + " = '" + value + "'"
                    + (exclusive ? " (exclusive)" : "");
        };
    }
}
