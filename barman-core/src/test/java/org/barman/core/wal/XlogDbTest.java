package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XlogDbTest {

    private static final WalSegmentName FIRST = WalSegmentName.parse("000000010000000000000001");
    private static final WalSegmentName SECOND = WalSegmentName.parse("000000010000000000000002");
    private static final WalSegmentName THIRD = WalSegmentName.parse("000000010000000000000003");

    @TempDir
    Path wals;

    @Test
    void findGivesTheLastEntryOfAFileAsReadDoes() throws IOException {
        XlogDb index = new XlogDb(wals);
        index.append(List.of(new WalFileInfo(FIRST, 100, 1.5, "gzip"), new WalFileInfo(SECOND, 200, 2.5, null),
                new WalFileInfo(FIRST, 300, 3.5, "lz4")));

        assertThat(index.find(FIRST)).contains(new WalFileInfo(FIRST, 300, 3.5, "lz4"));
        assertThat(index.find(SECOND)).contains(new WalFileInfo(SECOND, 200, 2.5, null));
        assertThat(index.find(THIRD)).isEmpty();
        assertThat(index.find(FIRST)).isEqualTo(index.read().stream().filter(entry -> entry.name().equals(FIRST))
                .reduce((first, second) -> second));
    }

    @Test
    void findSkipsAnAppendInProgressAndOtherFilesLines() throws IOException {
        XlogDb index = new XlogDb(wals);
        assertThat(index.find(FIRST)).as("no index yet").isEmpty();
        Files.writeString(index.file(), "\n000000010000000000000001\t16777216\t1.0\tNone\nnot a line of the index\n"
                + "00000001000000000000000100\t1\t1\tNone\n000000010000000000000002\t1", StandardOpenOption.CREATE);

        assertThat(index.find(FIRST)).contains(new WalFileInfo(FIRST, 16777216, 1.0, null));
        assertThat(index.find(SECOND)).as("its line is not finished").isEmpty();
    }

    @Test
    void aMalformedLineOfTheFileAskedForIsNamed() throws IOException {
        XlogDb index = new XlogDb(wals);
        Files.writeString(index.file(), "000000010000000000000001\tbig\t1.0\tNone\n");

        assertThatThrownBy(() -> index.find(FIRST)).isInstanceOf(BarmanException.class)
                .hasMessageContaining(index.file().toString()).hasMessageContaining("rebuild-xlogdb");
    }
}
