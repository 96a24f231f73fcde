package org.barman.api.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line written for a POSIX shell into its words, and quotes words back for {@code sh} and for people
 * reading a message: {@code ssh_command} is written for a shell, and the remote commands a transport sends are read
 * by one.
 *
 * <p>Splitting follows the shell's quoting (single quotes, double quotes with {@code \} before {@code $ ` " \}, and
 * {@code \} outside quotes) but runs no shell: a word with an unquoted {@code $}, {@code `}, {@code ;}, {@code |},
 * {@code &}, {@code <}, {@code >}, {@code (} or {@code )} would mean something else to a shell, so it is refused.
 */
public final class ShellWords {

    private static final String SHELL_SPECIALS = "$`;|&<>()";

    private ShellWords() {
    }

    /**
     * @param line a command line
     * @return its words
     * @throws IllegalArgumentException saying what cannot be understood: an open quote, a shell operator or expansion
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("the single quote at character " + (i + 1) + " is never closed");
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("it ends with a lone backslash");
                }
                char next = line.charAt(i + 1);
                if (next != '\n') {
                    word.append(next);
                    inWord = true;
                }
                i += 2;
            } else if (SHELL_SPECIALS.indexOf(c) >= 0) {
                throw new IllegalArgumentException("'" + c + "' at character " + (i + 1) + " needs a shell, and "
                        + "the command runs without one: quote it, or write the plain command");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** @return the index after the closing quote of the double-quoted part opened at {@code open} */
    private static int doubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
                continue;
            }
            if (c == '$' || c == '`') {
                throw new IllegalArgumentException("'" + c + "' at character " + (i + 1) + " asks a shell for an "
                        + "expansion, and the command runs without one: write the value itself");
            }
            word.append(c);
            i++;
        }
        throw new IllegalArgumentException("the double quote at character " + (open + 1) + " is never closed");
    }

    /**
     * @param word any text
     * @return the word quoted for {@code sh}: unchanged when it is made of safe characters only, else in single
     *     quotes
     */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(ShellWords::safe)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * @param words words
     * @return them quoted for {@code sh} and joined with spaces
     */
    public static String join(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(quote(word));
        }
        return line.toString();
    }

    private static boolean safe(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "@%_-+=:,./".indexOf(c) >= 0;
    }
}
