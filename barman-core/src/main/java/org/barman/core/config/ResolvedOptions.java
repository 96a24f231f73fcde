package org.barman.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effective options of one section once defaults, inheritance from {@code [barman]} and
 * {@code %(option)s} references are applied: typed values and their text.
 */
abstract class ResolvedOptions {

    private final String origin;
    private final Map<ConfigOption<?>, Object> values;
    private final Map<String, String> texts;
    private final Map<String, String> origins;

    ResolvedOptions(String origin, Map<ConfigOption<?>, Object> values, Map<String, String> texts,
            Map<String, String> origins) {
        this.origin = origin;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts));
        this.origins = Map.copyOf(origins);
    }

    /** @return where these options were read, for messages, such as {@code /etc/barman.conf [main]} */
    public String origin() {
        return origin;
    }

    /**
     * @param option an option
     * @return where its effective value was set, such as {@code /etc/barman.conf [barman]}, or this section's
     *     origin followed by {@code (default)}
     */
    public String originOf(ConfigOption<?> option) {
        return origins.getOrDefault(option.name(), origin + " (default)");
    }

    /**
     * @param option an option
     * @param <T> its type
     * @return its effective value, or the option's unset value
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        if (values.containsKey(option)) {
            return (T) values.get(option);
        }
        return option.unsetValue();
    }

    /**
     * @param option an option
     * @return whether it has a value (set or by default)
     */
    public boolean isSet(ConfigOption<?> option) {
        return values.containsKey(option);
    }

    /** @return every effective option as text, by name, in table order; unset options are absent */
    public Map<String, String> texts() {
        return texts;
    }

    /**
     * @return every effective option as text, like {@link #texts()}, with passwords masked by
     *     {@link Secrets#maskOption}: what may be printed or logged
     */
    public Map<String, String> maskedTexts() {
        Map<String, String> masked = new LinkedHashMap<>();
        texts.forEach((name, text) -> masked.put(name, Secrets.maskOption(name, text)));
        return Collections.unmodifiableMap(masked);
    }
}
