package org.barman.core.recovery;

import java.util.ArrayList;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;

/**
 * A timeline's ancestry, read from its history file: which timelines came before it and where each one ended.
 *
 * @param timeline the timeline
 * @param ancestors the earlier timelines, oldest first, each with the position where it was left
 */
public record TimelineHistory(long timeline, List<Switch> ancestors) {

    /**
     * One timeline switch.
     *
     * @param parent the timeline left
     * @param at the position where it was left
     */
    public record Switch(long parent, Lsn at) {
    }

    /**
     * Copies the list.
     *
     * @param timeline the timeline
     * @param ancestors the earlier timelines, oldest first, each with the position where it was left
     */
    public TimelineHistory {
        ancestors = List.copyOf(ancestors);
    }

    /**
     * @param timeline the timeline whose history file this is
     * @param text the content of {@code TTTTTTTT.history}
     * @return the parsed history
     * @throws BarmanException when a line is malformed
     */
    public static TimelineHistory parse(long timeline, String text) {
        List<Switch> switches = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] fields = stripped.split("\\s+", 3);
            try {
                switches.add(new Switch(Long.parseLong(fields[0]), Lsn.parse(fields[1])));
            } catch (RuntimeException e) {
                throw new BarmanException(String.format("history file of timeline %d has a malformed line: '%s'",
                        timeline, stripped), e);
            }
        }
        return new TimelineHistory(timeline, switches);
    }

    /**
     * @param candidate a timeline
     * @return whether it is this timeline or one of its ancestors
     */
    public boolean includes(long candidate) {
        return candidate == timeline || ancestors.stream().anyMatch(step -> step.parent() == candidate);
    }

    /**
     * @param candidate a timeline of this history
     * @return where WAL of that timeline starts to count for this history: the switch that created it, or 0
     */
    public Lsn startOf(long candidate) {
        Lsn start = Lsn.ZERO;
        for (Switch step : ancestors) {
            if (step.parent() == candidate) {
                return start;
            }
            start = step.at();
        }
        return start;
    }

    /**
     * @param candidate a timeline of this history
     * @return where that timeline was left, or null for this timeline itself
     */
    public Lsn endOf(long candidate) {
        for (Switch step : ancestors) {
            if (step.parent() == candidate) {
                return step.at();
            }
        }
        return null;
    }
}
