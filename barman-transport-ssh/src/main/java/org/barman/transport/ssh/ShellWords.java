package org.barman.transport.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell does for a simple command (single quotes, double quotes,
 * backslashes), and quotes words for a remote shell: {@code ssh_command} is written for a shell, and the commands
 * this transport sends are read by one.
 */
final class ShellWords {

    private ShellWords() {
    }

    /**
     * @param text a command line
     * @return its words
     * @throws IllegalArgumentException for an unterminated quote, or shell syntax that is more than a simple command
     *     (pipes, redirections, variables, command substitution)
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("a single quote is not closed");
                }
                word.append(text, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(text, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("it ends with a backslash");
                }
                if (text.charAt(i + 1) != '\n') {
                    word.append(text.charAt(i + 1));
                    inWord = true;
                }
                i += 2;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if ("|&;<>()`$".indexOf(c) >= 0) {
                throw new IllegalArgumentException("'" + c + "' is shell syntax, not part of a plain command");
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

    private static int doubleQuoted(String text, int start, StringBuilder word) {
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && "\"\\$`\n".indexOf(text.charAt(i + 1)) >= 0) {
                if (text.charAt(i + 1) != '\n') {
                    word.append(text.charAt(i + 1));
                }
                i += 2;
                continue;
            }
            if (c == '$' || c == '`') {
                throw new IllegalArgumentException("'" + c + "' is shell syntax, not part of a plain command");
            }
            word.append(c);
            i++;
        }
        throw new IllegalArgumentException("a double quote is not closed");
    }

    /**
     * @param word any text
     * @return the text quoted for a POSIX shell: one word, taken literally
     */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
