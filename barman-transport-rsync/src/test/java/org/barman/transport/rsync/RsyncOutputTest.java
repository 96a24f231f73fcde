package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.ReuseMode;
import org.barman.api.support.SourceChanges;
import org.junit.jupiter.api.Test;

/** What rsync prints, read back: listings, item lines, escaped names. */
class RsyncOutputTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void escapedNamesGetTheirBytesBack() {
        byte[] printed = bytes("back\\#134#012slash new\\#012line caf\u00e9 a\\b \\#1");
        String name = new String(RsyncNames.unescape(printed, 0, printed.length), StandardCharsets.UTF_8);

        assertThat(name).isEqualTo("back\\#012slash new\nline caf\u00e9 a\\b \\#1");
    }

    @Test
    void listingLinesGiveKindSizeAndName() {
        assertThat(RsyncListing.parse(bytes("drwx------           4096 2021/03/04 05:06:07 ."))).isNull();
        RsyncListing.Entry file = RsyncListing.parse(
                bytes("-rw-------        1048593 2021/03/04 05:06:07 base/5/16384"));
        assertThat(file.kind()).isEqualTo(RsyncListing.Kind.FILE);
        assertThat(file.size()).isEqualTo(1048593);
        assertThat(file.text()).isEqualTo("base/5/16384");
        assertThat(RsyncListing.parse(bytes("-rwxr-xr-x             21 2021/03/04 05:06:07 run me.sh")).text())
                .isEqualTo("run me.sh");
        assertThat(RsyncListing.parse(bytes("lrwxrwxrwx             24 2021/03/04 05:06:07 pg_tblspc/16386")).kind())
                .isEqualTo(RsyncListing.Kind.LINK);
        assertThat(RsyncListing.parse(bytes("drwxr-x---           4096 2021/03/04 05:06:07 empty")).kind())
                .isEqualTo(RsyncListing.Kind.FOLDER);
        assertThat(RsyncListing.parse(bytes("srwxrwxrwx              0 2021/03/04 05:06:07 .s.PGSQL.5432")).kind())
                .isEqualTo(RsyncListing.Kind.OTHER);
        assertThat(RsyncListing.parse(bytes("-rw-r--r--              1 2026/11/26 10:42:18 new\\#012line")).text())
                .isEqualTo("new\nline");
        assertThat(RsyncListing.parse(bytes("receiving incremental file list"))).isNull();
    }

    @Test
    void itemLinesSayWhatHappenedToEachFile() {
        ItemizedLine sent = ItemizedLine.parse(bytes("barman-item >f+++++++++ 8192 global/pg_control"));
        assertThat(sent.isFile()).isTrue();
        assertThat(sent.length()).isEqualTo(8192);
        assertThat(sent.text()).isEqualTo("global/pg_control");
        assertThat(sent.hardLinked()).isFalse();

        assertThat(ItemizedLine.parse(bytes("barman-item hf          2 a")).hardLinked()).isTrue();
        assertThat(ItemizedLine.parse(bytes("barman-item cf          2 a")).copiedLocally()).isTrue();
        assertThat(ItemizedLine.parse(bytes("barman-item cf...p..... 2 a")).copiedLocally()).isFalse();
        assertThat(ItemizedLine.parse(bytes("barman-item cf...p..... 2 a")).isFile()).isTrue();
        assertThat(ItemizedLine.parse(bytes("barman-item .f          8 sub/b")).isFile()).isTrue();
        assertThat(ItemizedLine.parse(bytes("barman-item <f+++++++++ 1 with space -> x")).text())
                .isEqualTo("with space -> x");
        assertThat(ItemizedLine.parse(bytes("barman-item cd+++++++++ 4096 empty/")).isFile()).isFalse();
        assertThat(ItemizedLine.parse(bytes("barman-item cL+++++++++ 8 lnk")).isFile()).isFalse();
        assertThat(ItemizedLine.parse(bytes("barman-item *deleting   0 stale-file")).isFile()).isFalse();
        assertThat(ItemizedLine.parse(bytes("created directory /x"))).isNull();
        assertThat(ItemizedLine.parse(bytes("barman-item >f+++++++++ x name"))).isNull();
    }

    @Test
    void progressCountsEachFileOnceAndReuseByMode() {
        List<String> events = new ArrayList<>();
        CopyListener listener = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                events.add("+" + bytes);
            }

            @Override
            public void fileDone(String relativePath) {
                events.add(relativePath);
            }
        };
        CopyProgress link = new CopyProgress(listener, ReuseMode.LINK, "rsync's output");
        for (String line : List.of("barman-item cd+++++++++ 4096 ./", "barman-item hf          10 same",
                "barman-item cf...p..... 20 chmoded", "barman-item >f+++++++++ 30 new",
                "barman-item >f.st...... 31 new",
                "barman-item >f+++++++++ 0 empty", "barman-item cL+++++++++ 8 lnk")) {
            link.accept(bytes(line));
        }

        assertThat(link.result()).isEqualTo(new CopyResult(4, 60, 1, 10));
        assertThat(events).containsExactly("+10", "same", "+20", "chmoded", "+30", "new", "empty");

        CopyProgress copy = new CopyProgress(CopyListener.NONE, ReuseMode.COPY, "rsync's output");
        copy.accept(bytes("barman-item cf          10 same"));
        copy.accept(bytes("barman-item hf          10 linked?"));
        assertThat(copy.result()).isEqualTo(new CopyResult(2, 20, 1, 0));
    }

    @Test
    void vanishedFilesAreToldFromRealErrors() {
        RsyncStderr vanished = stderr("/pgdata", "file has vanished: \"/pgdata/base/5/t1\"",
                "rsync: [sender] link_stat \"/pgdata/base/5/t2\" failed: No such file or directory (2)",
                "rsync: [sender] send_files failed to open \"/pgdata/base/5/t3\": No such file or directory (2)",
                "rsync: [sender] readlink_stat(\"/pgdata/pg_tblspc/1\") failed: No such file or directory (2)",
                "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338)");
        assertThat(vanished.vanished()).isEqualTo(4);
        assertThat(vanished.succeeded(23)).isTrue();
        assertThat(vanished.succeeded(24)).isTrue();
        assertThat(vanished.succeeded(12)).isFalse();

        RsyncStderr vanishedFolder = stderr("/pgdata", "rsync: [sender] opendir \"/pgdata/base/16384\" failed: No "
                + "such file or directory (2)", "IO error encountered -- skipping file deletion",
                "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338)");
        assertThat(vanishedFolder.succeeded(23)).isTrue();

        RsyncStderr denied = stderr("/pgdata", "rsync: [sender] send_files failed to open \"/pgdata/secret\": "
                + "Permission denied (13)", "rsync error: some files/attrs were not transferred (code 23)");
        assertThat(denied.succeeded(23)).isFalse();
        assertThat(denied.reason(23, null)).contains("Permission denied (13)").contains("code 23")
                .doesNotContain("rsync error");

        RsyncStderr missingRoot = stderr("/pgdata/", "rsync: [sender] change_dir \"/pgdata\" failed: No such file "
                + "or directory (2)");
        assertThat(missingRoot.rootMissing()).contains("change_dir");
        assertThat(missingRoot.succeeded(23)).isFalse();
    }

    @Test
    void sshFailuresAreExplained() {
        SshCommand ssh = SshCommand.parse("ssh -p 2222 postgres@pg");
        RsyncStderr refused = stderr("/pgdata", "ssh: connect to host pg port 2222: Connection refused",
                "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]",
                "rsync error: unexplained error (code 255) at io.c(232) [Receiver=3.2.7]");
        assertThat(refused.reason(255, ssh)).startsWith("ssh could not connect to postgres@pg: connection refused")
                .contains("ssh said: ssh: connect to host pg port 2222: Connection refused");

        RsyncStderr notInstalled = stderr("/pgdata", "bash: line 1: rsync: command not found",
                "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]");
        assertThat(notInstalled.reason(12, ssh)).startsWith("rsync is not installed on the remote host");
    }

    @Test
    void aPushFailsOnAVanishedFileNamingIt() {
        RsyncStderr vanished = stderr("/backup/data", SourceChanges.FATAL,
                "rsync: [sender] link_stat \"/backup/data/base/5/t2\" failed: No such file or directory (2)",
                "file has vanished: \"/backup/data/base/5/t1\"",
                "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338)");

        assertThat(vanished.succeeded(23)).isFalse();
        assertThat(vanished.succeeded(24)).isFalse();
        assertThat(vanished.firstVanished()).isEqualTo("/backup/data/base/5/t2");
        assertThat(stderr("/backup/data", SourceChanges.FATAL, "file has vanished: \"/backup/data/x\"")
                .firstVanished()).isEqualTo("/backup/data/x");
        assertThat(stderr("/backup/data", SourceChanges.FATAL).succeeded(0)).isTrue();
    }

    @Test
    void listingLinesNamingAnythingOutsideTheFolderAreRefused() {
        assertThat(listing("drwx------ 4096 2021/03/04 05:06:07 .", "drwx------ 4096 2021/03/04 05:06:07 base",
                "-rw------- 8192 2021/03/04 05:06:07 base/1259", "lrwxrwxrwx 24 2021/03/04 05:06:07 pg_tblspc"))
                .as("a listing of safe names").isNull();
        for (List<String> hostile : List.of(
                List.of("drwx------ 4096 2021/03/04 05:06:07 ../../.ssh"),
                List.of("drwx------ 4096 2021/03/04 05:06:07 /var/lib/barman/.ssh"),
                List.of("drwx------ 4096 2021/03/04 05:06:07 base/./x"),
                List.of("lrwxrwxrwx 24 2021/03/04 05:06:07 x", "-rw------- 8 2021/03/04 05:06:07 x/authorized_keys"),
                List.of("drwx------ 4096 2021/03/04 05:06:07 x/y"),
                List.of("drwx------ 4096 2021/03/04 05:06:07 x", "lrwxrwxrwx 24 2021/03/04 05:06:07 x"))) {
            assertThat(listing(hostile.toArray(String[]::new))).as(hostile.toString())
                    .startsWith("the listing of pg:/pgdata/ names '");
        }
        assertThat(listing("drwx------ 4096 2021/03/04 05:06:07 ../../.ssh")).contains("'../../.ssh'")
                .contains("'..'");
    }

    /** @return the message of the listing's refusal, or null when it accepts the lines */
    private static String listing(String... lines) {
        RsyncListing listing = new RsyncListing("the listing of pg:/pgdata/");
        for (String line : lines) {
            listing.accept(bytes(line));
        }
        try {
            listing.requireSafe();
            return null;
        } catch (BarmanException e) {
            return e.getMessage();
        }
    }

    @Test
    void itemLinesNamingAnythingOutsideTheFolderFailTheCopy() {
        CopyProgress safe = new CopyProgress(CopyListener.NONE, ReuseMode.OFF, "rsync's output");
        for (String line : List.of("barman-item cd+++++++++ 4096 ./", "barman-item cd+++++++++ 4096 base/",
                "barman-item >f+++++++++ 3 base/..x", "barman-item *deleting   0 stale/")) {
            safe.accept(bytes(line));
        }
        safe.requireSafe();

        for (String hostile : List.of("barman-item >f+++++++++ 3 ../../.ssh/authorized_keys",
                "barman-item >f+++++++++ 3 /var/lib/barman/.ssh/authorized_keys", "barman-item cd+++++++++ 4096 ../",
                "barman-item cL+++++++++ 8 base/../../x", "barman-item *deleting   0 ../stale",
                "barman-item >f+++++++++ 3 a//b")) {
            CopyProgress progress = new CopyProgress(CopyListener.NONE, ReuseMode.OFF, "rsync's output");
            progress.accept(bytes(hostile));
            assertThatThrownBy(progress::requireSafe).as(hostile).isInstanceOf(BarmanException.class)
                    .hasMessageStartingWith("rsync's output names '");
            assertThat(progress.result().files()).as("a hostile item is not counted").isZero();
        }
    }

    @Test
    void aPushComparesTheItemsWithTheListing() {
        RsyncListing listing = new RsyncListing("the listing");
        for (String line : List.of("-rw------- 8 2021/03/04 05:06:07 kept", "-rw------- 8 2021/03/04 05:06:07 gone",
                "-rw------- 8 2021/03/04 05:06:07 shrunk", "-rw------- 8 2021/03/04 05:06:07 folder")) {
            listing.accept(bytes(line));
        }
        CopyProgress progress = new CopyProgress(CopyListener.NONE, ReuseMode.OFF, "rsync's output");
        progress.accept(bytes("barman-item <f+++++++++ 8 kept"));
        progress.requireAsListed(listing, SourceChanges.TOLERATED, "/backup");

        assertThatThrownBy(() -> progress.requireAsListed(listing, SourceChanges.FATAL, "/backup"))
                .hasMessageStartingWith("cannot copy /backup/gone: it vanished during the copy");
        progress.accept(bytes("barman-item <f+++++++++ 8 gone"));
        progress.accept(bytes("barman-item <f+++++++++ 3 shrunk"));
        progress.accept(bytes("barman-item cd+++++++++ 4096 folder/"));
        assertThatThrownBy(() -> progress.requireAsListed(listing, SourceChanges.FATAL, "/backup"))
                .hasMessageContaining("/backup/shrunk: it changed size during the copy (8 bytes when listed, 3 when");
        CopyProgress another = new CopyProgress(CopyListener.NONE, ReuseMode.OFF, "rsync's output");
        for (String line : List.of("barman-item <f+++++++++ 8 kept", "barman-item <f+++++++++ 8 gone",
                "barman-item <f+++++++++ 8 shrunk", "barman-item cd+++++++++ 4096 folder/")) {
            another.accept(bytes(line));
        }
        assertThatThrownBy(() -> another.requireAsListed(listing, SourceChanges.FATAL, "/backup"))
                .hasMessageContaining("/backup/folder: it was a file when the copy listed it and is a folder now");
    }

    private static RsyncStderr stderr(String root, String... lines) {
        return stderr(root, SourceChanges.TOLERATED, lines);
    }

    private static RsyncStderr stderr(String root, SourceChanges changes, String... lines) {
        RsyncStderr stderr = new RsyncStderr(root, changes);
        for (String line : lines) {
            stderr.accept(bytes(line));
        }
        return stderr;
    }
}
