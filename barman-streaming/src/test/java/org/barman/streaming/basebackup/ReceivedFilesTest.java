package org.barman.streaming.basebackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk log of received files: read in step with the manifest, out of order when it must be, then removed. */
class ReceivedFilesTest {

    @TempDir
    Path root;

    private static byte[] sha(int seed) {
        byte[] sha = new byte[32];
        sha[0] = (byte) seed;
        return sha;
    }

    @Test
    void filesTakenInTheOrderTheyCameAreFoundAndNoneIsLeft() throws Exception {
        try (ReceivedFiles received = new ReceivedFiles(root.resolve("log"))) {
            received.add("PG_VERSION", 3, sha(1));
            received.add("base/1/1259", 8192, sha(2));
            assertThat(describe(received.take("PG_VERSION"))).isEqualTo("3 bytes, sha 1");
            assertThat(describe(received.take("base/1/1259"))).isEqualTo("8192 bytes, sha 2");
            assertThat(received.untaken()).isEmpty();
            assertThat(received.count()).isEqualTo(2);
        }
        assertThat(root.resolve("log")).doesNotExist();
    }

    @Test
    void filesTakenOutOfOrderAreFoundAndTheOnesNeverTakenAreNamed() throws Exception {
        try (ReceivedFiles received = new ReceivedFiles(root.resolve("log"))) {
            received.add("a", 1, sha(1));
            received.add("b", 2, sha(2));
            received.add("c", 3, sha(3));
            received.add("d", 4, sha(4));
            assertThat(describe(received.take("c"))).isEqualTo("3 bytes, sha 3");
            assertThat(describe(received.take("a"))).isEqualTo("1 bytes, sha 1");
            assertThat(received.take("missing")).isNull();
            assertThat(received.take("c")).as("taken already").isNull();
            assertThat(received.untaken()).containsExactly("b", "d");
        }
    }

    @Test
    void aPathReceivedTwiceIsRefused() {
        try (ReceivedFiles received = new ReceivedFiles(root.resolve("log"))) {
            received.add("a", 1, sha(1));
            received.add("a", 1, sha(1));
            assertThatThrownBy(() -> received.take("other")).isInstanceOf(BarmanException.class)
                    .hasMessage("the base backup holds a twice: refused");
        }
    }

    private static String describe(ReceivedFile file) {
        return file.size() + " bytes, sha " + file.sha256()[0];
    }
}
