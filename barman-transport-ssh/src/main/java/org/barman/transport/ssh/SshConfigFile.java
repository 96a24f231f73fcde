package org.barman.transport.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Host} blocks of an OpenSSH client configuration file ({@code ~/.ssh/config}), so that a host alias or
 * a port, key or user set there for the PostgreSQL host means the same to this transport as to ssh (and rsync).
 *
 * <p>Only the options of {@link SshCommandLine#SUPPORTED} are read; {@code ProxyCommand} and {@code ProxyJump} for
 * the host are refused, other options ignored. {@code Match} blocks and {@code Include} are not followed (a warning
 * says so): put what Barman needs in {@code ssh_command}, or in a {@code Host} block.
 */
final class SshConfigFile {

    private static final Logger LOG = LoggerFactory.getLogger(SshConfigFile.class);

    private record Block(List<String> patterns, List<String[]> options, int line) {
    }

    private final Path file;
    private final List<Block> blocks;

    private SshConfigFile(Path file, List<Block> blocks) {
        this.file = file;
        this.blocks = blocks;
    }

    /**
     * @param file an ssh client configuration file
     * @return its blocks
     * @throws IOException when it cannot be read
     */
    static SshConfigFile read(Path file) throws IOException {
        List<Block> blocks = new ArrayList<>();
        Block current = new Block(List.of("*"), new ArrayList<>(), 0);
        blocks.add(current);
        boolean skipping = false;
        int number = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] keyValue = splitOption(line);
            String key = keyValue[0].toLowerCase(Locale.ROOT);
            if (key.equals("host")) {
                current = new Block(List.of(keyValue[1].split("[\\s,]+")), new ArrayList<>(), number);
                blocks.add(current);
                skipping = false;
            } else if (key.equals("match")) {
                LOG.warn("{} line {}: Match blocks are not evaluated by transport = ssh; their options are ignored",
                        file, number);
                skipping = true;
            } else if (key.equals("include")) {
                LOG.warn("{} line {}: Include is not followed by transport = ssh", file, number);
            } else if (!skipping) {
                current.options().add(keyValue);
            }
        }
        return new SshConfigFile(file, blocks);
    }

    private static String[] splitOption(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '=' && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        String value = line.substring(end).strip();
        if (value.startsWith("=")) {
            value = value.substring(1).strip();
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return new String[] {line.substring(0, end), value};
    }

    /**
     * @param host the host as written in {@code ssh_command}
     * @return the supported options that apply to it, by canonical name, values in file order
     * @throws IllegalArgumentException when the file sets a proxy or jump host for it
     */
    Map<String, List<String>> optionsFor(String host) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (Block block : blocks) {
            if (!matches(block.patterns(), host)) {
                continue;
            }
            for (String[] option : block.options()) {
                String name = option[0];
                if ((name.equalsIgnoreCase("ProxyCommand") || name.equalsIgnoreCase("ProxyJump"))
                        && !option[1].equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException(file + " sets " + name + " for host " + host
                            + " (Host block of line " + block.line() + "): transport = ssh cannot go through a proxy "
                            + "or jump host; use transport = rsync, which runs ssh itself");
                }
                String canonical = SshCommandLine.canonical(name);
                if (canonical != null && SshCommandLine.SUPPORTED.contains(canonical)) {
                    options.computeIfAbsent(canonical, key -> new ArrayList<>()).add(option[1]);
                }
            }
        }
        return options;
    }

    private static boolean matches(List<String> patterns, String host) {
        boolean matched = false;
        for (String pattern : patterns) {
            if (pattern.isEmpty()) {
                continue;
            }
            boolean negated = pattern.startsWith("!");
            String glob = negated ? pattern.substring(1) : pattern;
            if (glob(glob).matcher(host).matches()) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
