package org.barman.api.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;

class SourceChangesTest {

    @Test
    void aPullToleratesWhatARunningPostgresDoesToItsFiles() {
        assertThatCode(() -> {
            SourceChanges.TOLERATED.vanished("/pgdata/base/1/1259");
            SourceChanges.TOLERATED.resized("/pgdata/base/1/1259", 8192, 0);
            SourceChanges.TOLERATED.changedKind("/pgdata/base/1/1259", "a file", "a folder");
        }).doesNotThrowAnyException();
    }

    @Test
    void aPushFailsOnAnyChangeNamingTheEntry() {
        assertThatThrownBy(() -> SourceChanges.FATAL.vanished("/backups/main/base/1/data/base/1/1259"))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("cannot copy /backups/main/base/1/data/base/1/1259: it vanished during the "
                        + "copy; a backup must not change while a recovery copies it");
        assertThatThrownBy(() -> SourceChanges.FATAL.resized("/b/f", 8192, 100))
                .hasMessageContaining("/b/f: it changed size during the copy (8192 bytes when listed, 100 when read)");
        assertThatThrownBy(() -> SourceChanges.FATAL.changedKind("/b/f", "a file", "a folder"))
                .hasMessageContaining("/b/f: it was a file when the copy listed it and is a folder now");
    }
}
