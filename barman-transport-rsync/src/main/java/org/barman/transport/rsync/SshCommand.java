package org.barman.transport.rsync;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.barman.api.support.ShellWords;

/**
 * The {@code ssh_command} of a server, understood: the program, every option it gives ssh, and the destination
 * ({@code [user@]host}, or {@code ssh://[user@]host[:port]}).
 *
 * <p>It exists because rsync needs the destination apart from the rest ({@code rsync -e "<program and options>"
 * user@host:/path/}), and because a mistake in the option is better reported when the configuration is read than
 * as a puzzling rsync failure. The options follow OpenSSH's {@code ssh(1)}: those that take a value (attached,
 * {@code -p2222}, or in the next word) and grouped flags ({@code -Cq}). Every option is kept as written; after them
 * the transport adds {@code -o BatchMode=yes} and {@code -o ConnectTimeout=30}, which ssh ignores when the command
 * sets those options itself (the first value wins), so that a backup never waits for a password or a question.
 *
 * <p>Refused, each with its reason: words after the destination (Barman adds the remote command), options that
 * break a copy's channel or run no command ({@code -t}, {@code -n}, {@code -f}, {@code -N}, {@code -s},
 * {@code -W}, {@code -G}, {@code -V}, {@code -O}, {@code -Q}), shell syntax ({@code |}, {@code $}...), no
 * destination.
 *
 * @param text the option as written, for messages
 * @param program the ssh program (first word)
 * @param options the words between the program and the destination, unchanged
 * @param user the user of the destination, or null when it names none (ssh then uses {@code -l} or the local user)
 * @param host the host of the destination
 * @param port the port of an {@code ssh://} destination, or 0 when it names none
 */
record SshCommand(String text, String program, List<String> options, String user, String host, int port) {

    /** Options added after the command's own; ssh keeps the first value of an option, so the command's win. */
    static final List<String> DEFAULT_OPTIONS = List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=30");

    /** OpenSSH 9 options that take a value. */
    private static final String WITH_VALUE = "BbcDEeFIiJLlmOoPpQRSWw";
    /** OpenSSH 9 options without a value. */
    private static final String FLAGS = "1246AaCfGgKkMNnqsTtVvXxYy";
    private static final Set<Character> REFUSED = Set.of('t', 'n', 'f', 'N', 's', 'W', 'G', 'V', 'O', 'Q');

    SshCommand {
        options = List.copyOf(options);
    }

    /**
     * @param text an {@code ssh_command} value
     * @return it, understood
     * @throws IllegalArgumentException saying what is wrong with it, for a message that names the option
     */
    static SshCommand parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("it is empty");
        }
        List<String> words = ShellWords.split(text);
        String program = words.get(0);
        List<String> options = new ArrayList<>();
        int i = 1;
        String destination = null;
        while (i < words.size()) {
            String word = words.get(i);
            if (word.equals("--")) {
                options.add(word);
                i++;
                if (i < words.size()) {
                    destination = words.get(i);
                    i++;
                }
                break;
            }
            if (!word.startsWith("-") || word.length() == 1) {
                destination = word;
                i++;
                break;
            }
            options.add(word);
            i = 1 + option(words, i, options);
        }
        if (destination == null) {
            throw new IllegalArgumentException("it names no host: write it as ssh [options] user@host");
        }
        if (i < words.size()) {
            throw new IllegalArgumentException("it goes on after the host " + destination + " with '"
                    + ShellWords.join(words.subList(i, words.size())) + "': Barman adds the remote command itself, "
                    + "remove these words");
        }
        return withDestination(text, program, options, destination);
    }

    /**
     * Reads one option word (and its value when it is the next word).
     *
     * @return the index of the last word consumed
     */
    private static int option(List<String> words, int index, List<String> options) {
        String word = words.get(index);
        for (int j = 1; j < word.length(); j++) {
            char letter = word.charAt(j);
            if (REFUSED.contains(letter)) {
                throw new IllegalArgumentException("option -" + letter + " " + refusalReason(letter));
            }
            if (WITH_VALUE.indexOf(letter) >= 0) {
                if (j + 1 < word.length()) {
                    return index;
                }
                if (index + 1 >= words.size()) {
                    throw new IllegalArgumentException("option -" + letter + " needs a value");
                }
                options.add(words.get(index + 1));
                return index + 1;
            }
            if (FLAGS.indexOf(letter) < 0) {
                throw new IllegalArgumentException("'" + word + "' is not an option of OpenSSH's ssh");
            }
        }
        return index;
    }

    private static String refusalReason(char letter) {
        return switch (letter) {
            case 't' -> "asks for a terminal, which corrupts rsync's data: remove it";
            case 'n' -> "closes ssh's standard input, which rsync needs: remove it";
            case 'f' -> "sends ssh to the background: remove it";
            case 'N', 's', 'W' -> "changes what ssh runs on the host, and Barman needs a plain remote command: "
                    + "remove it";
            default -> "makes ssh do something else than run a command: remove it";
        };
    }

    private static SshCommand withDestination(String text, String program, List<String> options,
            String destination) {
        String rest = destination;
        int port = 0;
        if (rest.toLowerCase(Locale.ROOT).startsWith("ssh://")) {
            rest = rest.substring("ssh://".length());
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            int portStart = rest.lastIndexOf(':');
            if (portStart >= 0 && portStart > rest.lastIndexOf(']')) {
                String portText = rest.substring(portStart + 1);
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("the port '" + portText + "' of " + destination
                            + " is not a port number");
                }
                rest = rest.substring(0, portStart);
            }
        }
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if (user.isEmpty()) {
                throw new IllegalArgumentException("the destination " + destination + " has an empty user name");
            }
        }
        String host = rest.startsWith("[") && rest.endsWith("]") ? rest.substring(1, rest.length() - 1) : rest;
        if (host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new IllegalArgumentException("'" + destination + "' is not a destination: write it as user@host");
        }
        return new SshCommand(text, program, options, user, host, port);
    }

    /** @return the destination as ssh takes it: {@code user@host} or {@code host} */
    String destination() {
        return user == null ? host : user + "@" + host;
    }

    /** @return the program and its options, without the destination: what rsync's {@code -e} runs */
    List<String> remoteShell() {
        List<String> words = new ArrayList<>();
        words.add(program);
        List<String> own = new ArrayList<>(options);
        boolean endOfOptions = !own.isEmpty() && own.get(own.size() - 1).equals("--");
        if (endOfOptions) {
            own.remove(own.size() - 1);
        }
        words.addAll(own);
        if (port > 0) {
            words.add("-p");
            words.add(Integer.toString(port));
        }
        words.addAll(DEFAULT_OPTIONS);
        return words;
    }

    /**
     * @param remoteCommand a command line for the remote shell
     * @return the words to execute to run it on the host
     */
    List<String> commandLine(String remoteCommand) {
        List<String> words = remoteShell();
        words.add("--");
        words.add(destination());
        words.add(remoteCommand);
        return words;
    }

    /**
     * @param path an absolute path on the host
     * @return rsync's name for it: {@code user@host:path} (an IPv6 address in brackets)
     */
    String rsyncLocation(String path) {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        return (user == null ? "" : user + "@") + hostPart + ":" + path;
    }

    @Override
    public String toString() {
        return text;
    }
}
