package org.barman.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.core.io.Durable;
import org.barman.testkit.FailingFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails on its way to the disk must fail the copy. Linux reports a write-back error once per open file:
 * when the early write-back of a large file ({@code fdatasync} after the first 64 MiB) gets it, the final
 * {@code fsync} of the same file succeeds, so an early write-back that drops its error lets a backup with lost pages
 * end DONE. The disk here is {@link FailingFileSystem}: a real ext4 whose data writes fail once its backing tmpfs is
 * full.
 */
class SwallowedWriteBackErrorIT {

    private static final int MIB = 1024 * 1024;
    /** Larger than the copy's write-back step (64 MiB), so that its early write-back runs before the last part. */
    private static final int LARGE_FILE = 72 * MIB;

    @TempDir
    Path workspace;

    private FailingFileSystem disk;

    @BeforeEach
    void mountTheFailingDisk() {
        disk = FailingFileSystem.mount(workspace);
        System.out.println(getClass().getSimpleName() + " writes on " + disk.description());
    }

    @AfterEach
    void unmount() {
        disk.close();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void theDiskFailsAWriteBackAndReportsItToTheFirstFsyncOnly() throws IOException {
        Path file = disk.root().resolve("probe");
        disk.limitRoom(4L * MIB);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.wrap(random(16 * MIB));
            while (data.hasRemaining()) {
                channel.write(data);
            }

            assertThatThrownBy(() -> channel.force(false)).as(disk.description()).isInstanceOf(IOException.class);
            channel.force(true);
        }
    }

    @Test
    void anEarlyWriteBackErrorFailsTheLocalCopyNamingTheFile() throws IOException {
        Path source = workspace.resolve("pgdata");
        Files.createDirectories(source);
        Files.write(source.resolve("16384"), random(LARGE_FILE));
        Path target = disk.root().resolve("data");
        Files.createDirectory(target);
        disk.limitRoom(8L * MIB);
        AtomicLong copied = new AtomicLong();
        AtomicBoolean writeBackFailed = new AtomicBoolean();
        CopyListener giveRoomOnceTheWriteBackFailed = new CopyListener() {
            @Override
            public void transferred(long bytes) {
                if (copied.addAndGet(bytes) >= 64L * MIB && writeBackFailed.compareAndSet(false, true)) {
                    disk.awaitFull(Duration.ofMinutes(1));
                    awaitWriteBack(target.resolve("16384"));
                    disk.addRoom(256L * MIB);
                }
            }
        };
        Transport transport = new LocalTransportProvider().create(PluginOptions.of(Map.of()));

        assertThatThrownBy(() -> transport.pull(CopyJob.of(source.toString(), target), giveRoomOnceTheWriteBackFailed))
                .as("copy onto " + disk.description()).isInstanceOf(BarmanException.class)
                .hasMessageContaining("cannot fsync " + target.resolve("16384"));
        assertThat(writeBackFailed).as("the copy reached the write-back step").isTrue();
    }

    @Test
    void aDurableWriteReportsAWriteBackError() {
        Path file = disk.root().resolve("backup.info");
        disk.limitRoom(4L * MIB);
        byte[] content = random(16 * MIB);

        assertThatThrownBy(() -> Durable.write(file, (OutputStream out) -> out.write(content)))
                .as(disk.description()).isInstanceOf(IOException.class);
        assertThat(file).doesNotExist();
    }

    /**
     * Waits for the pages being written back to be done with (a file's own {@code fdatasync} waits for them), and a
     * little more, so that the copy's write-back has returned before the copy goes on.
     */
    private static void awaitWriteBack(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(false);
        } catch (IOException e) {
            // the error is the disk's, expected: this fsync only waits for the write-back in progress
        }
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
