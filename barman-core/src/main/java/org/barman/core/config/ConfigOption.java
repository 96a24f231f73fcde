package org.barman.core.config;

import java.util.Objects;

/**
 * One option of {@code barman.conf}: its name, scope, type, default and meaning.
 *
 * <p>The table of every option is {@link ConfigOptions}; {@code show-server}, the validation and the
 * {@code barman.conf(5)} reference all read it, so that they cannot disagree.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigOption<T> {

    private final String name;
    private final OptionScope scope;
    private final String defaultValue;
    private final String expected;
    private final String description;
    private final ValueParser<T> parser;
    private final T unsetValue;

    ConfigOption(String name, OptionScope scope, String defaultValue, String expected, String description,
            ValueParser<T> parser, T unsetValue) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.scope = Objects.requireNonNull(scope, "scope is null");
        this.defaultValue = defaultValue;
        this.expected = Objects.requireNonNull(expected, "expected is null");
        this.description = Objects.requireNonNull(description, "description is null");
        this.parser = Objects.requireNonNull(parser, "parser is null");
        this.unsetValue = unsetValue;
    }

    /** @return the option name as written in {@code barman.conf} */
    public String name() {
        return name;
    }

    /** @return where it may be set */
    public OptionScope scope() {
        return scope;
    }

    /**
     * @return the default as text, possibly with {@code %(option)s} references, or null when the option is unset
     *     by default
     */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return what a valid value looks like, for error messages and the reference */
    public String expected() {
        return expected;
    }

    /** @return what the option does */
    public String description() {
        return description;
    }

    /** @return the value of an option that is not set and has no default (may be null) */
    public T unsetValue() {
        return unsetValue;
    }

    /**
     * @param text a non-empty value
     * @return the parsed value
     * @throws IllegalArgumentException when malformed
     */
    public T parse(String text) {
        return parser.parse(text);
    }

    @Override
    public String toString() {
        return name;
    }
}
