package org.barman.transport.rsync;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Shares the files of a tree among {@code parallel_jobs} rsync processes so that they finish together: largest
 * file first, each to the group with the fewest bytes so far (the "longest processing time" rule, within 4/3 of
 * the best possible sharing). Links weigh nothing and follow the same rule.
 */
final class FileGroups {

    private FileGroups() {
    }

    /** One group's share: its entries and their bytes. */
    record Group(List<RsyncListing.Entry> entries, long bytes) {

        /** @return the names, each followed by a NUL byte: rsync's {@code --files-from=- --from0} input */
        byte[] filesFrom() {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            for (RsyncListing.Entry entry : entries) {
                list.writeBytes(entry.name());
                list.write(0);
            }
            return list.toByteArray();
        }
    }

    /**
     * @param entries the files and links to share (folders are not shared out)
     * @param count how many groups (1 or more)
     * @return the groups that got something, the heaviest first
     */
    static List<Group> split(List<RsyncListing.Entry> entries, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one group is needed: " + count);
        }
        List<RsyncListing.Entry> largestFirst = new ArrayList<>(entries);
        largestFirst.sort(Comparator.comparingLong(RsyncListing.Entry::size).reversed());
        List<List<RsyncListing.Entry>> members = new ArrayList<>();
        long[] sizes = new long[count];
        PriorityQueue<Integer> lightest = new PriorityQueue<>(
                Comparator.<Integer>comparingLong(index -> sizes[index]).thenComparing(index -> index));
        for (int i = 0; i < count; i++) {
            members.add(new ArrayList<>());
            lightest.add(i);
        }
        for (RsyncListing.Entry entry : largestFirst) {
            int index = lightest.poll();
            members.get(index).add(entry);
            sizes[index] += entry.size();
            lightest.add(index);
        }
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!members.get(i).isEmpty()) {
                groups.add(new Group(List.copyOf(members.get(i)), sizes[i]));
            }
        }
        groups.sort(Comparator.comparingLong(Group::bytes).reversed());
        return groups;
    }
}
