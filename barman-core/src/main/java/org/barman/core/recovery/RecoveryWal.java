package org.barman.core.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;

/**
 * Which archived WAL files a recovery needs, and the refusal to start one that cannot reach its target because
 * a file is missing: from the backup's first WAL segment to the target (or the end of the archive), on the
 * timelines the target timeline descends from, with every history file. A file the index lists but the archive no
 * longer holds counts as missing, so that the refusal comes before anything is copied.
 *
 * <p>What {@code receive-wal} streamed and the archive does not hold yet counts too: the complete segments of the
 * streaming folder, and the segment being received ({@code .partial}, given under its segment's name), so that a
 * recovery to the latest point replays everything Barman received, as Barman's {@code get-wal --partial} gives it.
 */
public final class RecoveryWal {

    private RecoveryWal() {
    }

    /**
     * @param serverName the server, for messages
     * @param backup the backup recovered
     * @param archive the archive's index, in WAL order
     * @param stored whether the archive holds a file (the index may list a file removed since)
     * @param history the target timeline's ancestry
     * @param target the recovery target
     * @return the files to make available to the recovery, history files first
     * @throws BarmanException naming the first missing file
     */
    public static List<WalFileInfo> select(String serverName, BackupInfo backup, List<WalFileInfo> archive,
            Predicate<WalSegmentName> stored, TimelineHistory history, RecoveryTarget target) {
        return select(serverName, backup, archive, stored, history, target, List.of());
    }

    /**
     * @param serverName the server, for messages
     * @param backup the backup recovered
     * @param archive the archive's index, in WAL order
     * @param stored whether the archive holds a file (the index may list a file removed since)
     * @param history the target timeline's ancestry
     * @param target the recovery target
     * @param streamed the segments of the streaming folder, complete or being received, under their segment
     *     names: used where the archive holds no file of that name
     * @return the files to make available to the recovery, history files first
     * @throws BarmanException naming the first missing file
     */
    public static List<WalFileInfo> select(String serverName, BackupInfo backup, List<WalFileInfo> archive,
            Predicate<WalSegmentName> stored, TimelineHistory history, RecoveryTarget target,
            List<WalFileInfo> streamed) {
        long size = backup.xlogSegmentSize();
        long beginSeg = backup.beginWal().segmentNumber(size);
        long endSeg = backup.endWal().segmentNumber(size);
        if (!history.includes(backup.timeline())) {
            throw new BarmanException("timeline " + history.timeline() + " does not descend from timeline "
                    + backup.timeline() + " of backup " + backup.id() + ": choose another --target-tli");
        }
        List<WalFileInfo> selected = new ArrayList<>();
        archive.stream().filter(entry -> entry.name().kind() == WalSegmentName.Kind.HISTORY).forEach(selected::add);

        TreeMap<Long, List<WalFileInfo>> bySegment = new TreeMap<>();
        java.util.Set<WalSegmentName> held = new java.util.HashSet<>();
        for (WalFileInfo entry : archive) {
            if (stored.test(entry.name())) {
                held.add(entry.name());
            }
        }
        List<WalFileInfo> candidates = new ArrayList<>(archive);
        streamed.stream().filter(entry -> !held.contains(entry.name())).forEach(candidates::add);
        for (WalFileInfo entry : candidates) {
            WalSegmentName name = entry.name();
            if (name.kind() != WalSegmentName.Kind.SEGMENT || !history.includes(name.timeline())) {
                continue;
            }
            long seg = name.segmentNumber(size);
            if (seg < beginSeg || !withinTimeline(history, name.timeline(), seg, size)
                    || !(held.contains(name) || streamed.contains(entry))) {
                continue;
            }
            bySegment.computeIfAbsent(seg, key -> new ArrayList<>()).add(entry);
        }
        long bound = upperBound(target, backup, endSeg, size);
        long lastAvailable = bySegment.isEmpty() ? beginSeg - 1 : bySegment.lastKey();
        long last = Math.max(endSeg, Math.min(bound, lastAvailable));
        for (long seg = beginSeg; seg <= last; seg++) {
            List<WalFileInfo> files = bySegment.get(seg);
            if (files == null) {
                WalSegmentName missing = WalSegmentName.ofSegmentNumber(timelineFor(history, seg, size), seg, size);
                String why = seg <= endSeg ? "it makes backup " + backup.id() + " consistent"
                        : target.kind() == RecoveryTarget.Kind.NONE ? "a recovery without a target replays it "
                                + "(later WAL files exist)"
                        : "recovery to " + target.describe() + " replays it (later WAL files exist)";
                throw new BarmanException("WAL file " + missing + " is missing from the archive of server "
                        + serverName + ", and " + why + ": nothing was copied");
            }
            selected.addAll(files);
        }
        return selected;
    }

