package org.barman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Expected values printed by Python 3 running Barman's own pretty_size and format strings. */
class FormatsTest {

    @Test
    void prettySizeMatchesBarman() {
        assertThat(Formats.prettySize(0)).isEqualTo("0 B");
        assertThat(Formats.prettySize(845)).isEqualTo("845 B");
        assertThat(Formats.prettySize(1023)).isEqualTo("1023 B");
        assertThat(Formats.prettySize(1024)).isEqualTo("1.0 KiB");
        assertThat(Formats.prettySize(1280)).isEqualTo("1.2 KiB");
        assertThat(Formats.prettySize(1_048_575)).isEqualTo("1024.0 KiB");
        assertThat(Formats.prettySize(1_048_676)).isEqualTo("1.0 MiB");
        assertThat(Formats.prettySize(2_359_296)).isEqualTo("2.2 MiB");
        assertThat(Formats.prettySize(886_099_148)).isEqualTo("845.0 MiB");
        assertThat(Formats.prettySize(5_368_709_120L)).isEqualTo("5.0 GiB");
        assertThat(Formats.prettySize(6_047_313_952_768L)).isEqualTo("5.5 TiB");
        assertThat(Formats.prettySize(Math.pow(2, 90))).isEqualTo("1024.0 YiB");
    }

    @Test
    void percentAndFixedRoundAsPython() {
        assertThat(Formats.percent(0.123455)).isEqualTo("12.35%");
        assertThat(Formats.percent(1.0 / 3)).isEqualTo("33.33%");
        assertThat(Formats.percent(0.99995)).isEqualTo("100.00%");
        assertThat(Formats.fixed(0.0125 * 3600, 2)).isEqualTo("45.00");
        assertThat(Formats.fixed(2.675, 2)).isEqualTo("2.67");
    }

    @Test
    void ctimePadsTheDayWithASpace() {
        assertThat(Formats.ctime(LocalDateTime.of(2024, 1, 3, 0, 10).atOffset(ZoneOffset.ofHours(2))))
                .isEqualTo("Wed Jan  3 00:10:00 2024");
        OffsetDateTime time = OffsetDateTime.of(2012, 5, 30, 15, 20, 25, 0, ZoneOffset.UTC);
        assertThat(Formats.ctime(time)).isEqualTo("Wed May 30 15:20:25 2012");
        assertThat(Formats.timestamp(time)).isEqualTo("1338391225");
    }

    @Test
    void humanDurationMatchesBarman() {
        assertThat(Formats.humanDuration(Duration.ofMillis(300))).isEqualTo("less than one second");
        assertThat(Formats.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Formats.humanDuration(Duration.ofSeconds(3725))).isEqualTo("1 hour, 2 minutes, 5 seconds");
        assertThat(Formats.humanDuration(Duration.ofDays(2).plusMinutes(1))).isEqualTo("2 days, 1 minute");
        assertThat(Formats.humanDuration(Duration.ofSeconds(-90))).isEqualTo("1 minute, 30 seconds ago");
    }
}
