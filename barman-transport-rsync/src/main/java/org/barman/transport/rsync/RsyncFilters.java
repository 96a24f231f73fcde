package org.barman.transport.rsync;

import java.util.ArrayList;
import java.util.List;

/**
 * The exclusions of a {@link org.barman.api.CopyJob} as rsync arguments.
 *
 * <p>The job's patterns are written in rsync's own syntax, anchored at the tree's root, and every copy of this
 * transport names the root with a trailing slash ({@code host:/pgdata/}), which makes the root the anchor: most
 * patterns pass unchanged. What needs care:
 * <ul>
 * <li>each pattern becomes one {@code --filter=- PATTERN} rule, never {@code --exclude=PATTERN}: rsync reads a
 * leading {@code "+ "}, {@code "- "} or a lone {@code !} of an {@code --exclude} as a rule of its own;
 * <li>rsync takes a backslash as an escape only in a pattern that has a wildcard character ({@code * ? [}, even an
 * escaped one), while the job's syntax always does ({@code a\b} means {@code ab}): in a pattern without one the
 * escapes are resolved here;
 * <li>a blank pattern, or a pattern with a line break (which rsync's rule parser would cut), is refused.
 * </ul>
 * {@code /pg_wal/*} keeps the {@code pg_wal} folder and leaves out its content, as in rsync.
 */
final class RsyncFilters {

    private RsyncFilters() {
    }

    /**
     * @param exclusions the job's patterns
     * @return one {@code --filter} argument per pattern, in order
     * @throws IllegalArgumentException naming a pattern rsync cannot take
     */
    static List<String> arguments(List<String> exclusions) {
        List<String> arguments = new ArrayList<>(exclusions.size());
        for (String pattern : exclusions) {
            arguments.add("--filter=- " + translate(pattern));
        }
        return arguments;
    }

    /**
     * @param pattern one pattern of the job
     * @return the same pattern for an rsync rule
     * @throws IllegalArgumentException when it is blank or has a line break
     */
    static String translate(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("an exclusion pattern is empty");
        }
        if (pattern.indexOf('\n') >= 0 || pattern.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the exclusion pattern '" + pattern.strip() + "' has a line break");
        }
        if (pattern.equals("/") || pattern.equals("//")) {
            throw new IllegalArgumentException("the exclusion pattern '" + pattern + "' names no file");
        }
        if (pattern.indexOf('\\') < 0 || hasWildcard(pattern)) {
            return pattern;
        }
        StringBuilder literal = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                i++;
                c = pattern.charAt(i);
            }
            literal.append(c);
        }
        return literal.toString();
    }

    /**
     * @return whether the pattern has {@code *}, {@code ?} or {@code [}, escaped or not: rsync's test for treating its
     *     backslashes as escapes
     */
    private static boolean hasWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }
}