    private static boolean withinTimeline(TimelineHistory history, long timeline, long seg, long size) {
        long start = history.startOf(timeline).segmentNumber(size);
        Lsn end = history.endOf(timeline);
        return seg >= start && (end == null || seg <= end.segmentNumber(size));
    }

    private static long timelineFor(TimelineHistory history, long seg, long size) {
        for (TimelineHistory.Switch step : history.ancestors()) {
            if (seg < step.at().segmentNumber(size)) {
                return step.parent();
            }
        }
        return history.timeline();
    }

    /**
     * The last segment a target can need. A time target is not bounded: the archive's file times are when files
     * were written, not when their transactions committed, and cutting on them once dropped the segment holding
     * the target.
     */
    /**
     * A backup that ends exactly at a segment boundary (a backup from a standby, whose end is the standby's
     * minimum recovery point, often ends at a WAL switch) is seen consistent by PostgreSQL only once it reads the
     * next segment: without it, a recovery to {@code immediate} ends before its target and the server stops.
     */
    private static long upperBound(RecoveryTarget target, BackupInfo backup, long endSeg, long size) {
        switch (target.kind()) {
            case IMMEDIATE -> {
                return backup.endXlog() != null && backup.endXlog().segmentOffset(size) == 0 ? endSeg + 1 : endSeg;
            }
            case LSN -> {
                return Math.max(endSeg, target.lsn().orElseThrow().segmentNumber(size));
            }
            default -> {
                return Long.MAX_VALUE;
            }
        }
    }

    /**
     * @param backup a backup
     * @param histories the parsed history files of the archive, by timeline
     * @param requested {@code --target-tli}: a number, latest, current, or empty for latest
     * @param serverName the server, for messages
     * @return the ancestry of the target timeline
     * @throws BarmanException for a timeline the archive does not know
     */
    public static TimelineHistory targetHistory(BackupInfo backup, Map<Long, TimelineHistory> histories,
            Optional<String> requested, String serverName) {
        long backupTimeline = backup.timeline();
        String wanted = requested.orElse("latest");
        long timeline;
        if (wanted.equals("current")) {
            timeline = backupTimeline;
        } else if (wanted.equals("latest")) {
            timeline = histories.values().stream().filter(h -> h.includes(backupTimeline))
                    .mapToLong(TimelineHistory::timeline).max().orElse(backupTimeline);
            timeline = Math.max(timeline, backupTimeline);
        } else {
            timeline = Long.parseLong(wanted);
            if (timeline != backupTimeline && !histories.containsKey(timeline)) {
                throw new BarmanException("timeline " + timeline + " is unknown to the archive of server "
                        + serverName + ": backup " + backup.id() + " is on timeline " + backupTimeline
                        + (histories.isEmpty() ? " and the archive has no history file"
                                : " and the archive has history files for timelines " + histories.keySet()));
            }
        }
        TimelineHistory history = histories.get(timeline);
        return history != null ? history : new TimelineHistory(timeline, List.of());
    }
}
