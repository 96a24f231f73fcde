package org.barman.core.retention;

import static org.quicktheories.QuickTheory.qt;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.RetentionPolicy;
import org.barman.api.WalSegmentName;
import org.barman.core.plugin.Plugins;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * A random history of one server, for the retention properties: a stream of WAL segments over months (possibly
 * switching to timeline 2), backups of every status taken one after the other on it, an archive holding the WAL
 * (with a few files missing, history and backup label files), a policy, a {@code minimum_redundancy} and a now.
 *
 * <p>Every backup's WAL positions agree with its times, as they do on a real server: its {@code begin_wal} is
 * the segment being written when it started. QuickTheories stays behind {@link #forAll}, so it could be swapped.
 *
 * @param stream the WAL segments in the order the server wrote them, each with the time it started
 * @param streamEnd when the last segment of the stream stopped being written (WAL after it is not archived)
 * @param backups the catalogue, oldest first
 * @param archived the files of the WAL archive
 * @param policyText the {@code retention_policy} text
 * @param policy that policy, as the installed providers read it
 * @param minimumRedundancy {@code minimum_redundancy}
 * @param now the time retention is evaluated at
 */
record RetentionScenario(List<Segment> stream, Instant streamEnd, List<BackupInfo> backups,
        Set<WalSegmentName> archived, String policyText, RetentionPolicy policy, int minimumRedundancy,
        Instant now) {

    /** PostgreSQL's default segment size: the stream crosses log boundaries (256 segments each). */
    static final long SEGMENT_SIZE = WalSegmentName.DEFAULT_SEGMENT_SIZE;

    private static final Instant START = Instant.parse("2023-01-01T00:00:00Z");
    private static final Plugins PLUGINS = Plugins.load();
    private static final List<String> UNITS = List.of("DAYS", "WEEKS", "MONTHS");

    /**
     * @param name the segment
     * @param start when the server started writing it
     */
    record Segment(WalSegmentName name, Instant start) {
    }

    /**
     * Checks a property of random scenarios; a failure reports the smallest failing scenario found.
     *
     * @param examples how many scenarios
     * @param property the property
     */
    static void forAll(int examples, Consumer<RetentionScenario> property) {
        qt().withExamples(examples).withShrinkCycles(200).forAll(scenarios()).checkAssert(property);
    }

    static Gen<RetentionScenario> scenarios() {
        Gen<RetentionScenario> gen = RetentionScenario::generate;
        return gen.describedAs(RetentionScenario::toString);
    }

    private static long pick(RandomnessSource in, long min, long max) {
        return in.next(Constraint.between(min, max));
    }

    private static RetentionScenario generate(RandomnessSource in) {
        int segments = (int) pick(in, 1, 60);
        boolean switches = pick(in, 0, 2) == 0;
        int switchAt = (int) pick(in, 1, 60);
        long number = pick(in, 200, 300);
        List<Segment> stream = new ArrayList<>();
        Instant time = START;
        long timeline = 1;
        for (int i = 0; i < segments; i++) {
            if (switches && i == switchAt) {
                timeline = 2;
            }
            stream.add(new Segment(WalSegmentName.ofSegmentNumber(timeline, number++, SEGMENT_SIZE), time));
            time = time.plusSeconds(pick(in, 60, 5 * 86_400L));
        }
        Instant streamEnd = time;
        long span = streamEnd.getEpochSecond() - START.getEpochSecond();

        int wanted = (int) pick(in, 0, 10);
        TreeSet<Long> offsets = new TreeSet<>();
        for (int i = 0; i < 2 * wanted; i++) {
            offsets.add(pick(in, 0, span - 1));
        }
        List<Long> times = new ArrayList<>(offsets);
        Set<WalSegmentName> archived = new LinkedHashSet<>();
        for (Segment segment : stream) {
            if (pick(in, 0, 14) != 0) {
                archived.add(segment.name());
            }
        }
        if (switches && switchAt < segments) {
            archived.add(WalSegmentName.history(2));
        }
        if (pick(in, 0, 3) == 0) {
            Segment partial = stream.get((int) pick(in, 0, segments - 1));
            archived.add(new WalSegmentName(WalSegmentName.Kind.PARTIAL, partial.name().timeline(),
                    partial.name().log(), partial.name().segment(), 0));
        }
        List<BackupInfo> backups = new ArrayList<>();
        for (int i = 0; i + 1 < times.size(); i += 2) {
            Instant begin = START.plusSeconds(times.get(i));
            Instant end = START.plusSeconds(times.get(i + 1));
            BackupStatus status = switch ((int) pick(in, 0, 7)) {
                case 0 -> BackupStatus.FAILED;
                case 1 -> BackupStatus.WAITING_FOR_WALS;
                case 2 -> BackupStatus.STARTED;
                default -> BackupStatus.DONE;
            };
            WalSegmentName beginWal = segmentAt(stream, begin).orElseThrow().name();
            WalSegmentName endWal = segmentAt(stream, end).orElseThrow().name();
            if (beginWal.timeline() != endWal.timeline() && status != BackupStatus.STARTED) {
                // a promotion during a backup makes it fail
                status = BackupStatus.FAILED;
            }
            if (status == BackupStatus.WAITING_FOR_WALS) {
                // it waits because its last WAL file has not arrived
                archived.remove(endWal);
            }
            boolean unstarted = (status == BackupStatus.STARTED || status == BackupStatus.FAILED)
                    && pick(in, 0, 3) == 0;
            backups.add(backup(begin, end, unstarted ? null : beginWal, endWal, status, pick(in, 0, 0xFFFF) * 8));
            if (status == BackupStatus.DONE || status == BackupStatus.WAITING_FOR_WALS) {
                archived.add(new WalSegmentName(WalSegmentName.Kind.BACKUP_LABEL, beginWal.timeline(),
                        beginWal.log(), beginWal.segment(), pick(in, 0, 0xFFFF) * 8));
            }
        }
        String policyText;
        if (pick(in, 0, 1) == 0) {
            policyText = "REDUNDANCY " + pick(in, 1, 6);
        } else {
            int unit = (int) pick(in, 0, 2);
            long value = switch (unit) {
                case 0 -> pick(in, 1, 60);
                case 1 -> pick(in, 1, 8);
                default -> pick(in, 1, 3);
            };
            policyText = "RECOVERY WINDOW OF " + value + " " + UNITS.get(unit);
        }
        int minimum = (int) pick(in, 0, 5);
        Instant now = streamEnd.plusSeconds(pick(in, 0, 60 * 86_400L));
        return new RetentionScenario(List.copyOf(stream), streamEnd, List.copyOf(backups), Set.copyOf(archived),
                policyText, PLUGINS.retentionPolicy(policyText), minimum, now);
    }

    private static BackupInfo backup(Instant begin, Instant end, WalSegmentName beginWal, WalSegmentName endWal,
            BackupStatus status, long beginOffset) {
        BackupInfo.Builder builder = BackupInfo.builder(BackupId.of(LocalDateTime.ofInstant(begin, ZoneOffset.UTC)))
                .serverName("main")
                .status(status)
                .mode("local-concurrent")
                .beginTime(begin.atOffset(ZoneOffset.UTC))
                .version(150004)
                .pgdata("/var/lib/postgresql/15/main");
        if (beginWal != null) {
            builder.beginWal(beginWal).beginXlog(beginWal.startLsn(SEGMENT_SIZE).plus(beginOffset))
                    .beginOffset(beginOffset).timeline(beginWal.timeline());
        }
        if (status == BackupStatus.DONE || status == BackupStatus.WAITING_FOR_WALS) {
            builder.endTime(end.atOffset(ZoneOffset.UTC)).endWal(endWal).endXlog(endWal.startLsn(SEGMENT_SIZE).plus(8))
                    .endOffset(8).size(1000);
        }
        if (status == BackupStatus.FAILED) {
            builder.error("failure copying files");
        }
        return builder.build();
    }

    /** @return the segment the server was writing at that time */
    static Optional<Segment> segmentAt(List<Segment> stream, Instant time) {
        Segment found = null;
        for (Segment segment : stream) {
            if (!segment.start().isAfter(time)) {
                found = segment;
            }
        }
        return Optional.ofNullable(found);
    }

    /** @return the DONE backups, oldest first */
    List<BackupInfo> done() {
        return backups.stream().filter(BackupInfo::isDone).toList();
    }

    /**
     * Whether the server can be recovered to a moment from one of the given backups and WAL files: a DONE backup
     * that ended by then, and every segment from its {@code begin_wal} to the one being written at that moment
     * (with the history file when the way crosses a timeline switch).
     *
     * @param time the moment
     * @param backups the backups there are
     * @param wal the WAL files there are
     * @return whether it is recoverable
     */
    boolean covered(Instant time, List<BackupInfo> backups, Set<WalSegmentName> wal) {
        if (time.isAfter(streamEnd)) {
            return false;
        }
        Optional<Segment> target = segmentAt(stream, time);
        if (target.isEmpty()) {
            return false;
        }
        int last = stream.indexOf(target.get());
        for (BackupInfo backup : backups) {
            if (!backup.isDone() || backup.endTime().toInstant().isAfter(time)) {
                continue;
            }
            int first = indexOf(backup.beginWal());
            boolean complete = true;
            for (int i = first; i <= last && complete; i++) {
                WalSegmentName name = stream.get(i).name();
                complete = wal.contains(name)
                        && (name.timeline() == 1 || wal.contains(WalSegmentName.history(name.timeline())));
            }
            if (complete) {
                return true;
            }
        }
        return false;
    }

    private int indexOf(WalSegmentName name) {
        for (int i = 0; i < stream.size(); i++) {
            if (stream.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException(name + " is not in the stream");
    }

    /**
     * @param windowStart the start of a recovery window
     * @return the moments worth checking in the window: its start, every segment start and backup end in it, now
     */
    List<Instant> instantsOfWindow(Instant windowStart) {
        TreeSet<Instant> instants = new TreeSet<>(List.of(windowStart, now, streamEnd));
        stream.forEach(segment -> instants.add(segment.start()));
        backups.stream().filter(backup -> backup.endTime() != null)
                .forEach(backup -> instants.add(backup.endTime().toInstant()));
        return instants.stream().filter(time -> !time.isBefore(windowStart) && !time.isAfter(now)).toList();
    }

    @Override
    public String toString() {
        return policyText + ", minimum_redundancy " + minimumRedundancy + ", now " + now + ", stream "
                + stream.get(0).name() + ".." + stream.get(stream.size() - 1).name() + " until " + streamEnd
                + ", missing " + stream.stream().map(Segment::name).filter(name -> !archived.contains(name))
                        .toList()
                + ", backups " + backups.stream().sorted(Comparator.comparing(BackupInfo::id))
                        .map(backup -> backup.id() + " " + backup.status() + " " + backup.beginWal() + "-"
                                + (backup.endTime() == null ? "?" : backup.endWal() + " ended " + backup.endTime()))
                        .collect(Collectors.joining("; "));
    }
}
