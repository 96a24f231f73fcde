package org.barman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ExclusionsTest {

    /** Relative paths of one to four names over a small alphabet, so that names often repeat. */
    private static final Gen<List<String>> PATHS = lists()
            .of(strings().betweenCodePoints('a', 'c').ofLengthBetween(1, 2)).ofSizeBetween(1, 4);

    private static boolean excludes(String pattern, String path, boolean directory) {
        return Exclusions.of(List.of(pattern)).excludes(path, directory);
    }

    private static String last(List<String> names) {
        return names.get(names.size() - 1);
    }

    @Test
    void theBackupExclusionsOfBarmanMatchAsInRsync() {
        assertThat(excludes("/postmaster.pid", "postmaster.pid", false)).isTrue();
        assertThat(excludes("/postmaster.pid", "base/5/postmaster.pid", false)).isFalse();
        assertThat(excludes("/pg_wal/*", "pg_wal", true)).as("the folder itself stays").isFalse();
        assertThat(excludes("/pg_wal/*", "pg_wal/000000010000000000000001", false)).isTrue();
        assertThat(excludes("/pg_wal/*", "pg_wal/archive_status", true)).isTrue();
        assertThat(excludes("/pg_wal/*", "other/pg_wal/x", false)).isFalse();
        assertThat(excludes("pgsql_tmp*", "base/5/pgsql_tmp", true)).isTrue();
        assertThat(excludes("pgsql_tmp*", "pgsql_tmp4242.0", false)).isTrue();
        assertThat(excludes("pgsql_tmp*", "base/not_pgsql_tmp", false)).isFalse();
        assertThat(excludes("/global/pg_control", "global/pg_control", false)).isTrue();
        assertThat(excludes("/global/pg_control", "global/pg_control.old", false)).isFalse();
    }

    @Test
    void anUnanchoredPatternWithASlashMatchesTheEndOfAPathAtANameBoundary() {
        assertThat(excludes("sub/foo", "sub/foo", false)).isTrue();
        assertThat(excludes("sub/foo", "a/b/sub/foo", false)).isTrue();
        assertThat(excludes("sub/foo", "a/xsub/foo", false)).isFalse();
        assertThat(excludes("sub/foo", "sub/foo/bar", false)).isFalse();
        assertThat(excludes("*.opts", "a/b/postmaster.opts", false)).isTrue();
    }

    @Test
    void wildcardsFollowRsync() {
        assertThat(excludes("run?me", "run me", false)).isTrue();
        assertThat(excludes("/run?me", "run/me", false)).as("? never matches /").isFalse();
        assertThat(excludes("/a/*", "a/b/c", false)).as("* never matches /").isFalse();
        assertThat(excludes("/a/**", "a/b/c", false)).isTrue();
        assertThat(excludes("/a/**", "a", true)).isFalse();
        assertThat(excludes("/a/***", "a", true)).isTrue();
        assertThat(excludes("/a/***", "a/b/c", false)).isTrue();
        assertThat(excludes("/a/***", "ab", false)).isFalse();
        assertThat(excludes("[abc]x", "bx", false)).isTrue();
        assertThat(excludes("[a-c]x", "cx", false)).isTrue();
        assertThat(excludes("[a-c]x", "dx", false)).isFalse();
        assertThat(excludes("[!abc]x", "dx", false)).isTrue();
        assertThat(excludes("[!abc]x", "ax", false)).isFalse();
        assertThat(excludes("[^abc]x", "ax", false)).isFalse();
        assertThat(excludes("/x[!a]y", "x/y", false)).as("a negated set never matches /").isFalse();
        assertThat(excludes("[]]x", "]x", false)).isTrue();
        assertThat(excludes("[-a]", "-", false)).isTrue();
        assertThat(excludes("[unclosed", "[unclosed", false)).isTrue();
        assertThat(excludes("\\*lit", "*lit", false)).isTrue();
        assertThat(excludes("\\*lit", "xlit", false)).isFalse();
    }

    @Test
    void otherCharactersAreLiteral() {
        assertThat(excludes("a.b", "a.b", false)).isTrue();
        assertThat(excludes("a.b", "axb", false)).isFalse();
        assertThat(excludes("(x)+|y$", "(x)+|y$", false)).isTrue();
        assertThat(excludes("(x)+|y$", "y", false)).isFalse();
        assertThat(excludes("name with spaces", "d/name with spaces", false)).isTrue();
    }

    @Test
    void aTrailingSlashMatchesFoldersOnly() {
        assertThat(excludes("pg_notify/", "pg_notify", true)).isTrue();
        assertThat(excludes("pg_notify/", "global/pg_notify", false)).isFalse();
        assertThat(excludes("/pg_notify/", "pg_notify", true)).isTrue();
        assertThat(excludes("/pg_notify/", "x/pg_notify", true)).isFalse();
    }

    @Test
    void severalPatternsExcludeWhatAnyOfThemMatches() {
        Exclusions exclusions = Exclusions.of(List.of("/postmaster.pid", "pgsql_tmp*"));

        assertThat(exclusions.excludes("postmaster.pid", false)).isTrue();
        assertThat(exclusions.excludes("base/pgsql_tmp", true)).isTrue();
        assertThat(exclusions.excludes("base/1/1259", false)).isFalse();
        assertThat(Exclusions.NONE.excludes("anything", false)).isFalse();
        assertThat(Exclusions.NONE.isEmpty()).isTrue();
        assertThat(exclusions).hasToString("[/postmaster.pid, pgsql_tmp*]");
    }

    @Test
    void doubleStarCrossesFolders() {
        assertThat(excludes("/**.opts", "base/1/1259.opts", false)).isTrue();
        assertThat(excludes("/*.opts", "base/1/1259.opts", false)).isFalse();
    }

    @Test
    void aPatternThatNamesNothingIsRefused() {
        assertThatThrownBy(() -> Exclusions.of(List.of(" "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Exclusions.of(List.of("/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/'");
    }

    @Test
    void anAnchoredLiteralMatchesExactlyItsPath() {
        qt().forAll(PATHS, PATHS, booleans().all()).check((pattern, path, directory) -> {
            boolean excluded = excludes("/" + String.join("/", pattern), String.join("/", path), directory);
            return excluded == pattern.equals(path);
        });
    }

    @Test
    void anUnanchoredNameMatchesThatNameAtAnyDepth() {
        qt().forAll(PATHS, PATHS).check((pattern, path) ->
                excludes(last(pattern), String.join("/", path), false) == last(pattern).equals(last(path)));
    }

    @Test
    void folderStarMatchesTheFolderContentButNotTheFolderNorDeeper() {
        qt().forAll(PATHS, PATHS).check((folder, path) -> {
            boolean excluded = excludes("/" + String.join("/", folder) + "/*", String.join("/", path), false);
            boolean child = path.size() == folder.size() + 1 && path.subList(0, folder.size()).equals(folder);
            return excluded == child;
        });
    }

    @Test
    void aFolderOnlyPatternNeverMatchesAFile() {
        qt().forAll(PATHS, PATHS).check((pattern, path) ->
                !excludes(String.join("/", pattern) + "/", String.join("/", path), false)
                        && excludes(String.join("/", path) + "/", String.join("/", path), true));
    }
}
