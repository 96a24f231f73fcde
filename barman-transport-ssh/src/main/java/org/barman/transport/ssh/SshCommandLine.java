package org.barman.transport.ssh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.barman.api.support.ShellWords;

/**
 * What an OpenSSH command line such as {@code ssh -p 2222 -i ~/.ssh/barman -o StrictHostKeyChecking=yes
 * postgres@pg} says about the connection, so that {@code ssh_command} means the same with {@code transport = ssh}
 * as with rsync (which runs that very command).
 *
 * <p>Only what a non-interactive client that runs commands needs is understood: the destination, {@code -p},
 * {@code -i}, {@code -l}, {@code -F}, {@code -C}, {@code -c}, {@code -m}, and the {@code -o} options of
 * {@link #SUPPORTED}. Flags and options that do not change what this transport does ({@code -q}, {@code -T},
 * {@code -o BatchMode=yes}, {@code -o LogLevel=...}...) are accepted and ignored. Anything else is refused with a
 * message naming it, rather than silently connecting somewhere else or with weaker checks than ssh would.
 *
 * @param user the user of the destination or of {@code -l}; null when neither says
 * @param host the host of the destination
 * @param port {@code -p} or the port of an {@code ssh://} destination; -1 when unset
 * @param configFile {@code -F}: null for the default (~/.ssh/config), {@code none} for no file
 * @param options the options of {@code -o} (and of the flags that stand for one, such as {@code -i} for
 *     IdentityFile), by their canonical name, each with its values in order
 */
record SshCommandLine(String user, String host, int port, String configFile, Map<String, List<String>> options) {

    /** {@code -o} options this transport acts on, by canonical name. */
    static final Set<String> SUPPORTED = Set.of("HostName", "User", "Port", "IdentityFile", "IdentitiesOnly",
            "UserKnownHostsFile", "GlobalKnownHostsFile", "StrictHostKeyChecking", "HostKeyAlias", "ConnectTimeout",
            "ServerAliveInterval", "ServerAliveCountMax", "Compression", "Ciphers", "MACs", "KexAlgorithms",
            "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms");

    /** {@code -o} options that do not matter to a non-interactive client running commands: accepted, ignored. */
    static final Set<String> IGNORED = Set.of("BatchMode", "LogLevel", "LogVerbose", "PasswordAuthentication",
            "KbdInteractiveAuthentication", "ChallengeResponseAuthentication", "PreferredAuthentications",
            "GSSAPIAuthentication", "GSSAPIDelegateCredentials", "ForwardAgent", "ForwardX11", "ForwardX11Trusted",
            "ControlMaster", "ControlPath", "ControlPersist", "CheckHostIP", "HashKnownHosts", "UpdateHostKeys",
            "VisualHostKey", "TCPKeepAlive", "AddressFamily", "RequestTTY", "SendEnv", "ClearAllForwardings",
            "ExitOnForwardFailure", "NumberOfPasswordPrompts", "VerifyHostKeyDNS", "IPQoS", "EscapeChar",
            "PermitLocalCommand", "ConnectionAttempts", "Protocol", "UseRoaming", "AddKeysToAgent", "IdentityAgent",
            "ObscureKeystrokeTiming", "EnableEscapeCommandline", "StdinNull");

    private static final Map<String, String> CANONICAL = canonicalNames();
    private static final Set<Character> IGNORED_FLAGS = Set.of('4', '6', 'a', 'k', 'n', 'q', 'T', 'v', 'x', 'y');

    /** Copies the map. */
    SshCommandLine {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        options.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        options = Collections.unmodifiableMap(copy);
    }

    private static Map<String, String> canonicalNames() {
        Map<String, String> names = new TreeMap<>();
        for (String name : SUPPORTED) {
            names.put(name.toLowerCase(Locale.ROOT), name);
        }
        for (String name : IGNORED) {
            names.put(name.toLowerCase(Locale.ROOT), name);
        }
        names.put("pubkeyacceptedkeytypes", "PubkeyAcceptedAlgorithms");
        return names;
    }

