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

    @Test
    void aTornLastLineIsCutBeforeTheNextAppendInsteadOfGluedToIt() throws IOException {
        XlogDb index = new XlogDb(wals);
        index.append(List.of(new WalFileInfo(FIRST, 100, 1.5, "gzip")));
        // A crash or a full disk stopped the append of SECOND's line just after its name.
        Files.writeString(index.file(), SECOND.fileName() + "\t", StandardOpenOption.APPEND);

        index.append(List.of(new WalFileInfo(THIRD, 300, 3.5, null)));

        assertThat(index.read()).containsExactly(new WalFileInfo(FIRST, 100, 1.5, "gzip"),
                new WalFileInfo(THIRD, 300, 3.5, null));
        assertThat(index.find(SECOND)).isEmpty();
        assertThat(index.find(THIRD)).contains(new WalFileInfo(THIRD, 300, 3.5, null));
        assertThat(Files.readString(index.file())).endsWith("\n").doesNotContain(SECOND.fileName());
    }

    @Test
    void aLineGluedToATornOneBeforeTheRepairIsRefusedNotReadAsGarbage() throws IOException {
        XlogDb index = new XlogDb(wals);
        // What an index torn after SECOND's name, then appended to without the repair, holds: five columns
        // that would read as size 10000000000000003, time 300 and compression "3.5".
        Files.writeString(index.file(), SECOND.fileName() + "\t" + THIRD.fileName() + "\t300\t3.5\tNone\n");

        assertThatThrownBy(index::read).isInstanceOf(BarmanException.class)
                .hasMessageContaining(index.file() + ", line 1").hasMessageContaining("rebuild-xlogdb");
        assertThatThrownBy(() -> index.find(SECOND)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("rebuild-xlogdb");
    }

    @Test
    void damageNamesATornLastLineAndAMalformedOne() throws IOException {
        XlogDb index = new XlogDb(wals);
        assertThat(index.damage()).as("no index yet").isEmpty();
        index.append(List.of(new WalFileInfo(FIRST, 100, 1.5, "gzip")));
        assertThat(index.damage()).isEmpty();

        Files.writeString(index.file(), SECOND.fileName() + "\t16", StandardOpenOption.APPEND);
        assertThat(index.damage()).hasValueSatisfying(problem -> assertThat(problem)
                .contains(index.file() + ", line 2").contains("unfinished").contains(SECOND.fileName() + "\\t16"));

        Files.writeString(index.file(), "000000010000000000000001\tbig\t1.0\tNone\n");
        assertThat(index.damage()).hasValueSatisfying(problem -> assertThat(problem)
                .contains(index.file() + ", line 1").contains("'big'"));
    }
}
