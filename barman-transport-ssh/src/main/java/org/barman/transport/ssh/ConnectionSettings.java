package org.barman.transport.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.barman.api.support.ShellWords;

/**
 * Everything needed to open an SSH connection like the one {@code ssh_command} opens: the command line, completed by
 * the user's ssh client configuration and ssh's defaults.
 *
 * @param alias the host as written in {@code ssh_command} (the name known_hosts and ~/.ssh/config use)
 * @param host the host to connect to (HostName, else the alias)
 * @param port the port
 * @param user the user to log in as
 * @param identityFiles the private keys to offer, in order (only existing files; -i files must exist)
 * @param userKnownHosts UserKnownHostsFile: where known host keys are looked up first, and where accept-new writes
 * @param globalKnownHosts GlobalKnownHostsFile
 * @param hostKeyPolicy what to do with an unknown host key
 * @param hostKeyAlias HostKeyAlias, or null
 * @param connectTimeoutMillis ConnectTimeout, in milliseconds
 * @param serverAliveIntervalMillis ServerAliveInterval, in milliseconds (0 for none)
 * @param serverAliveCountMax ServerAliveCountMax
 * @param compression whether to ask for zlib compression of the SSH stream
 * @param algorithms JSch configuration keys for algorithm lists the command line sets (cipher.s2c, ...)
 */
