package org.barman.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.barman.api.BarmanException;

/**
 * An INI file read with the rules of Python's {@code ConfigParser}, which Barman uses: {@code [section]}
 * headers, {@code key = value} or {@code key: value}, {@code #} and {@code ;} comment lines, indented
 * continuation lines, keys folded to lower case, and one pair of surrounding quotes taken off a value.
 *
 * <p>It keeps where each value came from, so that errors can name the file, the section and the line.
 */
public final class IniFile {

    /**
     * One value and where it was read.
     *
     * @param value the text after {@code =}, trimmed and unquoted
     * @param file the file it came from
     * @param line its line number
     */
    public record Entry(String value, Path file, int line) {
    }

    private final Path path;
    private final Map<String, Map<String, Entry>> sections;

    private IniFile(Path path, Map<String, Map<String, Entry>> sections) {
        this.path = path;
        this.sections = sections;
    }

    /**
     * @param path the file to read
     * @return its sections
     * @throws BarmanException when it cannot be read or is malformed, naming the file and line
     */
    public static IniFile read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BarmanException("cannot read configuration file " + path + ": " + describe(e), e);
        }
        return parse(path, lines);
    }

    static IniFile parse(Path path, List<String> lines) {
        Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();
        Map<String, Entry> current = null;
        String currentSection = null;
        String lastKey = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String raw = lines.get(i);
            String line = raw.strip();
            if (line.isEmpty()) {
                lastKey = null;
                continue;
            }
            if (line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            if (indented && lastKey != null && current != null) {
                Entry previous = current.get(lastKey);
                current.put(lastKey, new Entry(unquote(previous.value() + "\n" + line), path, previous.line()));
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw error(path, lineNumber, "malformed section header '" + line + "'");
                }
                currentSection = line.substring(1, line.length() - 1).strip();
                if (sections.containsKey(currentSection)) {
                    throw error(path, lineNumber, "section [" + currentSection + "] appears twice");
                }
                current = new LinkedHashMap<>();
                sections.put(currentSection, current);
                lastKey = null;
                continue;
            }
            int separator = separatorIndex(line);
            if (separator <= 0) {
                throw error(path, lineNumber, "expected 'option = value' or a [section] header, found '" + line + "'");
            }
            if (current == null) {
                throw error(path, lineNumber, "option '" + line.substring(0, separator).strip()
                        + "' appears before any [section] header");
            }
            String key = line.substring(0, separator).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(separator + 1).strip();
            if (current.containsKey(key)) {
                throw error(path, lineNumber, "option '" + key + "' appears twice in section [" + currentSection
                        + "] (first on line " + current.get(key).line() + ")");
            }
            current.put(key, new Entry(unquote(value), path, lineNumber));
            lastKey = key;
        }
        Map<String, Map<String, Entry>> frozen = new LinkedHashMap<>();
        sections.forEach((name, entries) -> frozen.put(name, Collections.unmodifiableMap(entries)));
        return new IniFile(path, Collections.unmodifiableMap(frozen));
    }

    private static int separatorIndex(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0) {
            return colon;
        }
        return colon < 0 ? equals : Math.min(equals, colon);
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if ((first == '"' || first == '\'') && first == last) {
                return value.substring(1, value.length() - 1);
            }
        }
        return value;
    }

    private static BarmanException error(Path path, int line, String message) {
        return new BarmanException(path + ", line " + line + ": " + message);
    }

    static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? type : e.getMessage();
        };
    }

    /** @return the file read */
    public Path path() {
        return path;
    }

    /** @return section name to its entries, in file order */
    public Map<String, Map<String, Entry>> sections() {
        return sections;
    }

    /** @return the section names in file order */
    public List<String> sectionNames() {
        return new ArrayList<>(sections.keySet());
    }
}
