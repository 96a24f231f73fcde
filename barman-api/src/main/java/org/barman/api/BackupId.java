package org.barman.api;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The identifier of a base backup: its start time in the backup host's local time, {@code YYYYMMDDTHHMMSS}, as
 * Barman names the backup folders.
 *
 * <p>An id is never a path: only the fixed form is accepted, so an id taken from a command line cannot reach
 * outside the catalogue.
 *
 * @param value the id text, {@code YYYYMMDDTHHMMSS}
 */
public record BackupId(String value) implements Comparable<BackupId> {

    private static final Pattern FORM = Pattern.compile("\\d{8}T\\d{6}");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    /**
     * Checks the form and that the date exists.
     *
     * @param value the id text, {@code YYYYMMDDTHHMMSS}
     */
    public BackupId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a backup id: expected YYYYMMDDTHHMMSS "
                    + "(for example 20240410T165613), or one of latest, last, oldest, first");
        }
        try {
            LocalDateTime.parse(value, FORMAT);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a backup id: " + value.substring(0, 8)
                    + "T" + value.substring(9) + " is not a valid date and time", e);
        }
    }

    /**
     * @param text the id text
     * @return the id
     * @throws IllegalArgumentException when the text is not of the id form
     */
    public static BackupId parse(String text) {
        return new BackupId(text);
    }

    /**
     * @param text some text
     * @return whether it has the id form
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @param time a local date and time; fractions of a second are dropped
     * @return the id of a backup started then
     */
    public static BackupId of(LocalDateTime time) {
        return new BackupId(time.truncatedTo(ChronoUnit.SECONDS).format(FORMAT));
    }

    /** @return the local date and time the id stands for */
    public LocalDateTime time() {
        return LocalDateTime.parse(value, FORMAT);
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
