package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsyncRemoteShellTest {

    @TempDir
    Path folder;

    /** rsync's own parser of -e (spaces and quotes, no backslash) gives the remote shell the same words. */
    @Test
    void rsyncReadsItsRemoteShellWordsBack() throws IOException, InterruptedException {
        Path script = folder.resolve("fake ssh");
        Path record = folder.resolve("arguments");
        Files.writeString(script, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + record
                + "'\nexit 1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        List<String> words = List.of(script.toString(), "-o", "A=b c", "it's", "\"dq\"", "a''b", "x\\y", "");
        Process rsync = new ProcessBuilder("rsync", "--list-only", "-e", RsyncRemoteShell.of(words),
                "user@host:/nothing/").redirectErrorStream(true).start();
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        rsync.getInputStream().transferTo(ignored);
        rsync.waitFor();
        List<String> received = Files.readAllLines(record);
        assertThat(received.subList(0, words.size() - 1)).containsExactlyElementsOf(words.subList(1, words.size()));
        assertThat(received.get(words.size() - 1)).isEqualTo("-l");
    }
}
