package org.barman.transport.ssh;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.jcraft.jsch.Session;

/**
 * The {@code parallel_jobs} streams of one copy, pull or push: the files are split into groups of about the same
 * size, one per connection, and each group is streamed by its own thread (the first in the caller's). The first
 * failure is the one reported: it closes the other streams' remote commands so that they end at once.
 */
final class ParallelStreams {

    /** Streams one group of files over one connection. */
    @FunctionalInterface
    interface GroupStream {
        void stream(Session session, List<TreeEntry> group) throws IOException, InterruptedException;
    }

    private final String threadName;
    private final List<RemoteCommand> running = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** @param threadName the name of the streams' threads, numbered from 2 (the caller's is the first) */
    ParallelStreams(String threadName) {
        this.threadName = threadName;
    }

    /** @param command a remote command that a failure elsewhere must close */
    void started(RemoteCommand command) {
        running.add(command);
    }

    /** @param command a remote command that has ended */
    void ended(RemoteCommand command) {
        running.remove(command);
    }

    /** @return whether a stream has failed, so that the others stop */
    boolean failed() {
        return failure.get() != null;
    }

    /**
     * @param connections one connection per stream at most
     * @param entries the files (and links) to stream
     * @param stream what streams one group
     * @throws IOException the first failure of a stream
     * @throws InterruptedException when interrupted
     */
    void run(List<Session> connections, List<TreeEntry> entries, GroupStream stream) throws IOException,
            InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        int streams = Math.min(connections.size(), entries.size());
        List<List<TreeEntry>> groups = FileGroups.split(entries, streams, TreeEntry::size, TreeEntry::path);
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < streams; i++) {
            Session session = connections.get(i);
            List<TreeEntry> group = groups.get(i);
            Thread thread = new Thread(() -> streamReportingFailure(stream, session, group),
                    threadName + "-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        streamReportingFailure(stream, connections.get(0), groups.get(0));
        for (Thread thread : threads) {
            thread.join();
        }
        Throwable error = failure.get();
        if (error instanceof IOException io) {
            throw io;
        }
        if (error instanceof InterruptedException interrupted) {
            throw interrupted;
        }
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error != null) {
            throw (Error) error;
        }
    }

    private void streamReportingFailure(GroupStream stream, Session session, List<TreeEntry> group) {
        try {
            stream.stream(session, group);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (failure.compareAndSet(null, e)) {
                for (RemoteCommand command : running) {
                    command.close();
                }
            }
        }
    }
}
