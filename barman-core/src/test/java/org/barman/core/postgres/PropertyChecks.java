package org.barman.core.postgres;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.quicktheories.core.Gen;

/**
 * The few property-check helpers these tests need, so that QuickTheories stays in one place and could be
 * swapped. Failing checks report the smallest failing input.
 */
final class PropertyChecks {

    /** Characters that matter to conninfo syntax, mixed with anything else, for denser tricky cases. */
    private static final List<String> TRICKY = List.of("a", "Z", "0", " ", "\t", "\n", "'", "\\", "=", "@", ":",
            "/", "?", "&", ",", "%", "[", "]", "é", "€", "\uD83D\uDE00", "+", "#");

    private static final Gen<String> TEXT = lists().of(arbitrary().pick(TRICKY)).ofSizeBetween(0, 24)
            .map(parts -> String.join("", parts))
            .mix(strings().allPossible().ofLengthBetween(0, 24))
            .assuming(text -> text.indexOf('\0') < 0);

    private PropertyChecks() {
    }

    /** Checks a property of text without NUL characters (possibly empty, possibly with lone surrogates). */
    static void forAllText(Consumer<String> property) {
        qt().forAll(TEXT).checkAssert(property);
    }

    /** Checks a property of well-formed Unicode text without NUL characters. */
    static void forAllWellFormedText(Consumer<String> property) {
        qt().forAll(TEXT.assuming(PropertyChecks::wellFormed)).checkAssert(property);
    }

    /** Checks a property of two texts, each like {@link #forAllText}. */
    static void forAllTextPairs(BiConsumer<String, String> property) {
        qt().forAll(TEXT, TEXT).checkAssert(property);
    }

    /** Checks a property of a keyword picked from the list and a text. */
    static void forAllKeywordsAndText(List<String> keywords, BiConsumer<String, String> property) {
        qt().forAll(arbitrary().pick(keywords), TEXT).checkAssert(property);
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
