package org.barman.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index cut short at any byte (see {@link TornIndex}) loses no complete line and takes the next append. */
class XlogDbPropertiesTest {

    private static final WalFileInfo NEXT = new WalFileInfo(WalSegmentName.parse("0000000A00000000000000FF"),
            4242, 1_700_000_000.25, "zstd");

    @TempDir
    Path wals;

    private XlogDb write(TornIndex torn) {
        XlogDb index = new XlogDb(wals);
        try {
            Files.deleteIfExists(index.file());
            for (List<WalFileInfo> batch : torn.batches()) {
                index.append(batch);
            }
            byte[] whole = Files.readAllBytes(index.file());
            assertThat(new String(whole, StandardCharsets.UTF_8)).isEqualTo(torn.text());
            Files.write(index.file(), java.util.Arrays.copyOf(whole, torn.cut()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return index;
    }

    private static Optional<WalFileInfo> lastOf(List<WalFileInfo> entries, WalSegmentName name) {
        return entries.stream().filter(entry -> entry.name().equals(name)).reduce((first, second) -> second);
    }

    @Test
    void aTornIndexReadsAsItsCompleteLinesAndFindNeverReadsTheTornOne() {
        TornIndex.forAll(400, torn -> {
            XlogDb index = write(torn);
            assertThat(index.read()).isEqualTo(torn.complete());
            for (WalFileInfo entry : torn.entries()) {
                assertThat(index.find(entry.name())).as(entry.name().fileName())
                        .isEqualTo(lastOf(torn.complete(), entry.name()));
            }
        });
    }

    @Test
    void theAppendAfterATornLineKeepsEveryCompleteLineAndParses() {
        TornIndex.forAll(400, torn -> {
            XlogDb index = write(torn);
            try {
                index.append(List.of(NEXT));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<WalFileInfo> expected = new ArrayList<>(torn.complete());
            expected.add(NEXT);
            assertThat(index.read()).isEqualTo(expected);
            assertThat(index.damage()).isEmpty();
            assertThat(index.find(NEXT.name())).contains(NEXT);
            for (WalFileInfo entry : torn.entries()) {
                assertThat(index.find(entry.name())).as(entry.name().fileName())
                        .isEqualTo(lastOf(torn.complete(), entry.name()));
            }
        });
    }
}
