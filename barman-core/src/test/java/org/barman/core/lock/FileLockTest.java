package org.barman.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLockTest {

    @TempDir
    Path dir;

    @Test
    void usesBarmansFileNames() {
        assertThat(Locks.path(dir, "main", Locks.Kind.BACKUP)).hasFileName(".main-backup.lock");
        assertThat(Locks.path(dir, "main", Locks.Kind.ARCHIVE_WAL)).hasFileName(".main-archive-wal.lock");
        assertThat(Locks.path(dir, "main", Locks.Kind.CRON)).hasFileName(".main-cron.lock");
        assertThat(Locks.path(dir, "main", Locks.Kind.XLOGDB)).hasFileName(".main-xlogdb.lock");
        try (FileLock cron = Locks.cron(dir)) {
            assertThat(cron.path()).hasFileName(".cron.lock");
        }
    }

    @Test
    void aSecondHolderInTheSameProcessIsRefusedUntilRelease() throws IOException {
        try (FileLock first = Locks.server(dir, "main", Locks.Kind.BACKUP)) {
            assertThat(Files.readString(first.path()).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> Locks.server(dir, "main", Locks.Kind.BACKUP))
                    .isInstanceOf(LockBusyException.class)
                    .hasMessage("backup of server main is already running (pid " + ProcessHandle.current().pid()
                            + ", lock file " + dir.resolve(".main-backup.lock") + ")");
            try (FileLock other = Locks.server(dir, "other", Locks.Kind.BACKUP)) {
                assertThat(other.path()).exists();
            }
        }
        try (FileLock again = Locks.server(dir, "main", Locks.Kind.BACKUP)) {
            assertThat(again.path()).exists();
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathReleasesIt() throws Exception {
        Path lockFile = Locks.path(dir, "main", Locks.Kind.ARCHIVE_WAL);
        Process holder = startHolder(lockFile);
        try {
            assertThatThrownBy(() -> Locks.server(dir, "main", Locks.Kind.ARCHIVE_WAL))
                    .isInstanceOf(LockBusyException.class)
                    .satisfies(e -> assertThat(((LockBusyException) e).holderPid()).isEqualTo(holder.pid()))
                    .hasMessageContaining("WAL archiving of server main is already running (pid " + holder.pid());
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (FileLock lock = Locks.server(dir, "main", Locks.Kind.ARCHIVE_WAL)) {
            assertThat(Files.readString(lock.path()).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    private static Process startHolder(Path lockFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), lockFile.toString())).redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = reader.readLine();
        assertThat(line).as("the holder process reports it holds the lock").isEqualTo("locked");
        return process;
    }

    /** Holds a lock until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws InterruptedException {
            try (FileLock lock = FileLock.tryAcquire(Path.of(args[0]), "test")) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(600_000);
            }
        }
    }
}
