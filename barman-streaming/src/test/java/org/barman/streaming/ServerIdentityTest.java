package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerIdentityTest {

    @Test
    void readsTheSegmentSizesPostgresShows() {
        assertThat(ServerIdentity.parseSize("16MB")).isEqualTo(16L * 1024 * 1024);
        assertThat(ServerIdentity.parseSize("1GB")).isEqualTo(1024L * 1024 * 1024);
        assertThat(ServerIdentity.parseSize("1024kB")).isEqualTo(1024L * 1024);
        assertThat(ServerIdentity.parseSize("16777216")).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThatThrownBy(() -> ServerIdentity.parseSize("sixteen")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerIdentity.parseSize("16TB")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotsCanBeReadFromPostgres15On() {
        assertThat(new ServerIdentity(1, 1, org.barman.api.Lsn.ZERO, 16, 14).readsSlots()).isFalse();
        assertThat(new ServerIdentity(1, 1, org.barman.api.Lsn.ZERO, 16, 15).readsSlots()).isTrue();
    }
}
