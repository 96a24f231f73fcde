package org.barman.streaming;

import org.barman.api.Lsn;

/**
 * Where streaming starts: a timeline and a position, always at the start of a segment.
 *
 * @param timeline the timeline to ask the server for
 * @param position the start of a segment
 */
record StartPoint(long timeline, Lsn position) {

    /**
     * @param timeline the timeline
     * @param position any position
     * @param segmentSize the WAL segment size
     * @return the start of the segment holding that position, on that timeline
     */
    static StartPoint segmentStart(long timeline, Lsn position, long segmentSize) {
        return new StartPoint(timeline, new Lsn(position.value() - position.segmentOffset(segmentSize)));
    }

    @Override
    public String toString() {
        return position + " on timeline " + timeline;
    }
}
