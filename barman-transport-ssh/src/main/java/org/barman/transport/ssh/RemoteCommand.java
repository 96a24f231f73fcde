package org.barman.transport.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

import org.barman.api.BarmanException;
import org.barman.api.CommandResult;

/**
 * One command run on the remote host over an open connection (an SSH "exec" channel): the remote user's login
 * shell runs it, as with ssh. Either all at once ({@link #run}), or as a stream whose standard output the caller
 * reads or whose standard input the caller writes ({@link #start}).
 */
final class RemoteCommand implements AutoCloseable {

    /** The exit code reported when the command was killed by a signal, as ssh reports it. */
    static final int KILLED = 255;

    /**
     * The flow-control window and largest packet a stream's channel offers the server: OpenSSH's own client values
     * (JSch's are 1 MiB and 16 KiB). Measured on loopback, 16 KiB packets cost about a third more system time on this
     * side than 32 or 64 KiB ones, and larger ones more user time; wall times were within the noise.
     */
    static final int STREAM_WINDOW_BYTES = 2 * 1024 * 1024;
    static final int STREAM_PACKET_BYTES = 32 * 1024;

    /** How much of a streaming command's output may wait for its reader. */
    static final int PIPE_BYTES = 4 * 1024 * 1024;

    /** How much of standard error a streaming command keeps, for messages. */
    private static final int STDERR_LIMIT = 64 * 1024;

    private final ChannelExec channel;
    private final Session session;
    private final String command;
    private final OutputStream stderr;
    private final InputStream stdout;
    private final OutputStream stdin;
    private final StreamPipe pipe;

    private RemoteCommand(Session session, ChannelExec channel, String command, OutputStream stderr,
            InputStream stdout, OutputStream stdin, StreamPipe pipe) {
        this.pipe = pipe;
        this.session = session;
        this.channel = channel;
        this.command = command;
        this.stderr = stderr;
        this.stdout = stdout;
        this.stdin = stdin;
    }

