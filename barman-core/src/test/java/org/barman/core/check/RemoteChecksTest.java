package org.barman.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RemoteChecksTest {

    @Test
    void theSystemIdentifierIsTheFirstEightBytesLittleEndianUnsigned() {
        assertThat(RemoteChecks.systemIdentifier(new byte[] {8, 7, 6, 5, 4, 3, 2, 1, 99, 99}))
                .isEqualTo(Long.toString(0x0102030405060708L));
        byte[] high = {(byte) 0xcc, (byte) 0x8b, 0x3d, 0x1e, (byte) 0xa4, (byte) 0x9e, 0x61, (byte) 0xf4};
        assertThat(RemoteChecks.systemIdentifier(high)).isEqualTo(Long.toUnsignedString(0xf4619ea41e3d8bccL))
                .isEqualTo("17609530445714525132");
    }

    @Test
    void rsyncVersionsAreRead() {
        assertThat(RemoteChecks.version("rsync  version 3.2.7  protocol version 31\nCopyright")).get()
                .isEqualTo(new int[] {3, 2, 7});
        assertThat(RemoteChecks.version("rsync  version v3.4.1  protocol version 32")).get()
                .isEqualTo(new int[] {3, 4, 1});
        assertThat(RemoteChecks.version("rsync version 3.1 protocol version 31")).get()
                .isEqualTo(new int[] {3, 1, 0});
        assertThat(RemoteChecks.version("bash: rsync: command not found")).isEmpty();
    }
}
