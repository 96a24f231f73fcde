package org.barman.core.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.barman.core.lock.FileLock;

/**
 * A lock held by another process (a recovery, a deletion, a backup of another {@code barman}), until
 * {@link #close()} kills it with SIGKILL.
 */
public final class LockHolderProcess implements AutoCloseable {

    private final Process process;

    private LockHolderProcess(Process process) {
        this.process = process;
    }

    /**
     * @param lockFile the lock file
     * @param mode how to hold it
     * @return the process, once it holds the lock
     * @throws IOException when it cannot start or does not get the lock
     */
    public static LockHolderProcess start(Path lockFile, FileLock.Mode mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LockHolderProcess.class.getName(), lockFile.toString(), mode.name())).redirectErrorStream(true)
                .start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (!"locked".equals(line)) {
            process.destroyForcibly();
            throw new IOException("the lock holder process did not get " + lockFile + ": " + line);
        }
        return new LockHolderProcess(process);
    }

    /** @return the holder's pid */
    public long pid() {
        return process.pid();
    }

    /** Kills the holder (SIGKILL) and waits for its end, which releases the lock. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("lock holder " + process.pid() + " did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Holds a lock until killed.
     *
     * @param args the lock file and the mode, {@code EXCLUSIVE} or {@code SHARED}
     * @throws InterruptedException never in practice: the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        try (FileLock lock = FileLock.tryAcquire(Path.of(args[0]), FileLock.Mode.valueOf(args[1]), "test holder")) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }
}
