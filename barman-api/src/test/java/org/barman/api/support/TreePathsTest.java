package org.barman.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;

class TreePathsTest {

    @Test
    void pathsInsideTheFolderAreSafe() {
        for (String path : new String[] {"PG_VERSION", "base/1/1259", "a b/c..d", "..x", "x..", ".hidden", "...",
                "name with\nnewline", "données/été"}) {
            assertThat(TreePaths.problem(path)).as(path).isEmpty();
        }
    }

    @Test
    void pathsThatCouldLeaveTheFolderAreNamedWithTheReason() {
        assertThat(TreePaths.problem("")).contains("is empty");
        assertThat(TreePaths.problem("/etc/passwd")).contains("is absolute");
        assertThat(TreePaths.problem("..")).contains("has a '..' component");
        assertThat(TreePaths.problem("../../..")).contains("has a '..' component");
        assertThat(TreePaths.problem("base/../../x")).contains("has a '..' component");
        assertThat(TreePaths.problem("base/..")).contains("has a '..' component");
        assertThat(TreePaths.problem(".")).contains("has a '.' component");
        assertThat(TreePaths.problem("./base")).contains("has a '.' component");
        assertThat(TreePaths.problem("base//1")).contains("has an empty component");
        assertThat(TreePaths.problem("base/")).contains("has an empty component");
        assertThat(TreePaths.problem("a\0b")).contains("holds a NUL character");
    }

    /** Whatever a safe path is, it resolves to a path inside the folder, the way Java and the kernel read it. */
    @Test
    void everySafePathStaysInsideTheFolder() {
        Path root = Path.of("/backups/main/base/1/data");
        qt().forAll(lists().of(strings().betweenCodePoints('.', '0').ofLengthBetween(0, 3)).ofSizeBetween(1, 5))
                .check(components -> {
                    String path = String.join("/", components);
                    return TreePaths.problem(path).isPresent()
                            || root.resolve(path).normalize().startsWith(root) && !root.resolve(path).normalize()
                                    .equals(root);
                });
    }

    @Test
    void requireSafeNamesThePathWhatNamedItAndWhy() {
        assertThat(TreePaths.requireSafe("base/1", "the listing")).isEqualTo("base/1");
        assertThatThrownBy(() -> TreePaths.requireSafe("../x", "the listing of /pgdata on pg"))
                .isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("the listing of /pgdata on pg names '../x', which has a '..' component");
    }

    @Test
    void aListingNamesEachEntryOnceInsideAFolderListedBefore() {
        TreePaths.Listing listing = TreePaths.listing("the listing");
        listing.add("base", true);
        listing.add("base/1", true);
        listing.add("base/1/1259", false);
        listing.add("pg_tblspc", true);
        listing.add("pg_tblspc/16385", false);
        listing.add("PG_VERSION", false);

        assertThatThrownBy(() -> listing.add("base", true)).hasMessageContaining("names 'base', which is listed twice");
        assertThatThrownBy(() -> listing.add("pg_tblspc/16385/PG_15", true))
                .hasMessageContaining("'pg_tblspc/16385/PG_15', which is in 'pg_tblspc/16385', which is listed as a "
                        + "link or a file");
        assertThatThrownBy(() -> listing.add("global/pg_control", false))
                .hasMessageContaining("'global/pg_control', which is in 'global', which is not listed before it");
        assertThatThrownBy(() -> listing.add("", true)).hasMessageContaining("'', which is empty");
        assertThatThrownBy(() -> listing.add("base/../..", true)).hasMessageContaining("'..'");
    }

    @Test
    void aFolderListingRefusesWhatIsNotInAFolderListedBeforeWithoutRememberingFiles() {
        TreePaths.Listing listing = TreePaths.folderListing("the archive");
        listing.add("base", true);
        listing.add("base/1259", false);
        listing.add("pg_tblspc", true);
        listing.add("pg_tblspc/16385", false);

        assertThatThrownBy(() -> listing.add("base", false)).hasMessageContaining("names 'base', which is listed "
                + "twice");
        assertThatThrownBy(() -> listing.add("pg_tblspc/16385/PG_15", true))
                .hasMessageContaining("which is in 'pg_tblspc/16385', which is not listed before it");
        assertThatThrownBy(() -> listing.add("base/1259/x", false))
                .hasMessageContaining("which is in 'base/1259', which is not listed before it");
        assertThatThrownBy(() -> listing.add("../x", false)).hasMessageContaining("'..'");
    }

    @Test
    void aTarEntryNameLosesItsLeadingDotSlashAndTrailingSlashes() {
        assertThat(TreePaths.tarEntryPath("./pg_wal/archive_status/")).isEqualTo("pg_wal/archive_status");
        assertThat(TreePaths.tarEntryPath("base//")).isEqualTo("base");
        assertThat(TreePaths.tarEntryPath("PG_VERSION")).isEqualTo("PG_VERSION");
        assertThat(TreePaths.tarEntryPath(".././x")).isEqualTo(".././x");
    }
}
