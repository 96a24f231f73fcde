package org.barman.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.barman.api.Lsn;
import org.junit.jupiter.api.Test;

class ReplicationMessagesTest {

    @Test
    void readsAnXLogDataMessage() {
        qt().forAll(longs().all(), longs().all(), integers().between(0, 300)).check((start, end, length) -> {
            ByteBuffer message = ByteBuffer.allocate(25 + length);
            message.put((byte) 'w').putLong(start).putLong(end).putLong(123_456L);
            for (int i = 0; i < length; i++) {
                message.put((byte) i);
            }
            ReplicationMessages.XLogData data = ReplicationMessages.xlogData(message.array());
            return data.start().equals(new Lsn(start)) && data.serverEnd().equals(new Lsn(end))
                    && data.data().remaining() == length && (length == 0 || data.data().get(length - 1) == (byte) (length - 1))
                    && data.end().equals(new Lsn(start + length));
        });
    }

    @Test
    void readsAKeepalive() {
        byte[] message = ByteBuffer.allocate(18).put((byte) 'k').putLong(0x30B2B18L).putLong(99L).put((byte) 1).array();

        ReplicationMessages.Keepalive keepalive = ReplicationMessages.keepalive(message);

        assertThat(keepalive.serverEnd()).isEqualTo(Lsn.parse("0/30B2B18"));
        assertThat(keepalive.replyRequested()).isTrue();
    }

    @Test
    void aShortMessageIsRefused() {
        assertThatThrownBy(() -> ReplicationMessages.xlogData(new byte[] {'w', 0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> ReplicationMessages.keepalive(new byte[] {'k'}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesAStandbyStatusUpdateWithNothingApplied() {
        Instant time = Instant.parse("2000-01-01T00:00:01.000002Z");

        ByteBuffer update = ByteBuffer.wrap(ReplicationMessages.statusUpdate(Lsn.parse("1/2"), Lsn.parse("1/1"), time,
                true));

        assertThat(update.remaining()).isEqualTo(ReplicationMessages.STATUS_UPDATE_SIZE);
        assertThat(update.get()).isEqualTo((byte) 'r');
        assertThat(update.getLong()).isEqualTo(0x1_0000_0002L);
        assertThat(update.getLong()).isEqualTo(0x1_0000_0001L);
        assertThat(update.getLong()).isZero();
        assertThat(update.getLong()).isEqualTo(1_000_002L);
        assertThat(update.get()).isEqualTo((byte) 1);
    }
}
