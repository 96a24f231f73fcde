package org.barman.examples.mounted;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;

/**
 * The exclusion patterns of a {@link org.barman.api.CopyJob} in rsync's form (see its Javadoc), compiled to
 * regular expressions over paths relative to the tree's root: a leading {@code /} anchors at the root, otherwise
 * the pattern matches the end of a path at a name boundary; {@code *} and {@code ?} stop at {@code /},
 * {@code **} does not; {@code [...]} is a set; a trailing {@code /} matches folders only.
 */
final class Exclusions {

    private record Rule(Pattern pattern, boolean foldersOnly) {
    }

    private final List<Rule> rules;

    private Exclusions(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * @param patterns rsync exclusion patterns
     * @return them, compiled
     * @throws BarmanException naming an empty pattern
     */
    static Exclusions of(List<String> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (String pattern : patterns) {
            String glob = pattern;
            boolean foldersOnly = glob.length() > 1 && glob.endsWith("/");
            if (foldersOnly) {
                glob = glob.substring(0, glob.length() - 1);
            }
            boolean anchored = glob.startsWith("/");
            if (anchored) {
                glob = glob.substring(1);
            }
            if (glob.isBlank()) {
                throw new BarmanException("transport mounted: the exclusion pattern '" + pattern + "' names nothing");
            }
            rules.add(new Rule(Pattern.compile((anchored ? "" : "(?:.*/)?") + regex(glob), Pattern.DOTALL),
                    foldersOnly));
        }
        return new Exclusions(List.copyOf(rules));
    }

    /**
     * @param relativePath a path below the root, {@code /}-separated
     * @param folder whether it is a folder
     * @return whether a pattern excludes it
     */
    boolean excludes(String relativePath, boolean folder) {
        for (Rule rule : rules) {
            if ((folder || !rule.foldersOnly()) && rule.pattern().matcher(relativePath).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    i++;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
                int end = glob.indexOf(']', i + 2);
                String set = glob.substring(i + 1, end);
                boolean negated = set.startsWith("!") || set.startsWith("^");
                regex.append(negated ? "[^/" : "[").append((negated ? set.substring(1) : set).replace("\\", "\\\\")
                        .replace("[", "\\[")).append(']');
                i = end;
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