    /**
     * Runs a command to its end.
     *
     * @param session an open connection
     * @param command the command line for the remote shell
     * @param input what the command reads on standard input (it then sees its end)
     * @param destination the remote side, for messages
     * @return its exit code and outputs
     * @throws BarmanException when the connection fails
     */
    static CommandResult run(Session session, String command, byte[] input, String destination) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChannelExec channel = open(session, command, destination);
        channel.setInputStream(new ByteArrayInputStream(input), false);
        channel.setOutputStream(out, true);
        channel.setErrStream(err, true);
        try (RemoteCommand running = new RemoteCommand(session, channel, command, err, null, null, null)) {
            running.connect(destination);
            int exitCode = running.waitFor(destination);
            String errors = err.toString(StandardCharsets.UTF_8);
            if (channel.getExitSignal() != null) {
                errors += (errors.isEmpty() || errors.endsWith("\n") ? "" : "\n") + "killed by signal "
                        + channel.getExitSignal();
            }
            return new CommandResult(exitCode, out.toByteArray(), errors);
        }
    }

    /**
     * Starts a command whose standard output the caller reads (input given) or whose standard input the caller
     * writes (input null).
     *
     * @param session an open connection
     * @param command the command line
     * @param input what the command reads on standard input, or null to write it through {@link #stdin()}
     * @param destination the remote side, for messages
     * @return the running command
     * @throws BarmanException when the connection fails
     */
    static RemoteCommand start(Session session, String command, byte[] input, String destination) {
        ChannelExec channel = open(session, command, destination);
        try {
            channel.setLocalWindowSizeMax(STREAM_WINDOW_BYTES);
            channel.setLocalPacketSize(STREAM_PACKET_BYTES);
        } catch (JSchException e) {
            channel.disconnect();
            throw new BarmanException("cannot run a command on " + destination + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream err = new LimitedBuffer(STDERR_LIMIT);
        channel.setErrStream(err, true);
        InputStream out;
        OutputStream in;
        StreamPipe pipe = null;
        try {
            if (input != null) {
                channel.setInputStream(new ByteArrayInputStream(input), false);
                pipe = new StreamPipe(PIPE_BYTES);
                channel.setOutputStream(pipe.sink(), false);
                out = pipe.source();
                in = null;
            } else {
                channel.setOutputStream(new LimitedBuffer(STDERR_LIMIT), true);
                out = null;
                in = channel.getOutputStream();
            }
        } catch (IOException e) {
            channel.disconnect();
            throw new BarmanException("cannot run a command on " + destination + ": " + e.getMessage(), e);
        }
        RemoteCommand running = new RemoteCommand(session, channel, command, err, out, in, pipe);
        running.connect(destination);
        return running;
    }

    private static ChannelExec open(Session session, String command, String destination) {
        try {
            ChannelExec channel = (ChannelExec) session.openChannel("exec");
            if (channel == null) {
                throw new BarmanException("cannot run a command on " + destination + ": the connection is closed");
            }
            channel.setCommand(command);
            return channel;
        } catch (JSchException e) {
            throw new BarmanException("cannot run a command on " + destination + ": " + e.getMessage(), e);
        }
    }

    private void connect(String destination) {
        try {
            channel.connect();
        } catch (JSchException e) {
            channel.disconnect();
            throw new BarmanException("cannot run a command on " + destination + " (" + abbreviated() + "): "
                    + e.getMessage(), e);
        }
    }

    /** @return the command's standard output (when started with an input) */
    InputStream stdout() {
        return stdout;
    }

    /** @return the command's standard input (when started without one); closing it sends the end of input */
    OutputStream stdin() {
        return stdin;
    }

    /** @return what the command wrote on standard error so far (its first 64 KiB) */
    String stderr() {
        synchronized (stderr) {
            return ((ByteArrayOutputStream) stderr).toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits for the command to end.
     *
     * @param destination the remote side, for messages
     * @return its exit code ({@value #KILLED} when killed by a signal)
     * @throws BarmanException when the connection is lost before it ends
     */
    int waitFor(String destination) {
        return waitFor(destination, Long.MAX_VALUE);
    }

    /**
     * Waits for the command to end, at most for a while.
     *
     * @param destination the remote side, for messages
     * @param timeoutMillis how long to wait at most
     * @return its exit code ({@value #KILLED} when killed by a signal), or -1 when it still runs
     * @throws BarmanException when the connection is lost before it ends
     */
    int waitFor(String destination, long timeoutMillis) {
        long pause = 1;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                Math.min(timeoutMillis, Long.MAX_VALUE / 2_000_000));
        while (!channel.isClosed()) {
            if (System.nanoTime() - deadline > 0) {
                return -1;
            }
            if (!session.isConnected()) {
                throw new BarmanException("the connection to " + destination + " was lost while running "
                        + abbreviated());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.disconnect();
                throw new BarmanException("interrupted while running " + abbreviated() + " on " + destination, e);
            }
            pause = Math.min(20, pause * 2);
        }
        int exit = channel.getExitStatus();
        return exit < 0 || channel.getExitSignal() != null ? KILLED : exit;
    }

    /** @return the start of the command, for messages */
    String abbreviated() {
        String oneLine = command.replace('\n', ' ');
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }

    /** Ends the channel (and the command with it, if it still runs). */
    @Override
    public void close() {
        if (pipe != null) {
            pipe.abort();
        }
        channel.disconnect();
    }

    /** A byte buffer that keeps its first bytes only, safe to read while JSch's thread writes it. */
    private static final class LimitedBuffer extends ByteArrayOutputStream {
        private final int limit;

        LimitedBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            int room = Math.max(0, limit - count);
            super.write(bytes, offset, Math.min(room, length));
        }

        @Override
        public synchronized void write(int b) {
            if (count < limit) {
                super.write(b);
            }
        }
    }
}
