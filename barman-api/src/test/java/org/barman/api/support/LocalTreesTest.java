package org.barman.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.barman.api.BarmanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTreesTest {

    @TempDir
    Path folder;

    @Test
    void aNewFileReplacesAHardLinkWithoutWritingIntoThePreviousBackup() throws IOException {
        Path previous = Files.writeString(folder.resolve("previous"), "the previous backup's copy");
        Path file = Files.createLink(folder.resolve("file"), previous);

        try (FileChannel channel = LocalTrees.createFile(file)) {
            channel.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
        }

        assertThat(Files.readString(previous)).isEqualTo("the previous backup's copy");
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aNewFileReplacesALinkAtItsPlaceInsteadOfWritingThroughIt() throws IOException {
        Path outside = Files.writeString(folder.resolve("outside"), "precious");
        Path file = Files.createSymbolicLink(folder.resolve("file"), outside);

        try (FileChannel channel = LocalTrees.createFile(file)) {
            channel.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
        }

        assertThat(Files.readString(outside)).isEqualTo("precious");
        assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void insideRefusesAPathThroughALinkOrAFileAndUnsafePaths() throws IOException {
        Path destination = Files.createDirectories(folder.resolve("data/base/1").getParent().getParent());
        Files.createDirectories(destination.resolve("base/1"));
        Files.createSymbolicLink(destination.resolve("link"), folder);
        Files.writeString(destination.resolve("file"), "x");

        assertThat(LocalTrees.inside(destination, "")).isEqualTo(destination);
        assertThat(LocalTrees.inside(destination, "base/1/1259")).isEqualTo(destination.resolve("base/1/1259"));
        assertThat(LocalTrees.inside(destination, "link")).as("the entry itself may be a link: it is replaced")
                .isEqualTo(destination.resolve("link"));
        assertThat(LocalTrees.inside(destination, "missing/deeper/file")).isEqualTo(
                destination.resolve("missing/deeper/file"));
        assertThatThrownBy(() -> LocalTrees.inside(destination, "link/file")).isInstanceOf(BarmanException.class)
                .hasMessageContaining(destination.resolve("link") + " is a link");
        assertThatThrownBy(() -> LocalTrees.inside(destination, "file/x")).isInstanceOf(BarmanException.class)
                .hasMessageContaining(destination.resolve("file") + " is not a folder");
        assertThatThrownBy(() -> LocalTrees.inside(destination, "../outside")).isInstanceOf(BarmanException.class)
                .hasMessageContaining("'../outside'");
        assertThatThrownBy(() -> LocalTrees.inside(destination, "/etc/passwd")).isInstanceOf(BarmanException.class)
                .hasMessageContaining("absolute");
    }

    @Test
    void ensureFolderSaysWhetherTheFolderExistedAndReplacesWhatIsNotOne() throws IOException {
        Path created = folder.resolve("created");
        Path existing = Files.createDirectory(folder.resolve("existing"));
        Path file = Files.writeString(folder.resolve("was-a-file"), "x");

        assertThat(LocalTrees.ensureFolder(created)).isFalse();
        assertThat(LocalTrees.ensureFolder(existing)).isTrue();
        assertThat(LocalTrees.ensureFolder(file)).isFalse();
        assertThat(Files.isDirectory(file)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwx------");
    }

    @Test
    void deleteTreeRemovesReadOnlyFoldersAndLinksButNotWhatTheyPointTo() throws IOException {
        Path kept = Files.writeString(folder.resolve("kept"), "kept");
        Path tree = Files.createDirectories(folder.resolve("tree/inner"));
        Files.writeString(tree.resolve("file"), "x");
        LocalTrees.createLink(folder.resolve("tree/link"), kept.toString());
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("r-x------"));

        LocalTrees.deleteTree(folder.resolve("tree"));

        assertThat(folder.resolve("tree")).doesNotExist();
        assertThat(Files.readString(kept)).isEqualTo("kept");
        assertThat(Files.exists(folder.resolve("tree"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void theParentsOfACopyAreCreatedForTheirOwnerOnlyWhateverTheUmask() throws IOException {
        Path tree = folder.resolve("main/base/20240101T000000/data");

        LocalTrees.createParents(tree);

        for (Path parent : new Path[] {folder.resolve("main"), folder.resolve("main/base"),
                folder.resolve("main/base/20240101T000000")}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(parent, LinkOption.NOFOLLOW_LINKS)))
                    .as(parent.toString()).isEqualTo("rwx------");
        }
    }
}
