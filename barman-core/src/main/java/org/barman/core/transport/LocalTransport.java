package org.barman.core.transport;

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
 * The transport for a PostgreSQL server on the backup host itself: the "remote" side is this host, so a copy is
 * a copy between two folders and a command runs with {@code sh -c}.
 *
 * <p>Copies use {@code sendfile} through {@link java.nio.channels.FileChannel#transferTo}: no copy through user
 * space, no buffer per thread (a 1 MiB buffer loop, heap or direct, measured no faster), with {@code parallel_jobs}
 * threads, and keep permission bits and modification times of files and folders; links are copied as links. See
 * {@link TreeCopy}.
 *
 * <p>Durability: {@code pull} and {@code push} return only once every file and folder they wrote is fsynced, so
 * that a backup marked DONE survives a power cut, and there is no switch to turn that off. Each written file is
 * fsynced on a pool of 16 threads while the copy goes on (large files start their write-back every 64 MiB),
 * folders at the end. Measured on a 2-core VM with ext4 (docs/performance.md, "Local transport"): a 1.6 GB PGDATA
 * copied durably in 0.8-1.2 times the time of {@code cp -a && sync -f}, which is the price of writing the data to
 * the disk; the same copy without fsync takes 50-65 % of that time. One {@code syncfs} at the end would be cheaper
 * for trees of many small files, but Java cannot call it and it flushes the whole file system.
 *
 * <p>A pull skips what vanishes from the running PostgreSQL's folder; a push (a recovery) fails when a file of the
 * backup vanishes or changes while it is copied ({@link SourceChanges}).
 *
 * <p>Files are owned by the user running Barman (ownership is not copied). Instances are thread-safe; each call
 * is independent.
 */
public final class LocalTransport implements Transport {

    /** The name in {@code transport =}. */
    public static final String NAME = "local";

    private final int parallelJobs;
    private final boolean durable;

    /** @param parallelJobs how many threads copy files at once (1 or more) */
    public LocalTransport(int parallelJobs) {
        this(parallelJobs, true);
    }

    /**
     * @param parallelJobs how many threads copy files at once (1 or more)
     * @param durable whether copies are fsynced before they return; false only to measure what fsync costs
     */
    LocalTransport(int parallelJobs, boolean durable) {
        if (parallelJobs < 1) {
            throw new IllegalArgumentException("parallel jobs must be 1 or more: " + parallelJobs);
        }
        this.parallelJobs = parallelJobs;
        this.durable = durable;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CopyResult pull(CopyJob job, CopyListener listener) {
        return copy(Path.of(job.remotePath()), job.localPath(), job, job.reuseMode(), job.reference(),
                SourceChanges.TOLERATED, listener);
    }

    @Override
    public CopyResult push(CopyJob job, CopyListener listener) {
        return copy(job.localPath(), Path.of(job.remotePath()), job, ReuseMode.OFF, null, SourceChanges.FATAL,
                listener);
    }

    private CopyResult copy(Path source, Path target, CopyJob job, ReuseMode reuseMode, Path reference,
            SourceChanges changes, CopyListener listener) {
        Exclusions exclusions;
        try {
            exclusions = Exclusions.of(job.exclusions());
        } catch (IllegalArgumentException e) {
            throw new BarmanException("cannot copy " + source + ": " + e.getMessage(), e);
        }
        TreeCopy.Settings settings = new TreeCopy.Settings(source, target, exclusions, reuseMode, reference,
                job.bandwidthLimitKbps(), parallelJobs, durable, changes);
        return new TreeCopy(settings, listener == null ? CopyListener.NONE : listener).run();
    }

    @Override
    public CommandResult run(String command) {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BarmanException("cannot run sh -c '" + command + "' on this host: " + e.getMessage(), e);
        }
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread stderrReader = new Thread(() -> {
            try (InputStream in = process.getErrorStream()) {
                in.transferTo(stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "barman-local-stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
        try {
            byte[] stdout;
            try (InputStream in = process.getInputStream()) {
                stdout = in.readAllBytes();
            }
            int exitCode = process.waitFor();
            stderrReader.join();
            return new CommandResult(exitCode, stdout, stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new BarmanException("cannot read the output of sh -c '" + command + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BarmanException("interrupted while sh -c '" + command + "' ran", e);
        }
    }
}
