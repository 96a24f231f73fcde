package org.barman.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.TemporalAccessor;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Barman's ways of printing numbers and times ({@code barman/utils.py}), so that output matches what DBAs and
 * their scripts know: {@code pretty_size}, {@code datetime.ctime()}, {@code human_readable_timedelta}, and
 * Python's correctly rounded {@code %.1f} and {@code {:.2%}}.
 */
final class Formats {

    private static final String[] SIZE_SUFFIXES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.ENGLISH);

    private Formats() {
    }

    /**
     * @param bytes a size
     * @return Barman's {@code pretty_size}: {@code 845 B}, {@code 5.0 GiB} (powers of 1024, one decimal)
     */
    static String prettySize(double bytes) {
        double size = bytes;
        for (int i = 0; i < SIZE_SUFFIXES.length; i++) {
            if (Math.abs(size) < 1024 || i == SIZE_SUFFIXES.length - 1) {
                return i == 0 ? (long) size + " B" : fixed(size, 1) + " " + SIZE_SUFFIXES[i];
            }
            size /= 1024;
        }
        throw new AssertionError("unreachable");
    }

    /**
     * @param value a number
     * @param decimals digits after the point
     * @return Python's {@code "%.Nf" % value}: the exact binary value rounded half-even
     */
    static String fixed(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * @param ratio a ratio, such as 0.1234
     * @return Python's {@code "{:.2%}".format(ratio)}: {@code 12.34%}
     */
    static String percent(double ratio) {
        return fixed(ratio * 100, 2) + "%";
    }

    /**
     * @param time a date and time
     * @return Python's {@code ctime()} of it, in its own offset: {@code Wed May 30 15:20:25 2012}
     */
    static String ctime(TemporalAccessor time) {
        return CTIME.format(time);
    }

    /**
     * @param time a date and time
     * @return seconds since the epoch, as Barman's JSON {@code end_time_timestamp} gives it
     */
    static String timestamp(OffsetDateTime time) {
        return Long.toString(time.toEpochSecond());
    }

    /**
     * @param duration a duration
     * @return Barman's {@code human_readable_timedelta}: {@code 1 hour, 2 minutes, 5 seconds}, or
     *     {@code less than one second}
     */
    static String humanDuration(Duration duration) {
        Duration delta = duration.abs();
        long seconds = delta.getSeconds();
        List<String> parts = new ArrayList<>();
        add(parts, seconds / 86_400, "day");
        add(parts, seconds % 86_400 / 3600, "hour");
        add(parts, seconds % 3600 / 60, "minute");
        add(parts, seconds % 60, "second");
        String human = delta.compareTo(Duration.ofSeconds(1)) < 0 ? "less than one second" : String.join(", ", parts);
        return duration.isNegative() ? human + " ago" : human;
    }

    private static void add(List<String> parts, long count, String unit) {
        if (count > 0) {
            parts.add(count + " " + unit + (count == 1 ? "" : "s"));
        }
    }
}
