package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.barman.api.BarmanException;
import org.barman.api.Exclusions;
import org.barman.api.support.SourceChanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listing command runs here through the real {@code sh} and GNU {@code find}, as the remote shell runs it. */
class RemoteListingTest {

    @TempDir
    Path folder;

    private static byte[] runLocally(String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).isZero();
        return output;
    }

    @Test
    void findSeesWhatJavaSeesToTheNanosecond() throws Exception {
        Path root = Files.createDirectories(folder.resolve("data with 'quotes'"));
        Files.createDirectories(root.resolve("base/1"));
        Files.writeString(root.resolve("base/1/1259"), "x".repeat(8192));
        Files.writeString(root.resolve("name with\nnewline"), "odd but legal\n");
        Files.writeString(root.resolve("-starts-with-dash"), "");
        Files.setPosixFilePermissions(root.resolve("-starts-with-dash"), PosixFilePermissions.fromString("r-x--x---"));
        Files.setLastModifiedTime(root.resolve("base/1/1259"), FileTime.from(Instant.parse(
                "2024-05-06T07:08:09.123456789Z")));
        Files.createSymbolicLink(root.resolve("link"), Path.of("../somewhere else"));

        List<TreeEntry> listed = RemoteListing.parse(runLocally(RemoteListing.command(root.toString(), false)),
                root.toString(), "here");

        assertThat(listed.get(0).path()).as("the root comes first").isEmpty();
        Map<String, TreeEntry> byPath = listed.stream().collect(Collectors.toMap(TreeEntry::path,
                Function.identity()));
        Map<String, TreeEntry> expected = LocalFiles.list(root, Exclusions.NONE, SourceChanges.FATAL).stream()
                .collect(Collectors.toMap(TreeEntry::path, Function.identity()));
        assertThat(byPath).isEqualTo(expected);
        assertThat(byPath.get("base/1/1259").modified().toInstant()).isEqualTo(
                Instant.parse("2024-05-06T07:08:09.123456789Z"));
        assertThat(byPath.get("-starts-with-dash").mode()).isEqualTo(0510);
        assertThat(byPath.get("link").linkTarget()).isEqualTo("../somewhere else");
        assertThat(byPath.get("name with\nnewline").size()).isEqualTo(14);
        for (int i = 1; i < listed.size(); i++) {
            String parent = listed.get(i).parent();
            assertThat(listed.subList(0, i).stream().map(TreeEntry::path)).as("the folder of " + listed.get(i)
                    + " comes before it").contains(parent);
        }
    }

    @Test
    void theCreatingFormMakesTheFolderAndItsParents() throws Exception {
        Path root = folder.resolve("new/deeper/pgdata");

        List<TreeEntry> listed = RemoteListing.parse(runLocally(RemoteListing.command(root.toString(), true)),
                root.toString(), "here");

        assertThat(root).isDirectory();
        assertThat(listed).singleElement().satisfies(entry -> assertThat(entry.kind())
                .isEqualTo(TreeEntry.Kind.FOLDER));
    }

    @Test
    void exclusionsLeaveOutEntriesAndTheContentOfExcludedFolders() {
        List<TreeEntry> entries = List.of(folder(""), folder("pg_wal"), file("pg_wal/0001"), folder("pg_wal/x"),
                file("pg_wal/x/y"), folder("base"), folder("base/pgsql_tmp"), file("base/pgsql_tmp/t1"),
                file("base/1"), file("postmaster.pid"));

        List<TreeEntry> kept = RemoteListing.keep(entries, Exclusions.of(List.of("/pg_wal/*", "pgsql_tmp*",
                "/postmaster.pid")));

        assertThat(kept.stream().map(TreeEntry::path)).containsExactly("", "pg_wal", "base", "base/1");
    }

    private static TreeEntry folder(String path) {
        return new TreeEntry(path, TreeEntry.Kind.FOLDER, 0700, 0, FileTime.fromMillis(0), null);
    }

    private static TreeEntry file(String path) {
        return new TreeEntry(path, TreeEntry.Kind.FILE, 0600, 1, FileTime.fromMillis(0), null);
    }

    @Test
    void timesAsFindPrintsThem() {
        assertThat(RemoteListing.time("1614834367.1234567890").toInstant())
                .isEqualTo(Instant.parse("2021-03-04T05:06:07.123456789Z"));
        assertThat(RemoteListing.time("1614834367").toInstant()).isEqualTo(Instant.parse("2021-03-04T05:06:07Z"));
        assertThat(RemoteListing.time("-1.5000000000").toInstant()).isEqualTo(Instant.ofEpochMilli(-1500));
    }

    @Test
    void otherKindsAreLeftOutAndGarbageIsRefused() {
        byte[] output = ("d 755 4096 1.0 \0\0p 644 0 1.0 fifo\0\0f 640 3 2.5 a b\0\0l 777 7 3.0 l\0target\0")
                .getBytes(StandardCharsets.UTF_8);
        List<TreeEntry> entries = RemoteListing.parse(output, "/r", "here");
        assertThat(entries.stream().map(TreeEntry::path)).containsExactly("", "a b", "l");
        assertThat(entries.get(1).mode()).isEqualTo(0640);
        assertThat(entries.get(2).linkTarget()).isEqualTo("target");

        assertThatThrownBy(() -> RemoteListing.parse("f 640 3\0\0".getBytes(StandardCharsets.UTF_8), "/r", "here"))
                .isInstanceOf(BarmanException.class).hasMessageContaining("unexpected listing line");
        assertThatThrownBy(() -> RemoteListing.parse("f 640 3 2.5 a\0".getBytes(StandardCharsets.UTF_8), "/r",
                "here")).isInstanceOf(BarmanException.class).hasMessageContaining("middle of an entry");
    }

    @Test
    void aListingThatNamesAnythingOutsideTheFolderIsRefusedNamingTheEntry() {
        RemoteListing.checkPaths(List.of(folder(""), folder("base"), file("base/1"), link("pg_tblspc")), "/r",
                "here");

        assertThatThrownBy(() -> RemoteListing.checkPaths(List.of(folder(""), folder("../x")), "/r", "here"))
                .isInstanceOf(BarmanException.class).hasMessageContaining("the listing of /r on here names '../x'");
        assertThatThrownBy(() -> RemoteListing.checkPaths(List.of(folder(""), link("l"), file("l/f")), "/r",
                "here")).isInstanceOf(BarmanException.class).hasMessageContaining("'l/f'");
        assertThatThrownBy(() -> RemoteListing.checkPaths(List.of(link("")), "/r", "here"))
                .isInstanceOf(BarmanException.class).hasMessageContaining("names the folder itself as a link");
    }

    private static TreeEntry link(String path) {
        return new TreeEntry(path, TreeEntry.Kind.LINK, 0777, 0, FileTime.fromMillis(0), "/somewhere");
    }

    @Test
    void pathsInFindsMessages() {
        assertThat(RemoteListing.pathOf("find: './lost+found': Permission denied")).isEqualTo("lost+found");
        assertThat(RemoteListing.pathOf("find: './it\\'s': Permission denied")).isEqualTo("it's");
        assertThat(RemoteListing.pathOf("find: '.': Permission denied")).isEmpty();
        assertThat(RemoteListing.pathOf("something else")).isNull();
    }
}
