package org.barman.transport.rsync;

import java.util.List;

/** Writes the remote shell command for rsync's {@code -e}, which has a quoting of its own. */
final class RsyncRemoteShell {

    private RsyncRemoteShell() {
    }

    /**
     * rsync splits its {@code -e} command on spaces and understands single and double quotes, a doubled quote
     * inside a quoted part standing for the quote itself, and no backslash.
     *
     * @param words the remote shell command's words
     * @return the text for rsync's {@code -e}
     */
    static String of(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (!word.isEmpty() && word.indexOf(' ') < 0 && word.indexOf('\'') < 0 && word.indexOf('"') < 0) {
                line.append(word);
            } else {
                line.append('\'').append(word.replace("'", "''")).append('\'');
            }
        }
        return line.toString();
    }
}
