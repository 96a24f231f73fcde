package org.barman.transport.ssh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits the files of a copy into {@code parallel_jobs} groups of about the same size, one per stream: largest files
 * first, each to the group that has the fewest bytes so far (the greedy rule, within 4/3 of the best split). Each
 * group is then in path order, so that a stream reads folders one after the other.
 */
final class FileGroups {

    private FileGroups() {
    }

    /**
     * @param <T> what a file is
     * @param files the files to split
     * @param groups how many groups (1 or more)
     * @param size the size of a file
     * @param path the path of a file, for the order within a group
     * @return the groups, as many as asked (some may be empty when there are fewer files)
     */
    static <T> List<List<T>> split(List<T> files, int groups, ToLongFunction<T> size,
            java.util.function.Function<T, String> path) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be 1 or more: " + groups);
        }
        List<List<T>> result = new ArrayList<>(groups);
        long[] bytes = new long[groups];
        for (int i = 0; i < groups; i++) {
            result.add(new ArrayList<>());
        }
        if (groups == 1) {
            result.get(0).addAll(files);
        } else {
            List<T> largestFirst = new ArrayList<>(files);
            largestFirst.sort(Comparator.comparingLong(size).reversed().thenComparing(path));
            for (T file : largestFirst) {
                int lightest = 0;
                for (int i = 1; i < groups; i++) {
                    if (bytes[i] < bytes[lightest]
                            || bytes[i] == bytes[lightest] && result.get(i).size() < result.get(lightest).size()) {
                        lightest = i;
                    }
                }
                result.get(lightest).add(file);
                bytes[lightest] += size.applyAsLong(file);
            }
        }
        for (List<T> group : result) {
            group.sort(Comparator.comparing(path));
        }
        return result;
    }
}
