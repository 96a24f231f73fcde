package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

class FileGroupsTest {

    private record File(String path, long size) {
    }

    private static List<File> files(List<Long> sizes) {
        List<File> files = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            files.add(new File(String.format("f%04d", i), sizes.get(i)));
        }
        return files;
    }

    private static long bytes(List<File> group) {
        return group.stream().mapToLong(File::size).sum();
    }

    @Test
    void everyFileGoesToExactlyOneGroupAndTheGroupsAreBalanced() {
        qt().forAll(lists().of(longs().between(0, 1L << 30)).ofSizeBetween(0, 200), integers().between(1, 8))
                .checkAssert((sizes, count) -> {
                    List<File> files = files(sizes);
                    List<List<File>> groups = FileGroups.split(files, count, File::size, File::path);

                    assertThat(groups).hasSize(count);
                    assertThat(groups.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(files);
                    long largest = files.stream().mapToLong(File::size).max().orElse(0);
                    long heaviest = groups.stream().mapToLong(FileGroupsTest::bytes).max().orElseThrow();
                    long lightest = groups.stream().mapToLong(FileGroupsTest::bytes).min().orElseThrow();
                    assertThat(heaviest - lightest).as("greedy largest-first: groups differ by at most one file")
                            .isLessThanOrEqualTo(largest);
                    for (List<File> group : groups) {
                        assertThat(group).isSortedAccordingTo(Comparator.comparing(File::path));
                    }
                });
    }

    @Test
    void twoLargeFilesGoToTwoStreams() {
        List<File> files = List.of(new File("base/1/big.1", 1000), new File("base/1/big", 1000),
                new File("PG_VERSION", 3), new File("global/pg_control", 8));

        List<List<File>> groups = FileGroups.split(files, 2, File::size, File::path);

        assertThat(groups.get(0)).extracting(File::path).contains("base/1/big");
        assertThat(groups.get(1)).extracting(File::path).contains("base/1/big.1");
        assertThat(bytes(groups.get(0)) + bytes(groups.get(1))).isEqualTo(2011);
    }
}
