package org.barman.core.config;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An age such as {@code 1 WEEKS} ({@code last_backup_maximum_age}): a positive count of days, weeks or months.
 *
 * @param value the count, above 0
 * @param unit the unit
 */
public record AgeLimit(int value, Unit unit) {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(DAY|WEEK|MONTH)S?", Pattern.CASE_INSENSITIVE);

    /** The units the guide allows. */
    public enum Unit {
        /** Calendar days. */
        DAYS,
        /** Seven days. */
        WEEKS,
        /** Calendar months. */
        MONTHS
    }

    /**
     * Requires a positive value.
     *
     * @param value the count, above 0
     * @param unit the unit
     */
    public AgeLimit {
        if (value <= 0) {
            throw new IllegalArgumentException("the value must be greater than 0");
        }
    }

    /**
     * @param text such as {@code 7 DAYS}, {@code 1 week} or {@code 3 MONTHS}
     * @return the age
     * @throws IllegalArgumentException when malformed
     */
    public static AgeLimit parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not of the form 'value DAYS|WEEKS|MONTHS'");
        }
        int value;
        try {
            value = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(m.group(1) + " is too large", e);
        }
        return new AgeLimit(value, Unit.valueOf(m.group(2).toUpperCase(Locale.ROOT) + "S"));
    }

    /**
     * @param now the current instant
     * @param zone the time zone calendar days and months are counted in
     * @return the instant this age before {@code now}
     */
    public Instant before(Instant now, ZoneId zone) {
        var local = now.atZone(zone);
        return switch (unit) {
            case DAYS -> local.minusDays(value).toInstant();
            case WEEKS -> local.minusWeeks(value).toInstant();
            case MONTHS -> local.minusMonths(value).toInstant();
        };
    }

    /** @return the age as an approximate duration (a month counts 31 days), for display */
    public Duration approximate() {
        return switch (unit) {
            case DAYS -> Duration.ofDays(value);
            case WEEKS -> Duration.ofDays(7L * value);
            case MONTHS -> Duration.ofDays(31L * value);
        };
    }

    @Override
    public String toString() {
        return value + " " + unit;
    }
}
