package org.barman.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The exclusion patterns of a {@link CopyJob}, in rsync's form, matched against paths relative to the tree's root.
 *
 * <p>It lives in the API so that every transport that walks a tree itself (the local one, the pure-Java SSH one, a
 * plug-in's) excludes exactly what rsync would with the same patterns: a leading {@code /} anchors a pattern at the
 * root ({@code /postmaster.pid}); without it a pattern matches the end of a path at a name boundary
 * ({@code pgsql_tmp*} matches that name at any depth, {@code sub/foo} a {@code foo} inside any {@code sub});
 * {@code *} matches any characters but {@code /}, {@code **} any characters, {@code ?} one character but {@code /},
 * {@code [...]} one of a set ({@code [!...]} or {@code [^...]} one not in it), a backslash makes the next character
 * literal; a trailing {@code /} matches folders only; {@code dir/***} matches {@code dir} and everything in it.
 * Immutable and thread-safe.
 */
public final class Exclusions {

    /** Excludes nothing. */
    public static final Exclusions NONE = new Exclusions(List.of(), List.of());

    private final List<String> patterns;
    private final List<Rule> rules;

    private Exclusions(List<String> patterns, List<Rule> rules) {
        this.patterns = List.copyOf(patterns);
        this.rules = List.copyOf(rules);
    }

    /**
     * @param patterns rsync exclusion patterns
     * @return the compiled patterns
     * @throws IllegalArgumentException naming a blank pattern
     */
    public static Exclusions of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            rules.add(Rule.compile(pattern));
        }
        return new Exclusions(patterns, rules);
    }

    /**
     * @param relativePath a path under the tree's root, with {@code /} separators and no leading one
     * @param directory whether the path is a folder
     * @return whether some pattern excludes it
     */
    public boolean excludes(String relativePath, boolean directory) {
        for (Rule rule : rules) {
            if ((directory || !rule.directoryOnly) && rule.regex.matcher(relativePath).matches()) {
                return true;
            }
        }
        return false;
    }

    /** @return whether no pattern is set */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    private record Rule(Pattern regex, boolean directoryOnly) {

        static Rule compile(String pattern) {
            if (pattern == null || pattern.isBlank()) {
                throw new IllegalArgumentException("an exclusion pattern is empty");
            }
            String glob = pattern;
            boolean directoryOnly = false;
            if (glob.endsWith("/") && glob.length() > 1) {
                directoryOnly = true;
                glob = glob.substring(0, glob.length() - 1);
            }
            boolean anchored = glob.startsWith("/");
            if (anchored) {
                glob = glob.substring(1);
            }
            if (glob.isEmpty()) {
                throw new IllegalArgumentException("the exclusion pattern '" + pattern + "' names no file");
            }
            String suffix = "";
            if (glob.endsWith("/***")) {
                glob = glob.substring(0, glob.length() - 4);
                suffix = "(?:/.*)?";
            }
            String prefix = anchored ? "" : "(?:.*/)?";
            return new Rule(Pattern.compile(prefix + translate(glob) + suffix, Pattern.DOTALL), directoryOnly);
        }

        private static String translate(String glob) {
            StringBuilder regex = new StringBuilder(glob.length() * 2);
            int i = 0;
            while (i < glob.length()) {
                char c = glob.charAt(i);
                if (c == '*') {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        regex.append(".*");
                        i += 2;
                        while (i < glob.length() && glob.charAt(i) == '*') {
                            i++;
                        }
                        continue;
                    }
                    regex.append("[^/]*");
                } else if (c == '?') {
                    regex.append("[^/]");
                } else if (c == '\\' && i + 1 < glob.length()) {
                    i++;
                    regex.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                } else if (c == '[') {
                    int end = classEnd(glob, i);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        regex.append(characterClass(glob.substring(i + 1, end)));
                        i = end;
                    }
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
                i++;
            }
            return regex.toString();
        }

        /** @return the index of the {@code ]} closing the class opened at {@code open}, or -1 */
        private static int classEnd(String glob, int open) {
            int i = open + 1;
            if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
                i++;
            }
            if (i < glob.length() && glob.charAt(i) == ']') {
                i++;
            }
            while (i < glob.length()) {
                if (glob.charAt(i) == ']') {
                    return i;
                }
                i++;
            }
            return -1;
        }

        private static String characterClass(String body) {
            StringBuilder out = new StringBuilder("[");
            int i = 0;
            boolean negated = !body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^');
            if (negated) {
                out.append('^');
                i++;
            }
            for (; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c == '-' && i > (negated ? 1 : 0) && i < body.length() - 1) {
                    out.append('-');
                } else if (Character.isLetterOrDigit(c)) {
                    out.append(c);
                } else {
                    out.append('\\').append(c);
                }
            }
            if (negated) {
                out.append('/');
            }
            return out.append(']').toString();
        }
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
