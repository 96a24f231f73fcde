package org.barman.core.config;

/**
 * Turns the text of an option into a typed value.
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface ValueParser<T> {

    /**
     * @param text the value, trimmed, never empty
     * @return the typed value
     * @throws IllegalArgumentException when the text is malformed; the message may add detail to the
     *     option's expected syntax
     */
    T parse(String text);
}
