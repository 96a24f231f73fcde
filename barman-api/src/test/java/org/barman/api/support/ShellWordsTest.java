package org.barman.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellWordsTest {

    @TempDir
    Path folder;

    @Test
    void splitsLikeAShell() {
        assertThat(ShellWords.split("ssh  -i '/a b' -o \"X=1 2\" a\\ b \"q\\\"uote\" 'it'\\''s'"))
                .containsExactly("ssh", "-i", "/a b", "-o", "X=1 2", "a b", "q\"uote", "it's");
        assertThat(ShellWords.split("  ")).isEmpty();
        assertThat(ShellWords.split("a ''")).containsExactly("a", "");
    }

    @Test
    void refusesWhatOnlyAShellUnderstands() {
        assertThatThrownBy(() -> ShellWords.split("a; b")).hasMessageContaining("';' at character 2");
        assertThatThrownBy(() -> ShellWords.split("a \"$X\"")).hasMessageContaining("expansion");
        assertThatThrownBy(() -> ShellWords.split("a `b`")).hasMessageContaining("'`'");
        assertThatThrownBy(() -> ShellWords.split("a \\")).hasMessageContaining("lone backslash");
    }

    @Test
    void quotedWordsSplitBackToThemselves() {
        qt().forAll(lists().of(strings().allPossible().ofLengthBetween(0, 12)).ofSizeBetween(1, 6))
                .assuming(words -> words.stream().noneMatch(word -> word.indexOf('\0') >= 0))
                .check(words -> ShellWords.split(ShellWords.join(words)).equals(words));
    }

    /** The real sh sees the words that were quoted. */
    @Test
    void shReadsQuotedWordsBack() throws Exception {
        List<String> words = List.of("plain", "with space", "it's", "\"double\"", "$HOME", "`x`", "a\\b", "", "*");
        Process sh = new ProcessBuilder("sh", "-c", "for w in " + ShellWords.join(words)
                + "; do printf '%s\\n' \"$w\"; done")
                .redirectErrorStream(true).start();
        String printed = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(printed.split("\n", -1)).containsExactly(append(words, ""));
    }

    private static String[] append(List<String> words, String last) {
        List<String> all = new ArrayList<>(words);
        all.add(last);
        return all.toArray(String[]::new);
    }
}
