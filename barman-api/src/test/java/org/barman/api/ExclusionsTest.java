package org.barman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ExclusionsTest {

    private static boolean file(String pattern, String path) {
        return Exclusions.of(List.of(pattern)).excludes(path, false);
    }

    private static boolean folder(String pattern, String path) {
        return Exclusions.of(List.of(pattern)).excludes(path, true);
    }

    @Test
    void aLeadingSlashAnchorsAtTheRoot() {
        assertThat(file("/postmaster.pid", "postmaster.pid")).isTrue();
        assertThat(file("/postmaster.pid", "base/5/postmaster.pid")).isFalse();
        assertThat(file("/pg_wal/*", "pg_wal/000000010000000000000001")).isTrue();
        assertThat(folder("/pg_wal/*", "pg_wal")).isFalse();
        assertThat(folder("/pg_wal/*", "pg_wal/archive_status")).isTrue();
    }

    @Test
    void withoutSlashAPatternMatchesANameAtAnyDepth() {
        assertThat(folder("pgsql_tmp*", "base/5/pgsql_tmp")).isTrue();
        assertThat(folder("pgsql_tmp*", "base/pgsql_tmp_other")).isTrue();
        assertThat(file("pgsql_tmp*", "base/5/not_pgsql_tmp")).isFalse();
        assertThat(file("sub/foo", "a/sub/foo")).isTrue();
        assertThat(file("sub/foo", "a/xsub/foo")).isFalse();
    }

    @Test
    void wildcardsAndSets() {
        assertThat(file("*.opts", "base/1/1259.opts")).isTrue();
        assertThat(file("/*.opts", "base/1/1259.opts")).as("* does not cross /").isFalse();
        assertThat(file("/**.opts", "base/1/1259.opts")).as("** crosses /").isTrue();
        assertThat(file("run?me.sh", "run me.sh")).isTrue();
        assertThat(file("run?me.sh", "run/me.sh")).isFalse();
        assertThat(file("f[0-9]", "f7")).isTrue();
        assertThat(file("f[!0-9]", "f7")).isFalse();
        assertThat(file("f[!0-9]", "fx")).isTrue();
        assertThat(file("f\\*", "f*")).isTrue();
        assertThat(file("f\\*", "fx")).isFalse();
    }

    @Test
    void aTrailingSlashMatchesFoldersOnlyAndTripleStarTheFolderAndItsContent() {
        assertThat(folder("pg_notify/", "pg_notify")).isTrue();
        assertThat(file("pg_notify/", "global/pg_notify")).isFalse();
        assertThat(folder("/empty/***", "empty")).isTrue();
        assertThat(file("/empty/***", "empty/deeper/file")).isTrue();
        assertThat(file("/empty/***", "emptyish")).isFalse();
    }

    @Test
    void anyPatternOfTheListExcludes() {
        Exclusions exclusions = Exclusions.of(List.of("/a", "b"));
        assertThat(exclusions.excludes("a", false)).isTrue();
        assertThat(exclusions.excludes("x/b", false)).isTrue();
        assertThat(exclusions.excludes("x/a", false)).isFalse();
        assertThat(exclusions.isEmpty()).isFalse();
        assertThat(Exclusions.NONE.isEmpty()).isTrue();
        assertThat(Exclusions.NONE.excludes("anything", true)).isFalse();
    }

    @Test
    void blankPatternsAreRefused() {
        assertThatThrownBy(() -> Exclusions.of(List.of(" "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Exclusions.of(List.of("/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/'");
    }
}
