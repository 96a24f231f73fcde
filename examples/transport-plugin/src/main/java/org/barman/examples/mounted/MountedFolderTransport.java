package org.barman.examples.mounted;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Exclusions;
import org.barman.api.ReuseMode;
import org.barman.api.Transport;
import org.barman.api.support.SourceChanges;

/**
 * A transport whose remote side is a mounted folder: a remote path {@code /var/lib/postgresql/15/main} with
 * {@code mounted_remote_root = /var/lib/postgresql} and {@code mounted_local_root = /mnt/pg} is read (backup) and
 * written (recovery) at {@code /mnt/pg/15/main}. Copies are {@link FolderCopy}s, throttled to the job's bandwidth
 * limit. Commands run through {@code ssh_command} when it is set, else on this host.
 *
 * <p>One thread copies; {@code parallel_jobs} is ignored, which the contract allows (the copy is the same).
 */
final class MountedFolderTransport implements Transport {

    private final Path remoteRoot;
    private final Path localRoot;
    private final String sshCommand;

    /**
     * @param remoteRoot the mounted folder as the PostgreSQL host names it
     * @param localRoot where it is mounted on this host
     * @param sshCommand how commands reach the PostgreSQL host, or null to run them here
     */
    MountedFolderTransport(Path remoteRoot, Path localRoot, String sshCommand) {
        this.remoteRoot = remoteRoot;
        this.localRoot = localRoot;
        this.sshCommand = sshCommand;
    }

    @Override
    public String name() {
        return MountedFolderTransportProvider.NAME;
    }

    @Override
    public CopyResult pull(CopyJob job, CopyListener listener) {
        Path source = mounted(job.remotePath());
        return FolderCopy.copy(new FolderCopy.Settings(source, job.remotePath(), job.localPath(),
                exclusions(job), job.reuseMode(), job.reference(), job.bandwidthLimitKbps(), SourceChanges.TOLERATED),
                listener == null ? CopyListener.NONE : listener);
    }

    @Override
    public CopyResult push(CopyJob job, CopyListener listener) {
        Path target = mounted(job.remotePath());
        return FolderCopy.copy(new FolderCopy.Settings(job.localPath(), job.localPath().toString(), target,
                exclusions(job), ReuseMode.OFF, null, job.bandwidthLimitKbps(), SourceChanges.FATAL),
                listener == null ? CopyListener.NONE : listener);
    }

    private static Exclusions exclusions(CopyJob job) {
        try {
            return Exclusions.of(job.exclusions());
        } catch (IllegalArgumentException e) {
            throw new BarmanException("transport mounted: " + e.getMessage(), e);
        }
    }

    /** @return where a path of the PostgreSQL host is on this host */
    Path mounted(String remotePath) {
        Path remote = Path.of(remotePath).normalize();
        if (!remote.startsWith(remoteRoot)) {
            throw new BarmanException("transport mounted: " + remotePath + " is not below mounted_remote_root "
                    + remoteRoot + ", the only folder of the PostgreSQL host mounted here (at " + localRoot + ")");
        }
        return localRoot.resolve(remoteRoot.relativize(remote).toString());
    }

    @Override
    public CommandResult run(String command) {
        ProcessBuilder builder = sshCommand == null ? new ProcessBuilder("sh", "-c", command)
                : new ProcessBuilder("sh", "-c", sshCommand + " " + quoted(command));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BarmanException("transport mounted: cannot start " + builder.command() + ": " + e.getMessage(),
                    e);
        }
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread stderrReader = new Thread(() -> {
            try (InputStream in = process.getErrorStream()) {
                in.transferTo(stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "mounted-transport-stderr");
        stderrReader.start();
        try (InputStream in = process.getInputStream()) {
            byte[] stdout = in.readAllBytes();
            int exitCode = process.waitFor();
            stderrReader.join();
            return new CommandResult(exitCode, stdout, stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new BarmanException("transport mounted: cannot read the output of '" + command + "': "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BarmanException("transport mounted: interrupted while '" + command + "' ran", e);
        }
    }

    /** Quotes a command for the remote shell that {@code ssh} starts. */
    private static String quoted(String command) {
        return "'" + command.replace("'", "'\\''") + "'";
    }
}
