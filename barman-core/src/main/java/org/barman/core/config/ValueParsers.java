package org.barman.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value types of {@code barman.conf}, with Barman's spellings. */
public final class ValueParsers {

    private static final Set<String> TRUE = Set.of("true", "t", "yes", "y", "1", "on");
    private static final Set<String> FALSE = Set.of("false", "f", "no", "n", "0", "off");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(k|Ki|M|Mi|G|Gi|T|Ti)?B?");

    private ValueParsers() {
    }

    /** @return a parser of Barman's booleans: true/t/yes/y/1/on and false/f/no/n/0/off, any case */
    public static ValueParser<Boolean> bool() {
        return text -> {
            String lower = text.toLowerCase(Locale.ROOT);
            if (TRUE.contains(lower)) {
                return Boolean.TRUE;
            }
            if (FALSE.contains(lower)) {
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException("not a boolean");
        };
    }

    /**
     * @param min the smallest accepted value
     * @return a parser of integers from {@code min}
     */
    public static ValueParser<Integer> integer(int min) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer", e);
            }
            if (value < min) {
                throw new IllegalArgumentException("below " + min);
            }
            return value;
        };
    }

    /**
     * @return a parser of replication slot names as PostgreSQL accepts them (and Barman, which lowers the case
     *     first): lower-case letters, digits and underscores, at most 63 characters
     */
    public static ValueParser<String> slotName() {
        return text -> {
            String lower = text.toLowerCase(Locale.ROOT);
            if (!SLOT_NAME.matcher(lower).matches()) {
                throw new IllegalArgumentException("a replication slot name may only hold lower-case letters, "
                        + "digits and the underscore, 63 at most");
            }
            return lower;
        };
    }

    /** @return a parser that keeps the text */
    public static ValueParser<String> text() {
        return text -> text;
    }

    /** @return a parser of paths (must be absolute once interpolated) */
    public static ValueParser<Path> path() {
        return text -> {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("not an absolute path");
            }
            return path.normalize();
        };
    }

    /**
     * @param allowed the accepted values, compared in lower case
     * @return a parser that returns the value in lower case
     */
    public static ValueParser<String> oneOf(String... allowed) {
        List<String> values = Arrays.asList(allowed);
        return text -> {
            String lower = text.toLowerCase(Locale.ROOT);
            if (!values.contains(lower)) {
                throw new IllegalArgumentException("not one of " + String.join(", ", values));
            }
            return lower;
        };
    }

    /**
     * @param allowed the accepted items
     * @return a parser of comma-separated lists of those items, in lower case, without duplicates
     */
    public static ValueParser<Set<String>> setOf(String... allowed) {
        ValueParser<String> item = oneOf(allowed);
        return text -> {
            Set<String> items = new LinkedHashSet<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(item.parse(part.strip()));
                }
            }
            return Set.copyOf(items);
        };
    }

    /**
     * A bandwidth in kilobytes per second: a plain number is kilobytes per second as in Barman; a number with a
     * unit ({@code 10M}, {@code 512Ki}) is that many bytes per second.
     *
     * @return the parser, giving kilobytes per second
     */
    public static ValueParser<Long> bandwidthKbps() {
        return text -> {
            Matcher m = SIZE.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a number of kilobytes per second");
            }
            long number = Long.parseLong(m.group(1));
            String unit = m.group(2);
            if (unit == null) {
                return number;
            }
            long bytes = Math.multiplyExact(number, switch (unit) {
                case "k" -> 1000L;
                case "Ki" -> 1024L;
                case "M" -> 1000L * 1000;
                case "Mi" -> 1024L * 1024;
                case "G" -> 1000L * 1000 * 1000;
                case "Gi" -> 1024L * 1024 * 1024;
                case "T" -> 1000L * 1000 * 1000 * 1000;
                default -> 1024L * 1024 * 1024 * 1024;
            });
            return Math.max(1, bytes / 1024);
        };
    }

    /** @return a parser of {@code name:kbps, name:kbps} lists, keeping the order */
    public static ValueParser<Map<String, Long>> bandwidthMap() {
        ValueParser<Long> bandwidth = bandwidthKbps();
        return text -> {
            Map<String, Long> limits = new LinkedHashMap<>();
            for (String part : text.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                int colon = part.lastIndexOf(':');
                if (colon <= 0 || colon == part.strip().length() - 1) {
                    throw new IllegalArgumentException("'" + part.strip() + "' is not name:kbps");
                }
                String name = part.substring(0, colon).strip();
                if (limits.put(name, bandwidth.parse(part.substring(colon + 1).strip())) != null) {
                    throw new IllegalArgumentException("tablespace " + name + " appears twice");
                }
            }
            return java.util.Collections.unmodifiableMap(limits);
        };
    }

    /** @return a parser of comma-separated words, kept as written */
    public static ValueParser<List<String>> words() {
        return text -> {
            List<String> items = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
            return List.copyOf(items);
        };
    }
}
