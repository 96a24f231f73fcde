package org.barman.transport.ssh;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.Transport;
import org.barman.api.support.SourceChanges;

/**
 * The {@code ssh} transport: copies and commands over SSH in pure Java (JSch), so that neither host needs rsync; the
 * PostgreSQL host needs only sshd, a shell, GNU tar and GNU find.
 *
 * <p>The connection is the one {@code ssh_command} describes ({@link SshCommandLine}), with host keys checked
 * against the known_hosts files as ssh does ({@link KnownHostsCheck}). A pull lists the remote tree once, decides
 * from the listing what to take from the previous backup, and streams the rest as remote tar streams, one per
 * {@code parallel_jobs} connection ({@link PullCopy}); a push does the reverse ({@link PushCopy}). Connections are
 * opened when first needed and kept until {@link #close()}.
 */
public final class SshTransport implements Transport {

    /** The name in {@code transport =}. */
    public static final String NAME = "ssh";

    private final SshSessions sessions;
    private final int parallelJobs;

    /**
     * @param settings where and how to connect
     * @param parallelJobs how many connections stream files at once (1 or more)
     */
    SshTransport(ConnectionSettings settings, int parallelJobs) {
        if (parallelJobs < 1) {
            throw new IllegalArgumentException("parallel jobs must be 1 or more: " + parallelJobs);
        }
        this.sessions = new SshSessions(settings);
        this.parallelJobs = parallelJobs;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CopyResult pull(CopyJob job, CopyListener listener) {
        return new PullCopy(sessions, parallelJobs, job, listener).run();
    }

    @Override
    public CopyResult push(CopyJob job, CopyListener listener) {
        return new PushCopy(sessions, parallelJobs, job, listener, SourceChanges.FATAL).run();
    }

    @Override
    public CommandResult run(String command) {
        if (command == null || command.isBlank()) {
            throw new BarmanException("cannot run an empty command on " + sessions.settings().destination());
        }
        return RemoteCommand.run(sessions.primary(), command, new byte[0], sessions.settings().destination());
    }

    /** @return the connection settings, for tests */
    ConnectionSettings settings() {
        return sessions.settings();
    }

    /** @return the connections, for tests */
    SshSessions sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
