package org.barman.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.CopyListener;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.check.CheckResult;
import org.barman.core.lock.LockBusyException;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;

/**
 * A program that embeds Barman and runs {@code check} while it takes a backup of a real PostgreSQL 15 keeps its
 * backup lock: a {@code delete} from another process is still refused (before, the check's refused attempt at
 * the lock closed a descriptor of the lock file, and the operating system dropped the backup's lock with it).
 */
class CheckDuringBackupIT {

    @Test
    void aCheckDuringABackupOfTheSameProgramDoesNotLetADeleteFromAnotherProcessIn() throws Exception {
        try (BackupFixture fixture = new BackupFixture()) {
            Barman barman = fixture.barman();
            Server server = barman.server("main");
            BackupOptions wait = new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                    Optional.empty(), Duration.ofMinutes(1));
            BackupInfo first = server.takeBackup(wait, CopyListener.NONE);
            assertThat(first.status()).isEqualTo(BackupStatus.DONE);

            CountDownLatch copying = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            CompletableFuture<BackupInfo> backup = CompletableFuture.supplyAsync(() -> server.takeBackup(wait,
                    new CopyListener() {
                        @Override
                        public void fileDone(String relativePath) {
                            if (copying.getCount() > 0) {
                                copying.countDown();
                                await(resume);
                            }
                        }
                    }));
            try {
                assertThat(copying.await(2, TimeUnit.MINUTES)).isTrue();
                CheckResult lock = server.check().results().stream()
                        .filter(result -> result.name().equals("backup lock")).findFirst().orElseThrow();
                assertThat(lock.display()).startsWith("backup lock: FAILED (backup of server main is already running");

                assertThat(deleteInAnotherProcess(fixture.config(), first.id().value()))
                        .startsWith("busy backup of server main is already running (pid "
                                + ProcessHandle.current().pid());
            } finally {
                resume.countDown();
            }
            assertThat(backup.get(5, TimeUnit.MINUTES).status()).isEqualTo(BackupStatus.DONE);
            assertThat(server.catalog().find(first.id())).isPresent();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String deleteInAnotherProcess(Path config, String backupId) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DeleteProcess.class.getName(), config.toString(), "main", backupId)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return output;
    }

    /** {@code barman delete} in a process of its own: prints {@code deleted}, or {@code busy <message>}. */
    public static final class DeleteProcess {
        public static void main(String[] args) {
            Barman barman = Barman.load(Path.of(args[0]), Plugins.load());
            try {
                barman.server(args[1]).deleteBackup(args[2]);
                System.out.println("deleted");
            } catch (LockBusyException busy) {
                System.out.println("busy " + busy.getMessage());
            }
        }
    }
}
