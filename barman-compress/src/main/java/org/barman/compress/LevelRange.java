package org.barman.compress;

import java.util.Locale;
import java.util.Optional;

import org.barman.api.PluginOptions;

/**
 * The {@code compression_level} values one algorithm accepts: an integer in its own range, or Barman 3's words
 * {@code low}, {@code medium} and {@code high}. {@code medium} is also the default, chosen for WAL archiving, where
 * speed matters more than the last percent of ratio.
 *
 * @param algorithm the compressor name, for messages
 * @param min the lowest integer level
 * @param max the highest integer level
 * @param low the level {@code low} stands for
 * @param medium the level {@code medium} stands for, and the default
 * @param high the level {@code high} stands for
 */
record LevelRange(String algorithm, int min, int max, int low, int medium, int high) {

    /** The option this range validates. */
    static final String OPTION = "compression_level";

    LevelRange {
        if (min > max || low < min || medium < min || high < min || low > max || medium > max || high > max) {
            throw new IllegalArgumentException("inconsistent level range for " + algorithm);
        }
    }

    /**
     * @param options the server's options
     * @return the level to compress with
     * @throws org.barman.api.BarmanException naming the option and the accepted values when it is invalid
     */
    int resolve(PluginOptions options) {
        Optional<String> value = options.get(OPTION);
        if (value.isEmpty()) {
            return medium;
        }
        String text = value.get().trim().toLowerCase(Locale.ROOT);
        switch (text) {
            case "low":
                return low;
            case "medium":
                return medium;
            case "high":
                return high;
            default:
                break;
        }
        try {
            int level = Integer.parseInt(text);
            if (level >= min && level <= max) {
                return level;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted values
        }
        throw options.invalid(OPTION, "an integer from " + min + " to " + max + " for " + algorithm
                + ", or low (" + low + "), medium (" + medium + ", the default) or high (" + high + ")");
    }
}