    /**
     * @param name an option name in any case, as ssh accepts it
     * @return its canonical spelling, or null when this transport does not know it
     */
    static String canonical(String name) {
        return CANONICAL.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * @param name a canonical option name
     * @return its first value (the one ssh uses), or null
     */
    String option(String name) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * @param name a canonical option name
     * @return all its values, in order
     */
    List<String> optionValues(String name) {
        return options.getOrDefault(name, List.of());
    }

    /**
     * @param text the value of {@code ssh_command}
     * @return what it says
     * @throws IllegalArgumentException naming the part that this transport cannot understand
     */
    static SshCommandLine parse(String text) {
        List<String> words;
        try {
            words = ShellWords.split(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot split it into words: " + e.getMessage(), e);
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("it is empty");
        }
        String program = words.get(0);
        if (!program.equals("ssh") && !program.endsWith("/ssh")) {
            throw new IllegalArgumentException("it must start with ssh (an OpenSSH command line), not '" + program
                    + "'");
        }
        Parser parser = new Parser();
        boolean optionsEnded = false;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (!optionsEnded && word.equals("--")) {
                optionsEnded = true;
            } else if (!optionsEnded && word.startsWith("-") && word.length() > 1) {
                i = parser.flags(words, i);
            } else if (parser.destination == null) {
                parser.destination = word;
            } else {
                throw new IllegalArgumentException("it must end with the destination (user@host), but '" + word
                        + "' follows '" + parser.destination + "': a remote command has no place in ssh_command");
            }
        }
        if (parser.destination == null) {
            throw new IllegalArgumentException("it names no destination (user@host)");
        }
        return parser.build();
    }

    private static final class Parser {
        private final Map<String, List<String>> options = new LinkedHashMap<>();
        private String destination;
        private String loginName;
        private String portText;
        private String configFile;

        /** @return the index of the last word consumed */
        int flags(List<String> words, int index) {
            String word = words.get(index);
            for (int j = 1; j < word.length(); j++) {
                char flag = word.charAt(j);
                if (IGNORED_FLAGS.contains(flag)) {
                    continue;
                }
                if (flag == 'C') {
                    add("Compression", "yes");
                    continue;
                }
                if ("pilFocmJLRDWbBEeSIOQwP".indexOf(flag) < 0) {
                    throw new IllegalArgumentException("option -" + flag + " is not understood by transport = ssh"
                            + hint(flag));
                }
                String argument;
                if (j + 1 < word.length()) {
                    argument = word.substring(j + 1);
                } else if (index + 1 < words.size()) {
                    index++;
                    argument = words.get(index);
                } else {
                    throw new IllegalArgumentException("option -" + flag + " needs a value");
                }
                argument(flag, argument);
                return index;
            }
            return index;
        }

        private static String hint(char flag) {
            return switch (flag) {
                case 'A', 'X', 'Y' -> " (no forwarding: the transport only runs commands and copies files)";
                case 't' -> " (a terminal would corrupt the binary streams of a copy)";
                default -> "; remove it, or use transport = rsync, which runs ssh itself";
            };
        }

        private void argument(char flag, String value) {
            switch (flag) {
                case 'p' -> portText = value;
                case 'i' -> add("IdentityFile", value);
                case 'l' -> loginName = value;
                case 'F' -> configFile = value;
                case 'c' -> add("Ciphers", value);
                case 'm' -> add("MACs", value);
                case 'o' -> option(value);
                case 'e', 'E', 'S', 'P' -> {
                    // escape character, log file, control socket, tag: nothing to do without a terminal or a master
                }
                case 'J' -> throw new IllegalArgumentException("option -J (a jump host) is not supported by "
                        + "transport = ssh; use transport = rsync, which runs ssh itself");
                default -> throw new IllegalArgumentException("option -" + flag + " is not understood by "
                        + "transport = ssh; remove it, or use transport = rsync, which runs ssh itself");
            }
        }

        private void option(String text) {
            String trimmed = text.strip();
            int separator = 0;
            while (separator < trimmed.length() && trimmed.charAt(separator) != '='
                    && !Character.isWhitespace(trimmed.charAt(separator))) {
                separator++;
            }
            String name = trimmed.substring(0, separator);
            String value = trimmed.substring(separator).strip();
            if (value.startsWith("=")) {
                value = value.substring(1).strip();
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("option -o '" + text + "' names no option");
            }
            String canonical = canonical(name);
            if (canonical == null) {
                String hint = name.equalsIgnoreCase("ProxyCommand") || name.equalsIgnoreCase("ProxyJump")
                        ? " (no proxy or jump host)" : "";
                throw new IllegalArgumentException("option -o " + name + " is not understood by transport = ssh"
                        + hint + "; remove it, or use transport = rsync, which runs ssh itself");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("option -o " + name + " has no value");
            }
            add(canonical, value);
        }

        private void add(String name, String value) {
            options.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }

        SshCommandLine build() {
            String user = null;
            String host = destination;
            int port = -1;
            if (destination.startsWith("ssh://")) {
                String rest = destination.substring("ssh://".length());
                if (rest.endsWith("/")) {
                    rest = rest.substring(0, rest.length() - 1);
                }
                int at = rest.lastIndexOf('@');
                if (at >= 0) {
                    user = rest.substring(0, at);
                    rest = rest.substring(at + 1);
                }
                if (rest.startsWith("[")) {
                    int close = rest.indexOf(']');
                    if (close < 0) {
                        throw new IllegalArgumentException("the destination " + destination + " has no closing ]");
                    }
                    host = rest.substring(1, close);
                    rest = rest.substring(close + 1);
                    if (rest.startsWith(":")) {
                        port = parsePort(rest.substring(1), "the port of " + destination);
                    }
                } else {
                    int colon = rest.lastIndexOf(':');
                    host = colon < 0 ? rest : rest.substring(0, colon);
                    if (colon >= 0) {
                        port = parsePort(rest.substring(colon + 1), "the port of " + destination);
                    }
                }
            } else {
                int at = destination.lastIndexOf('@');
                if (at >= 0) {
                    user = destination.substring(0, at);
                    host = destination.substring(at + 1);
                }
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("the destination " + destination + " names no host");
            }
            if (user != null && user.isEmpty()) {
                throw new IllegalArgumentException("the destination " + destination + " has an empty user name");
            }
            if (loginName != null) {
                user = loginName;
            }
            if (portText != null) {
                port = parsePort(portText, "option -p");
            }
            return new SshCommandLine(user, host, port, configFile, options);
        }
    }

    /**
     * @param text a port number
     * @param what what it is, for the message
     * @return the port
     * @throws IllegalArgumentException when it is not a port number
     */
    static int parsePort(String text, String what) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is '" + text + "', not a port number (1-65535)");
    }
}
