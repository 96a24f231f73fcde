package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FileGroupsTest {

    private static List<RsyncListing.Entry> entries(List<Long> sizes) {
        List<RsyncListing.Entry> entries = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            entries.add(new RsyncListing.Entry(RsyncListing.Kind.FILE, ("f" + i).getBytes(StandardCharsets.UTF_8),
                    sizes.get(i)));
        }
        return entries;
    }

    @Test
    void largestFilesFirstEachToTheLightestGroup() {
        List<FileGroups.Group> groups = FileGroups.split(entries(List.of(1L, 7L, 5L, 4L, 3L, 2L)), 2);

        assertThat(groups).extracting(FileGroups.Group::bytes).containsExactly(11L, 11L);
        assertThat(groups.get(0).entries()).extracting(RsyncListing.Entry::text).containsExactly("f1", "f4", "f0");
        assertThat(groups.get(1).entries()).extracting(RsyncListing.Entry::text).containsExactly("f2", "f3", "f5");
        assertThat(new String(groups.get(0).filesFrom(), StandardCharsets.UTF_8)).isEqualTo("f1\0f4\0f0\0");
    }

    @Test
    void fewerFilesThanJobsGiveFewerGroups() {
        assertThat(FileGroups.split(entries(List.of(3L, 3L)), 4)).hasSize(2);
        assertThat(FileGroups.split(List.of(), 4)).isEmpty();
    }

    @Test
    void everyFileIsInOneGroupAndTheGroupsDifferByLessThanTheLargestFile() {
        qt().forAll(lists().of(longs().between(0, 1L << 30)).ofSizeBetween(0, 200), integers().between(1, 8))
                .check((sizes, count) -> {
                    List<FileGroups.Group> groups = FileGroups.split(entries(sizes), count);
                    Set<String> seen = new HashSet<>();
                    long total = 0;
                    for (FileGroups.Group group : groups) {
                        for (RsyncListing.Entry entry : group.entries()) {
                            if (!seen.add(entry.text())) {
                                return false;
                            }
                        }
                        total += group.bytes();
                    }
                    long largest = sizes.stream().mapToLong(Long::longValue).max().orElse(0);
                    long heaviest = groups.isEmpty() ? 0 : groups.get(0).bytes();
                    long lightest = groups.size() < count ? 0 : groups.get(groups.size() - 1).bytes();
                    return seen.size() == sizes.size() && groups.size() <= count
                            && total == sizes.stream().mapToLong(Long::longValue).sum()
                            && heaviest - lightest <= largest;
                });
    }
}