record ConnectionSettings(String alias, String host, int port, String user, List<Path> identityFiles,
        List<Path> userKnownHosts, List<Path> globalKnownHosts, HostKeyPolicy hostKeyPolicy, String hostKeyAlias,
        int connectTimeoutMillis, int serverAliveIntervalMillis, int serverAliveCountMax, boolean compression,
        Map<String, String> algorithms) {

    /** ssh tries these keys, in this order, when no IdentityFile is given (JSch has no security-key support). */
    static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** Without ConnectTimeout, give up connecting after this long instead of TCP's minutes. */
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 30;

    /**
     * Without ServerAliveInterval, ask the server every minute whether it is alive, so that a backup does not hang
     * forever on a dead network (ssh has no such default, but it is not left running unattended for hours).
     */
    static final int DEFAULT_SERVER_ALIVE_SECONDS = 60;

    /** Copies the lists and the map. */
    ConnectionSettings {
        identityFiles = List.copyOf(identityFiles);
        userKnownHosts = List.copyOf(userKnownHosts);
        globalKnownHosts = List.copyOf(globalKnownHosts);
        algorithms = Map.copyOf(algorithms);
    }

    /** @return how messages name the destination: {@code user@host port N} */
    String destination() {
        return user + "@" + host + " port " + port;
    }

    /** @return how known_hosts names this host: {@code host}, or {@code [host]:port} for a port other than 22 */
    String knownHostsName() {
        if (hostKeyAlias != null) {
            return hostKeyAlias;
        }
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** @return all known_hosts files, user ones first */
    List<Path> knownHostsFiles() {
        List<Path> all = new ArrayList<>(userKnownHosts);
        all.addAll(globalKnownHosts);
        return all;
    }

    /**
     * @param commandLine the parsed {@code ssh_command}
     * @param networkCompression {@code network_compression}
     * @param home the home folder of the user running Barman
     * @param localUser the name of the user running Barman (the default remote user, as for ssh)
     * @return the settings
     * @throws IllegalArgumentException naming an invalid or missing part
     */
    static ConnectionSettings resolve(SshCommandLine commandLine, boolean networkCompression, Path home,
            String localUser) {
        Map<String, List<String>> options = new LinkedHashMap<>(commandLine.options());
        String configFile = commandLine.configFile();
        if (configFile == null || !configFile.equalsIgnoreCase("none")) {
            Path file = configFile == null ? home.resolve(".ssh/config") : expandTilde(configFile, home);
            if (configFile != null || Files.isReadable(file)) {
                SshConfigFile config;
                try {
                    config = SshConfigFile.read(file);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the ssh configuration file " + file + ": "
                            + e.getMessage(), e);
                }
                config.optionsFor(commandLine.host()).forEach((name, values) ->
                        options.computeIfAbsent(name, key -> new ArrayList<>()).addAll(values));
            }
        }
        String alias = commandLine.host();
        String host = first(options, "HostName");
        host = host == null ? alias : expandTokens(host, alias, null, localUser, home);
        String user = commandLine.user() != null ? commandLine.user() : first(options, "User");
        if (user == null) {
            user = localUser;
        }
        int port = commandLine.port();
        if (port < 0) {
            String text = first(options, "Port");
            port = text == null ? 22 : SshCommandLine.parsePort(text, "option Port");
        }
        List<Path> identities = identities(options, home, alias, user, localUser);
        List<Path> userKnownHosts = files(options, "UserKnownHostsFile", home, alias, user, localUser,
                List.of(home.resolve(".ssh/known_hosts"), home.resolve(".ssh/known_hosts2")));
        List<Path> globalKnownHosts = files(options, "GlobalKnownHostsFile", home, alias, user, localUser,
                List.of(Path.of("/etc/ssh/ssh_known_hosts"), Path.of("/etc/ssh/ssh_known_hosts2")));
        String strict = first(options, "StrictHostKeyChecking");
        HostKeyPolicy policy = strict == null ? HostKeyPolicy.REFUSE_UNKNOWN : HostKeyPolicy.of(strict);
        int connectTimeout = seconds(options, "ConnectTimeout", DEFAULT_CONNECT_TIMEOUT_SECONDS, 1);
        int serverAlive = seconds(options, "ServerAliveInterval", DEFAULT_SERVER_ALIVE_SECONDS, 0);
        int serverAliveCountMax = seconds(options, "ServerAliveCountMax", 3, 1);
        String compressionOption = first(options, "Compression");
        boolean compression = networkCompression || (compressionOption != null && yes(compressionOption,
                "Compression"));
        return new ConnectionSettings(alias, host, port, user, identities, userKnownHosts, globalKnownHosts, policy,
                first(options, "HostKeyAlias"), connectTimeout * 1000, serverAlive * 1000, serverAliveCountMax,
                compression, algorithms(options));
    }

    private static String first(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static boolean yes(String value, String option) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new IllegalArgumentException("option " + option + " is '" + value
                    + "': expected yes or no");
        };
    }

    private static int seconds(Map<String, List<String>> options, String name, int defaultValue, int minimum) {
        String text = first(options, name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= minimum && value <= 86_400) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option " + name + " is '" + text + "': expected a number of seconds ("
                + minimum + " or more)");
    }

    private static List<Path> identities(Map<String, List<String>> options, Path home, String alias, String user,
            String localUser) {
        List<String> given = options.getOrDefault("IdentityFile", List.of());
        Set<Path> files = new LinkedHashSet<>();
        if (given.isEmpty()) {
            for (String name : DEFAULT_IDENTITIES) {
                Path file = home.resolve(".ssh").resolve(name);
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
            return List.copyOf(files);
        }
        for (String text : given) {
            Path file = Path.of(expandTokens(text, alias, user, localUser, home));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the key " + file + " (option -i or IdentityFile) does not exist");
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("the key " + file + " (option -i or IdentityFile) is not "
                        + "readable by the user running Barman");
            }
            files.add(file);
        }
        return List.copyOf(files);
    }

    private static List<Path> files(Map<String, List<String>> options, String name, Path home, String alias,
            String user, String localUser, List<Path> defaults) {
        String text = first(options, name);
        if (text == null) {
            return defaults;
        }
        List<Path> files = new ArrayList<>();
        for (String word : ShellWords.split(text)) {
            if (!word.equalsIgnoreCase("none")) {
                files.add(Path.of(expandTokens(word, alias, user, localUser, home)));
            }
        }
        return files;
    }

    private static Map<String, String> algorithms(Map<String, List<String>> options) {
        Map<String, String> algorithms = new LinkedHashMap<>();
        putAlgorithms(algorithms, first(options, "Ciphers"), "Ciphers", "cipher.s2c", "cipher.c2s");
        putAlgorithms(algorithms, first(options, "MACs"), "MACs", "mac.s2c", "mac.c2s");
        putAlgorithms(algorithms, first(options, "KexAlgorithms"), "KexAlgorithms", "kex");
        putAlgorithms(algorithms, first(options, "HostKeyAlgorithms"), "HostKeyAlgorithms", "server_host_key");
        putAlgorithms(algorithms, first(options, "PubkeyAcceptedAlgorithms"), "PubkeyAcceptedAlgorithms",
                "PubkeyAcceptedAlgorithms");
        return algorithms;
    }

    private static void putAlgorithms(Map<String, String> algorithms, String spec, String option, String... keys) {
        if (spec == null) {
            return;
        }
        for (String key : keys) {
            algorithms.put(key, algorithmList(spec, com.jcraft.jsch.JSch.getConfig(key), option));
        }
    }

    /**
     * @param spec an OpenSSH algorithm list: replaces the defaults, or {@code +list} appends, {@code -list} removes
     *     (with {@code *} wildcards), {@code ^list} puts first
     * @param defaults JSch's default list
     * @param option the option, for messages
     * @return the list for JSch
     */
    static String algorithmList(String spec, String defaults, String option) {
        List<String> current = new ArrayList<>(List.of(defaults.split(",")));
        String body = spec.length() > 1 && "+-^".indexOf(spec.charAt(0)) >= 0 ? spec.substring(1) : spec;
        List<String> named = List.of(body.split(","));
        List<String> result;
        switch (spec.charAt(0)) {
            case '+' -> {
                result = current;
                named.stream().filter(name -> !result.contains(name)).forEach(result::add);
            }
            case '-' -> {
                result = current;
                result.removeIf(name -> named.stream().anyMatch(pattern -> name.matches(
                        pattern.replace(".", "\\.").replace("*", ".*").replace("?", "."))));
            }
            case '^' -> {
                result = new ArrayList<>(named);
                current.stream().filter(name -> !result.contains(name)).forEach(result::add);
            }
            default -> result = new ArrayList<>(named);
        }
        if (result.isEmpty() || result.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("option " + option + " '" + spec + "' leaves no algorithm");
        }
        return String.join(",", result);
    }

    static Path expandTilde(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }

    /** Expands {@code ~} and ssh's tokens {@code %d %h %r %u %%} in a file name or HostName. */
    static String expandTokens(String text, String alias, String user, String localUser, Path home) {
        String expanded = expandTilde(text, home).toString();
        if (text.endsWith("/") && !expanded.endsWith("/")) {
            expanded += "/";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < expanded.length(); i++) {
            char c = expanded.charAt(i);
            if (c != '%' || i + 1 >= expanded.length()) {
                out.append(c);
                continue;
            }
            char token = expanded.charAt(++i);
            switch (token) {
                case '%' -> out.append('%');
                case 'd' -> out.append(home);
                case 'h' -> out.append(alias);
                case 'r' -> out.append(user == null ? localUser : user);
                case 'u' -> out.append(localUser);
                default -> throw new IllegalArgumentException("'" + text + "' uses the token %" + token
                        + ", which transport = ssh does not know (it knows %d %h %r %u %%)");
            }
        }
        return out.toString();
    }
}
