package org.barman.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.Lsn;

/**
 * The history of a timeline, as its {@code .history} file (and {@code TIMELINE_HISTORY}) gives it: the timelines
 * it descends from, each with the position where it ended and the next one began.
 *
 * @param timeline the timeline whose history this is
 * @param ancestors its ancestors, oldest first, each with the position where it was left
 */
record TimelineHistory(long timeline, List<Ancestor> ancestors) {

    /**
     * A timeline left for another one.
     *
     * @param timeline the timeline
     * @param end the position where it ended, which is where the next timeline of the history begins
     */
    record Ancestor(long timeline, Lsn end) {
    }

    TimelineHistory {
        ancestors = List.copyOf(ancestors);
    }

    /**
     * @param timeline a timeline without ancestors, such as timeline 1
     * @return its history
     */
    static TimelineHistory root(long timeline) {
        return new TimelineHistory(timeline, List.of());
    }

    /**
     * Parses a history file the way PostgreSQL reads one: a line per ancestor, {@code timeline<TAB>X/Y<TAB>reason},
     * blank lines and lines starting with {@code #} skipped.
     *
     * @param timeline the timeline whose history file this is
     * @param content the file's content
     * @param source where the content comes from, for messages
     * @return the history
     * @throws IllegalArgumentException naming the source and the line when the content is not a history
     */
    static TimelineHistory parse(long timeline, String content, String source) {
        List<Ancestor> ancestors = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+", 3);
            try {
                if (fields.length < 2) {
                    throw new IllegalArgumentException("expected a timeline and a position");
                }
                long ancestor = Long.parseLong(fields[0]);
                Lsn end = Lsn.parse(fields[1]);
                if (ancestor >= timeline
                        || (!ancestors.isEmpty() && ancestor <= ancestors.get(ancestors.size() - 1).timeline())) {
                    throw new IllegalArgumentException("timeline " + ancestor + " is out of order");
                }
                if (!ancestors.isEmpty() && end.compareTo(ancestors.get(ancestors.size() - 1).end()) < 0) {
                    throw new IllegalArgumentException("position " + end + " goes back");
                }
                ancestors.add(new Ancestor(ancestor, end));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + " is not a timeline history entry ("
                        + e.getMessage() + "): " + line, e);
            }
        }
        return new TimelineHistory(timeline, ancestors);
    }

    /**
     * @param candidate a timeline
     * @return whether it is this timeline or one of its ancestors
     */
    boolean contains(long candidate) {
        return candidate == timeline || ancestors.stream().anyMatch(a -> a.timeline() == candidate);
    }

    /**
     * @param ancestor a timeline of this history
     * @return where it ended, or empty for this timeline itself, which goes on
     */
    Optional<Lsn> end(long ancestor) {
        return ancestors.stream().filter(a -> a.timeline() == ancestor).map(Ancestor::end).findFirst();
    }

    /**
     * @param ancestor an ancestor of this timeline
     * @return the timeline that followed it
     */
    long next(long ancestor) {
        for (int i = 0; i < ancestors.size(); i++) {
            if (ancestors.get(i).timeline() == ancestor) {
                return i + 1 < ancestors.size() ? ancestors.get(i + 1).timeline() : timeline;
            }
        }
        throw new IllegalArgumentException("timeline " + ancestor + " is not an ancestor of timeline " + timeline);
    }

    /** @return the timelines of this history, oldest first, ending with this one */
    List<Long> timelines() {
        List<Long> all = new ArrayList<>();
        ancestors.forEach(a -> all.add(a.timeline()));
        all.add(timeline);
        return all;
    }
}
