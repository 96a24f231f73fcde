package org.barman.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.barman.api.support.FileSyncer;
import org.barman.api.support.LocalTrees;
import org.barman.testkit.FailingFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileSyncer#atTheEnd()}: files closed as soon as written, one {@code sync -f} per file system at the end,
 * and a write the disk refused on its way there fails {@code finish()}, on a real ext4 whose data writes fail once
 * its backing tmpfs is full ({@link FailingFileSystem}).
 */
class SyncAtTheEndIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path workspace;

    private static void write(FileSyncer syncer, Path file, int size) throws IOException {
        FileChannel channel = LocalTrees.createFile(file);
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        ByteBuffer data = ByteBuffer.wrap(bytes);
        while (data.hasRemaining()) {
            channel.write(data);
        }
        syncer.syncAndClose(channel, file);
        assertThat(channel.isOpen()).as("closed at once").isFalse();
    }

    @Test
    void filesAreClosedAtOnceAndTheFileSystemIsSyncedAtTheEnd() throws Exception {
        FileSyncer syncer = FileSyncer.atTheEnd();
        Path folder = Files.createDirectory(workspace.resolve("copy"));
        for (int i = 0; i < 50; i++) {
            write(syncer, folder.resolve("f" + i), 4096);
        }
        syncer.syncFolder(folder);
        syncer.finish();
        assertThat(Files.size(folder.resolve("f49"))).isEqualTo(4096);
    }

    @Test
    void aWriteTheDiskRefusedFailsTheFinish() throws Exception {
        try (FailingFileSystem disk = FailingFileSystem.mount(workspace)) {
            FileSyncer syncer = FileSyncer.atTheEnd();
            Path folder = Files.createDirectory(disk.root().resolve("copy"));
            disk.limitRoom(4L * MIB);
            write(syncer, folder.resolve("large"), 16 * MIB);
            syncer.syncFolder(folder);

            assertThatThrownBy(syncer::finish).as(disk.description()).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot sync the file system of " + folder + " (sync -f)");
        }
    }
}
