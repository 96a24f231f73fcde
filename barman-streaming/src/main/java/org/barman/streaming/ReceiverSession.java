package org.barman.streaming;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.WalReceiverJob;
import org.barman.api.WalReceiverListener;
import org.barman.api.WalSegmentName;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyDual;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication connection's worth of receiving: finds where to start (from the folder, the slot or the server),
 * checks that the folder's WAL belongs to the server's history, then streams timeline after timeline until a stop
 * is requested or the connection ends.
 *
 * <p>The stream uses the PostgreSQL JDBC driver's own connection and its copy API ({@code CopyDual}): the
 * connection is the one Barman opens everywhere (authentication including SCRAM, SSL, Unix-domain sockets, the
 * password file), and the receiver only speaks the replication messages inside the copy stream. The driver's
 * replication stream builder is not used because it cannot ask for a timeline nor report at the moments the
 * receiver must (after each fsync, before answering the server).
 */
final class ReceiverSession {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverSession.class);
    private static final String UNDEFINED_FILE = "58P01";
    private static final String UNDEFINED_OBJECT = "42704";
    private static final int STREAM_READ_TIMEOUT_MILLIS = 5_000;
    private static final int COMMAND_TIMEOUT_MILLIS = 60_000;

    private final WalReceiverJob job;
    private final WalReceiverListener listener;
    private final StreamingFolder folder;
    private final boolean reset;
    private final Progress progress;
    private boolean streamed;

    /**
     * The furthest position the receiver has had on disk and reported, across sessions: a new connection starts
     * again at the start of the segment it resumes, and a new timeline at the start of the segment where it
     * begins, so the positions the stream reports may go back; the listener hears only new ones.
     */
    static final class Progress {
        private Lsn flushed;

        Lsn flushed() {
            return flushed;
        }

        boolean advance(Lsn position) {
            if (flushed != null && position.compareTo(flushed) <= 0) {
                return false;
            }
            flushed = position;
            return true;
        }
    }

    /**
     * @param job the job
     * @param listener hears what happens
     * @param folder the streaming folder
     * @param reset whether to start at the server's position, giving up the folder's
     * @param progress where the flushed position is kept for messages
     */
    ReceiverSession(WalReceiverJob job, WalReceiverListener listener, StreamingFolder folder, boolean reset,
            Progress progress) {
        this.job = job;
        this.listener = listener;
        this.folder = folder;
        this.reset = reset;
        this.progress = progress;
    }

    /** @return whether this session got as far as streaming */
    boolean streamed() {
        return streamed;
    }

    /**
     * Streams on this connection until a stop is requested.
     *
     * @param connection a new replication connection; the caller closes it
     * @throws ConnectionLost when the connection fails or ends and another one should be tried
     * @throws BarmanException when the receiver cannot go on
     */
    void run(Connection connection) {
        try {
            connection.setNetworkTimeout(Runnable::run, COMMAND_TIMEOUT_MILLIS);
            ServerIdentity server = ReplicationCommands.identify(connection);
            String currentHistory = server.timeline() > 1
                    ? ReplicationCommands.timelineHistory(connection, server.timeline()) : null;
            TimelineHistory history = currentHistory != null ? parseHistory(server.timeline(), currentHistory)
                    : TimelineHistory.root(server.timeline());
            StartPoint start = startPoint(connection, server, history);
            stream(connection, server, history, currentHistory, start);
        } catch (SQLException e) {
            throw new ConnectionLost(firstLine(e.getMessage()), e);
        }
    }

    private void stream(Connection connection, ServerIdentity server, TimelineHistory history,
            String currentHistory, StartPoint first) throws SQLException {
        StartPoint start = first;
        long size = server.segmentSize();
        while (true) {
            Optional<Lsn> end = history.end(start.timeline());
            if (end.isPresent() && start.position().compareTo(end.get()) >= 0) {
                start = leaveEndedTimeline(start, end.get(), history.next(start.timeline()), size);
                continue;
            }
            if (start.timeline() > 1) {
                String content = start.timeline() == server.timeline() ? currentHistory
                        : ReplicationCommands.timelineHistory(connection, start.timeline());
                parseHistory(start.timeline(), content);
                folder.writeHistory(start.timeline(), content);
            }
            SegmentFile file = folder.open(start.position().segment(start.timeline(), size), size);
            try {
                CopyDual copy = startReplication(connection, start);
                streamed = true;
                LOG.info("streaming timeline {} from {} into {}", start.timeline(), start.position(),
                        folder.directory());
                listener.streaming(start.timeline(), start.position());
                connection.setNetworkTimeout(Runnable::run, STREAM_READ_TIMEOUT_MILLIS);
                WalStream stream = new WalStream(copy, folder, file, start.position(), end.orElse(null), size,
                        new ProgressListener(), job.stopRequested(), job.statusInterval());
                WalStream.Outcome outcome;
                try {
                    outcome = stream.run();
                } catch (SQLException e) {
                    throw streamFailure(e, start);
                } finally {
                    file = stream.file();
                }
                if (outcome == WalStream.Outcome.STOPPED) {
                    endQuietly(copy);
                    return;
                }
                if (outcome == WalStream.Outcome.SERVER_ENDED) {
                    endQuietly(copy);
                    throw new ConnectionLost("the server ended the replication stream (is it shutting down?)", null);
                }
                copy.endCopy();
                connection.setNetworkTimeout(Runnable::run, COMMAND_TIMEOUT_MILLIS);
            } catch (FolderFailure e) {
                closeQuietly(file, e);
                throw e;
            } catch (SQLException | RuntimeException e) {
                release(file, e);
                throw e;
            }
            release(file, null);
            long next = history.next(start.timeline());
            LOG.info("timeline {} ended at {}; following timeline {}", start.timeline(), end.orElseThrow(), next);
            start = StartPoint.segmentStart(next, end.orElseThrow(), size);
        }
    }

    /** Makes what was written to the segment durable (it is the server's WAL, whatever ended the stream). */
    private static void release(SegmentFile file, Exception failure) {
        if (file == null) {
            return;
        }
        try {
            file.sync();
        } catch (RuntimeException e) {
            closeQuietly(file, e);
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
            return;
        }
        closeQuietly(file, failure);
    }

    private static void closeQuietly(SegmentFile file, Exception failure) {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * The folder's position on a timeline is at or past where that timeline ended on the server: goes on with the
     * next timeline, from the segment where it began.
     */
    private StartPoint leaveEndedTimeline(StartPoint start, Lsn end, long next, long size) {
        WalSegmentName partial = StreamingFolder.partialOf(start.position().segment(start.timeline(), size));
        if (folder.walFiles().contains(partial)) {
            if (folder.contentEnd(partial) == 0) {
                LOG.debug("removing {}: timeline {} ended before it", partial, start.timeline());
                folder.delete(partial);
            } else {
                LOG.warn("{} in {} holds WAL of timeline {} after {}, where the server left that timeline for "
                        + "timeline {}: that WAL is on a branch the server abandoned; it stays in the folder",
                        partial, folder.directory(), start.timeline(), end, next);
            }
        } else if (start.position().compareTo(StartPoint.segmentStart(start.timeline(), end, size).position()) > 0) {
            LOG.warn("the folder {} holds WAL of timeline {} up to {}, past {} where the server left that timeline "
                    + "for timeline {}: that WAL is on a branch the server abandoned", folder.directory(),
                    start.timeline(), start.position(), end, next);
        }
        return StartPoint.segmentStart(next, end, size);
    }

    private StartPoint startPoint(Connection connection, ServerIdentity server, TimelineHistory history)
            throws SQLException {
        long size = server.segmentSize();
        if (reset) {
            StartPoint start = StartPoint.segmentStart(server.timeline(), server.position(), size);
            discardPosition(start, size);
            return start;
        }
        Optional<WalSegmentName> newest = folder.newest();
        if (newest.isPresent()) {
            WalSegmentName file = newest.get();
            checkSameSystem(server, file);
            if (!history.contains(file.timeline())) {
                throw new BarmanException("the streaming folder " + folder.directory() + " of server '" + job.server()
                        + "' ends with " + file + ", of timeline " + file.timeline() + ", which is not in the history "
                        + "of the server (timelines " + history.timelines() + "): the server is not the one whose "
                        + "WAL the folder holds. Check streaming_conninfo; if the server was rebuilt on purpose, "
                        + "archive and move the folder's files away, then start receive-wal again");
            }
            Lsn position = file.kind() == WalSegmentName.Kind.SEGMENT
                    ? file.next(size).startLsn(size) : file.startLsn(size);
            LOG.debug("the folder's newest WAL is {}: starting at {} on timeline {}", file, position, file.timeline());
            return new StartPoint(file.timeline(), position);
        }
        if (job.slotName() != null && server.readsSlots()) {
            ReplicationCommands.Slot slot = ReplicationCommands.readSlot(connection, job.slotName())
                    .orElseThrow(this::missingSlot);
            if (!"physical".equals(slot.type())) {
                throw new BarmanException("replication slot '" + job.slotName() + "' of server '" + job.server()
                        + "' is a " + slot.type() + " slot; receive-wal needs a physical slot: set slot_name to "
                        + "another name and create it with 'barman receive-wal --create-slot " + job.server() + "'");
            }
            if (slot.restartPosition() != null) {
                long timeline = slot.restartTimeline() > 0 && history.contains(slot.restartTimeline())
                        ? slot.restartTimeline() : server.timeline();
                LOG.info("the streaming folder is empty: starting where slot '{}' stands, {}", job.slotName(),
                        slot.restartPosition());
                return StartPoint.segmentStart(timeline, slot.restartPosition(), size);
            }
        } else if (job.slotName() != null) {
            LOG.info("PostgreSQL {} cannot tell a replication connection where slot '{}' stands: the streaming folder "
                    + "is empty, starting at the server's position {}", server.majorVersion(), job.slotName(),
                    server.position());
        }
        return StartPoint.segmentStart(server.timeline(), server.position(), size);
    }

    /**
     * {@code --reset}: the partial segments of the start's timeline go, but the start's own (which the stream goes on
     * filling), whether before the start (a gap) or beyond it (left by a server since rebuilt); complete segments
     * stay, as do the partial segments other timelines ended in.
     */
    private void discardPosition(StartPoint start, long size) {
        WalSegmentName keep = StreamingFolder.partialOf(start.position().segment(start.timeline(), size));
        for (WalSegmentName partial : folder.partials()) {
            if (partial.timeline() != start.timeline() || partial.equals(keep)) {
                continue;
            }
            long content = folder.contentEnd(partial);
            Lsn from = partial.startLsn(size);
            if (partial.compareTo(keep) < 0) {
                LOG.warn("--reset: removing {} from {}: it holds {} bytes of WAL ({} to {}) that will not be "
                        + "completed; the WAL from {} to {} is not in Barman's archive", partial, folder.directory(),
                        content, from, from.plus(content), from.plus(content), start.position());
            } else {
                LOG.warn("--reset: removing {} from {}: it is beyond the server's current position {}, so it is not "
                        + "WAL of the server's present history", partial, folder.directory(), start.position());
            }
            folder.delete(partial);
        }
        LOG.warn("--reset: receiving WAL of server '{}' from its current position, {} on timeline {}", job.server(),
                start.position(), start.timeline());
    }

    private void checkSameSystem(ServerIdentity server, WalSegmentName newest) {
        List<WalSegmentName> candidates = folder.walFiles().stream()
                .filter(n -> n.kind() == WalSegmentName.Kind.SEGMENT || n.kind() == WalSegmentName.Kind.PARTIAL)
                .toList();
        for (int i = candidates.size() - 1; i >= 0 && i >= candidates.size() - 3; i--) {
            WalSegmentName file = candidates.get(i);
            Optional<WalPageHeader> header = folder.header(file, server.segmentSize());
            if (header.isEmpty()) {
                continue;
            }
            if (header.get().systemId() != server.systemId()) {
                throw new BarmanException(file + " in the streaming folder " + folder.directory() + " is WAL of "
                        + "PostgreSQL system " + Long.toUnsignedString(header.get().systemId()) + ", but server '"
                        + job.server() + "' is system " + Long.toUnsignedString(server.systemId()) + ": check "
                        + "streaming_conninfo. If the server was rebuilt on purpose, archive and move the folder's "
                        + "files away, then start receive-wal again");
            }
            if (header.get().segmentSize() != server.segmentSize()) {
                throw new BarmanException(file + " in the streaming folder " + folder.directory() + " was written "
                        + "with WAL segments of " + header.get().segmentSize() + " bytes, but server '" + job.server()
                        + "' has segments of " + server.segmentSize() + " bytes: check streaming_conninfo");
            }
            return;
        }
        LOG.debug("no WAL page header in the folder's newest files (up to {}) to compare with the server", newest);
    }

    private CopyDual startReplication(Connection connection, StartPoint start) throws SQLException {
        String command = ReplicationCommands.startReplication(job.slotName(), start);
        LOG.debug("{}", command);
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyDual(command);
        } catch (SQLException e) {
            throw streamFailure(e, start);
        }
    }

    /** Turns the errors the receiver cannot go on from into their message, and leaves the others to a retry. */
    private RuntimeException streamFailure(SQLException e, StartPoint start) {
        String state = e.getSQLState();
        if (UNDEFINED_FILE.equals(state)) {
            return new BarmanException("server '" + job.server() + "' no longer has the WAL that receive-wal needs "
                    + "next (" + firstLine(e.getMessage()) + "): Barman's streamed WAL would have a gap from "
                    + start.position() + " on timeline " + start.timeline() + ". Run 'barman receive-wal --reset "
                    + job.server() + "' to receive from the server's current position: the WAL in between is lost "
                    + "for Barman, so take a new backup. A replication slot (slot_name) keeps this from happening",
                    e);
        }
        if (UNDEFINED_OBJECT.equals(state) && job.slotName() != null) {
            return missingSlot();
        }
        if (e.getCause() instanceof SocketTimeoutException) {
            return new ConnectionLost("the server stopped sending for " + STREAM_READ_TIMEOUT_MILLIS / 1000 + " s "
                    + "in the middle of the stream (a network failure, or the end of the timeline after the "
                    + "server's promotion)", e);
        }
        return new ConnectionLost(firstLine(e.getMessage()), e);
    }

    private BarmanException missingSlot() {
        return new BarmanException("replication slot '" + job.slotName() + "' does not exist on server '"
                + job.server() + "': create it with 'barman receive-wal --create-slot " + job.server() + "', or set "
                + "create_slot = auto");
    }

    private TimelineHistory parseHistory(long timeline, String content) {
        try {
            return TimelineHistory.parse(timeline, content, "the history of timeline " + timeline + " sent by server '"
                    + job.server() + "'");
        } catch (IllegalArgumentException e) {
            throw new ConnectionLost(e.getMessage(), e);
        }
    }

    private static void endQuietly(CopyDual copy) {
        try {
            if (copy.isActive()) {
                copy.endCopy();
            }
        } catch (SQLException e) {
            LOG.debug("ending the replication stream", e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** Passes the stream's events on, keeping the flushed position for messages. */
    private final class ProgressListener implements WalReceiverListener {

        @Override
        public void flushed(Lsn position) {
            if (progress.advance(position)) {
                listener.flushed(position);
            }
        }

        @Override
        public void segmentCompleted(WalSegmentName segment) {
            listener.segmentCompleted(segment);
        }
    }
}
