package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.barman.api.Exclusions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The translation of a job's exclusions into rsync rules, checked against the real rsync on a real tree: what rsync
 * leaves out must be what the local transport's {@link Exclusions} leaves out with the same patterns.
 */
class RsyncFiltersTest {

    @TempDir
    Path root;

    @Test
    void eachPatternIsOneFilterRuleInOrder() {
        assertThat(RsyncFilters.arguments(List.of("/postmaster.pid", "/pg_wal/*", "pgsql_tmp*")))
                .containsExactly("--filter=- /postmaster.pid", "--filter=- /pg_wal/*", "--filter=- pgsql_tmp*");
    }

    @Test
    void escapesOfAPatternWithoutWildcardAreResolved() {
        assertThat(RsyncFilters.translate("a\\b")).isEqualTo("ab");
        assertThat(RsyncFilters.translate("c\\*")).isEqualTo("c\\*");
        assertThat(RsyncFilters.translate("/x\\[y")).isEqualTo("/x\\[y");
        assertThat(RsyncFilters.translate("/x\\y\\ z")).isEqualTo("/xy z");
        assertThat(RsyncFilters.translate("+ plus")).isEqualTo("+ plus");
    }

    @Test
    void blankPatternsAndLineBreaksAreRefused() {
        assertThatThrownBy(() -> RsyncFilters.translate(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RsyncFilters.translate("a\nb")).hasMessageContaining("line break");
        assertThatThrownBy(() -> RsyncFilters.translate("/")).hasMessageContaining("names no file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/postmaster.pid", "/pg_wal/*", "pgsql_tmp*", "/pg_stat_tmp/*", "/global/pg_control",
            "*.opts", "empty/deeper/", "run?me.sh", "pg_notify/", "base/5", "/base/*/pgsql_tmp*", "[ab]*",
            "[!p]*.conf", "**/16384", "/base/**", "pg_wal/***", "a\\b", "c\\*", "+ plus", "!", " lead",
            "deeper", "/empty/deeper/deepest/", "**.opts", "x\\[y"})
    void rsyncLeavesOutWhatTheLocalTransportLeavesOut(String pattern) throws IOException, InterruptedException {
        Path tree = sampleTree();
        Set<String> byRsync = rsyncListing(tree, List.of(pattern));
        Set<String> byExclusions = walk(tree, Exclusions.of(List.of(pattern)));

        assertThat(byRsync).as("rsync's listing with --filter='- %s'", pattern).isEqualTo(byExclusions);
        assertThat(byRsync).as("the pattern %s excludes something of the sample", pattern)
                .isNotEqualTo(walk(tree, Exclusions.NONE));
    }

    private Path sampleTree() throws IOException {
        Path tree = root.resolve("pgdata");
        for (String folder : List.of("global", "base/1", "base/5/pgsql_tmp", "base/pgsql_tmp_other",
                "pg_wal/archive_status",
                "pg_notify", "pg_stat_tmp", "empty/deeper/deepest", "other/pg_notify", "other/base/5")) {
            Files.createDirectories(tree.resolve(folder));
        }
        for (String file : List.of("PG_VERSION", "postgresql.conf", "pg_hba.conf", "postmaster.pid", "postmaster.opts",
                "run me.sh", "global/pg_control", "global/pg_notify", "base/1/1259", "base/1/1259.opts", "base/5/16384",
                "base/5/postmaster.pid", "base/5/pgsql_tmp/pgsql_tmp1.0", "pg_wal/000000010000000000000001",
                "pg_wal/archive_status/000000010000000000000001.done", "pg_stat_tmp/x", "a\\b", "ab", "c*", "cx",
                "+ plus", "!", " lead", "other/deeper", "other/base/5/1", "bz", "apple", "x.conf", "x[y")) {
            Files.writeString(tree.resolve(file), file);
        }
        return tree;
    }

    private static Set<String> rsyncListing(Path tree, List<String> patterns) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rsync", "--list-only", "-r", "--no-h", "-8"));
        command.addAll(RsyncFilters.arguments(patterns));
        command.add(tree + "/");
        Process rsync = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = rsync.getInputStream().readAllBytes();
        assertThat(rsync.waitFor()).as(new String(output)).isZero();
        Set<String> names = new TreeSet<>();
        LineSplitter lines = new LineSplitter(line -> {
            RsyncListing.Entry entry = RsyncListing.parse(line);
            if (entry != null) {
                names.add(entry.text());
            }
        });
        lines.write(output, 0, output.length);
        lines.close();
        return names;
    }

    private static Set<String> walk(Path tree, Exclusions exclusions) throws IOException {
        Set<String> names = new TreeSet<>();
        walk(tree, "", exclusions, names);
        return names;
    }

    private static void walk(Path folder, String relative, Exclusions exclusions, Set<String> names)
            throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = relative.isEmpty() ? entry.getFileName().toString()
                        : relative + "/" + entry.getFileName();
                boolean directory = Files.isDirectory(entry);
                if (exclusions.excludes(name, directory)) {
                    continue;
                }
                names.add(name);
                if (directory) {
                    walk(entry, name, exclusions, names);
                }
            }
        }
    }
}
