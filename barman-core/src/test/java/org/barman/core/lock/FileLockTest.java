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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

    @Test
    void aRefusedSecondAttemptInTheSameProcessKeepsTheLockAgainstOtherProcesses() throws Exception {
        Path lockFile = Locks.path(dir, "main", Locks.Kind.BACKUP);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> backupFailure = new AtomicReference<>();
        Thread backup = new Thread(() -> {
            try (FileLock lock = Locks.server(dir, "main", Locks.Kind.BACKUP)) {
                held.countDown();
                release.await();
            } catch (Throwable e) {
                backupFailure.set(e);
                held.countDown();
            }
        }, "backup");
        backup.start();
        held.await();
        AtomicReference<Throwable> checkOutcome = new AtomicReference<>();
        Thread check = new Thread(() -> {
            try (FileLock lock = Locks.server(dir, "main", Locks.Kind.BACKUP)) {
                checkOutcome.set(null);
            } catch (Throwable e) {
                checkOutcome.set(e);
            }
        }, "check");
        check.start();
        check.join();
        try {
            assertThat(checkOutcome.get()).as("the second holder in this process").isInstanceOf(LockBusyException.class);
            assertThat(probe(lockFile, "exclusive")).as("another process, after the refused attempt")
                    .isEqualTo("busy " + ProcessHandle.current().pid());
        } finally {
            release.countDown();
            backup.join();
        }
        assertThat(backupFailure.get()).isNull();
        assertThat(probe(lockFile, "exclusive")).as("another process, once released").isEqualTo("locked");
    }

    @Test
    void sharedHoldersOfThisProcessAndAnotherOneShareTheLockUntilTheLastOneReleasesIt() throws Exception {
        Path lockFile = dir.resolve(".main-20240101T000000.lock");
        FileLock first = FileLock.tryAcquire(lockFile, FileLock.Mode.SHARED, "backup being deleted");
        FileLock second = runInThread(() -> FileLock.tryAcquire(lockFile, FileLock.Mode.SHARED, "backup being deleted"));
        assertThat(second.mode()).isEqualTo(FileLock.Mode.SHARED);
        assertThat(probe(lockFile, "shared")).as("a shared lock in another process").isEqualTo("locked");
        long pid = ProcessHandle.current().pid();
        assertThat(probe(lockFile, "exclusive")).as("an exclusive lock in another process").isEqualTo("busy " + pid);
        assertThatThrownBy(() -> FileLock.tryAcquire(lockFile, FileLock.Mode.EXCLUSIVE, "backup in use"))
                .isInstanceOf(LockBusyException.class)
                .hasMessage("backup in use (pid " + pid + ", lock file " + lockFile + ")");

        first.close();
        first.close();
        assertThat(probe(lockFile, "exclusive")).as("with one shared holder left").isEqualTo("busy " + pid);
        second.close();
        assertThat(probe(lockFile, "exclusive")).as("once the last shared holder released it").isEqualTo("locked");
    }

    @Test
    void anExclusiveHolderKeepsSharedOnesOutInThisProcessAndInOthers() throws Exception {
        Path lockFile = dir.resolve(".main-20240101T000000.lock");
        try (FileLock removal = FileLock.tryAcquire(lockFile, FileLock.Mode.EXCLUSIVE, "backup in use")) {
            Throwable refused = runInThread(() -> {
                try {
                    FileLock.tryAcquire(lockFile, FileLock.Mode.SHARED, "backup being deleted").close();
                    return null;
                } catch (LockBusyException busy) {
                    return busy;
                }
            });
            assertThat(refused).isInstanceOf(LockBusyException.class).hasMessageStartingWith("backup being deleted");
            assertThat(probe(lockFile, "shared")).isEqualTo("busy " + ProcessHandle.current().pid());
            assertThat(probe(lockFile, "exclusive")).isEqualTo("busy " + ProcessHandle.current().pid());
        }
        assertThat(probe(lockFile, "shared")).isEqualTo("locked");
    }

    @Test
    void aSharedHolderInAnotherProcessKeepsAnExclusiveOneOutAndIsNamed() throws Exception {
        Path lockFile = dir.resolve(".main-20240101T000000.lock");
        Process holder = startHolder(lockFile, "shared");
        try {
            try (FileLock reader = FileLock.tryAcquire(lockFile, FileLock.Mode.SHARED, "backup being deleted")) {
                assertThat(reader.path()).isEqualTo(lockFile);
            }
            assertThatThrownBy(() -> FileLock.tryAcquire(lockFile, FileLock.Mode.EXCLUSIVE, "backup in use"))
                    .isInstanceOf(LockBusyException.class)
                    .satisfies(e -> assertThat(((LockBusyException) e).holderPid()).as("the process holding it, "
                            + "not the last one that wrote its pid into the file").isEqualTo(holder.pid()));
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (FileLock removal = FileLock.tryAcquire(lockFile, FileLock.Mode.EXCLUSIVE, "backup in use")) {
            assertThat(removal.mode()).isEqualTo(FileLock.Mode.EXCLUSIVE);
        }
    }

    private static <T> T runInThread(java.util.concurrent.Callable<T> work) throws Exception {
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return thread.submit(work).get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdown();
        }
    }

    /** Runs {@link LockProbe} in a process of its own and returns what it printed. */
    private static String probe(Path lockFile, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), lockFile.toString(), mode)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** Tries a lock once, {@code exclusive} or {@code shared}, and prints {@code locked}, or {@code busy <pid>}. */
    public static final class LockProbe {
        public static void main(String[] args) {
            try (FileLock lock = FileLock.tryAcquire(Path.of(args[0]), FileLock.Mode.valueOf(
                    args[1].toUpperCase(java.util.Locale.ROOT)), "probe")) {
                System.out.println("locked");
            } catch (LockBusyException busy) {
                System.out.println("busy " + busy.holderPid());
            }
        }
    }

    private static Process startHolder(Path lockFile) throws IOException {
        return startHolder(lockFile, "exclusive");
    }

    private static Process startHolder(Path lockFile, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), lockFile.toString(), mode)).redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = reader.readLine();
        assertThat(line).as("the holder process reports it holds the lock").isEqualTo("locked");
        return process;
    }

    /** Holds a lock, {@code exclusive} or {@code shared}, until killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws InterruptedException {
            try (FileLock lock = FileLock.tryAcquire(Path.of(args[0]), FileLock.Mode.valueOf(
                    args[1].toUpperCase(java.util.Locale.ROOT)), "test")) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(600_000);
            }
        }
    }
}
