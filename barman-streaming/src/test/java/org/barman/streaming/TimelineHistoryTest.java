package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.barman.api.Lsn;
import org.junit.jupiter.api.Test;

class TimelineHistoryTest {

    private static final String THREE = "1\t0/30B2B18\tno recovery target specified\n"
            + "\n"
            + "# a comment\n"
            + "2\t0/5000028\tat restore point \"before \\\"upgrade\\\"\"\n";

    @Test
    void parsesTheAncestorsAndWhereEachEnded() {
        TimelineHistory history = TimelineHistory.parse(3, THREE, "test");

        assertThat(history.timelines()).containsExactly(1L, 2L, 3L);
        assertThat(history.end(1)).contains(Lsn.parse("0/30B2B18"));
        assertThat(history.end(2)).contains(Lsn.parse("0/5000028"));
        assertThat(history.end(3)).isEmpty();
        assertThat(history.next(1)).isEqualTo(2);
        assertThat(history.next(2)).isEqualTo(3);
        assertThat(history.contains(4)).isFalse();
    }

    @Test
    void aTimelineMayFollowOneThatIsNotItsNumberMinusOne() {
        TimelineHistory history = TimelineHistory.parse(5, "1\t0/3000000\tx\n3\t0/4000000\ty\n", "test");

        assertThat(history.next(1)).isEqualTo(3);
        assertThat(history.next(3)).isEqualTo(5);
        assertThat(history.contains(2)).isFalse();
    }

    @Test
    void theFirstTimelineHasNoAncestors() {
        TimelineHistory history = TimelineHistory.root(1);

        assertThat(history.timelines()).isEqualTo(List.of(1L));
        assertThat(history.contains(1)).isTrue();
        assertThat(history.end(1)).isEmpty();
    }

    @Test
    void aLineThatIsNotAnEntryIsNamedInTheError() {
        assertThatThrownBy(() -> TimelineHistory.parse(2, "1\tnot-a-position\treason\n", "00000002.history"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("00000002.history line 1 is not a timeline history entry");
        assertThatThrownBy(() -> TimelineHistory.parse(2, "2\t0/3000000\treason\n", "00000002.history"))
                .hasMessageContaining("timeline 2 is out of order");
        assertThatThrownBy(() -> TimelineHistory.parse(4, "1\t0/5000000\tx\n2\t0/3000000\ty\n", "h"))
                .hasMessageContaining("h line 2").hasMessageContaining("goes back");
    }
}
