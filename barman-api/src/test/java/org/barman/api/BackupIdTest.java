package org.barman.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupIdTest {

    @Test
    void isTheStartTimeInBarmansForm() {
        BackupId id = BackupId.of(LocalDateTime.of(2024, 4, 10, 16, 56, 13, 999_000_000));
        assertThat(id.value()).isEqualTo("20240410T165613");
        assertThat(id.time()).isEqualTo(LocalDateTime.of(2024, 4, 10, 16, 56, 13));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "latest", "../20240410T165613", "20240410T165613/..", "20240410165613",
        "20241310T165613", "20240230T120000", "20240410T256613", "2024041T165613"})
    void rejectsAnythingThatIsNotAnId(String bad) {
        assertThat(BackupId.isValid(bad)).isFalse();
        assertThatThrownBy(() -> BackupId.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a backup id");
    }

    @Test
    void orderOfIdsIsOrderOfTimes() {
        long from = LocalDateTime.of(2000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
        long to = LocalDateTime.of(2200, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
        qt().forAll(longs().between(from, to), longs().between(from, to)).check((a, b) -> {
            BackupId first = BackupId.of(LocalDateTime.ofEpochSecond(a, 0, ZoneOffset.UTC));
            BackupId second = BackupId.of(LocalDateTime.ofEpochSecond(b, 0, ZoneOffset.UTC));
            return Integer.signum(first.compareTo(second)) == Integer.signum(Long.compare(a, b))
                    && BackupId.parse(first.value()).equals(first);
        });
    }
}
