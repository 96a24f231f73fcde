package org.barman.api;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration a plug-in is created with: the effective options of one server, by their
 * {@code barman.conf} names, and where they were read from for error messages.
 *
 * <p>A plug-in reads the options it knows and ignores the rest. Errors it raises name the place with
 * {@link #invalid(String, String)}.
 *
 * @param origin where the options come from, for messages, such as {@code /etc/barman.conf [main]}
 * @param values option name to value; empty values are absent
 */
public record PluginOptions(String origin, Map<String, String> values) {

    /**
     * Copies the map, drops empty values.
     *
     * @param origin where the options come from, for messages, such as {@code /etc/barman.conf [main]}
     * @param values option name to value; empty values are absent
     */
    public PluginOptions {
        if (origin == null) {
            throw new IllegalArgumentException("origin is null");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                copy.put(key, value);
            }
        });
        values = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * @param values option name to value
     * @return options whose origin is "built-in defaults", for tests and embedding
     */
    public static PluginOptions of(Map<String, String> values) {
        return new PluginOptions("built-in defaults", values);
    }

    /**
     * @param name an option name
     * @return its value, if set and not empty
     */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * @param name an option name
     * @return its value
     * @throws BarmanException when it is not set
     */
    public String require(String name) {
        return get(name).orElseThrow(() -> new BarmanException(origin + ": option " + name + " is required"));
    }

    /**
     * @param name an option name
     * @param defaultValue the value when it is not set
     * @return the option as an integer
     * @throws BarmanException when it is set but not an integer
     */
    public int integer(String name, int defaultValue) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "an integer");
        }
    }

    /**
     * @param name the option at fault
     * @param expected what a valid value looks like
     * @return an error naming the place, the option, its value and what was expected
     */
    public BarmanException invalid(String name, String expected) {
        return new BarmanException(origin + ": invalid value '" + values.get(name) + "' for option " + name
                + ": expected " + expected);
    }

    /**
     * @param overrides options to set on top of these (an empty value removes the option)
     * @return a copy with the overrides applied
     */
    public PluginOptions with(Map<String, String> overrides) {
        TreeMap<String, String> merged = new TreeMap<>(values);
        overrides.forEach((key, value) -> {
            if (value == null || value.isEmpty()) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return new PluginOptions(origin, merged);
    }
}
