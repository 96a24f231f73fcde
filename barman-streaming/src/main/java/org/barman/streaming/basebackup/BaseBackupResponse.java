package org.barman.streaming.basebackup;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the server answers to {@code BASE_BACKUP}, in order, in either wire format:
 * <ol>
 * <li>a result set with the start position and timeline;</li>
 * <li>a result set with one row per tablespace (OID, location, size in kB), the data folder last with a null OID;</li>
 * <li>the archives, one tar per row of the tablespace result set, then the manifest: on PostgreSQL 13 and 14 each
 * in a COPY stream of its own, in the order of the rows; on 15 and later in a single COPY stream whose messages
 * begin with a type byte ({@code n} a new archive with its name and location, {@code d} data, {@code p} progress,
 * {@code m} the manifest follows);</li>
 * <li>a result set with the end position and timeline, then the command's completion.</li>
 * </ol>
 * The archives' and the manifest's content is read through {@link #content()} as it arrives, straight from the
 * connection.
 */
final class BaseBackupResponse {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackupResponse.class);

    /** What the next part of the COPY stream(s) holds. */
    enum Kind { ARCHIVE, MANIFEST }

    /**
     * One archive, or the manifest.
     *
     * @param kind which
     * @param name the archive's name ({@code base.tar}, {@code <oid>.tar}), or {@code backup_manifest}
     * @param tablespaceOid the tablespace whose archive it is, or -1 for the data folder and the manifest
     */
    record Section(Kind kind, String name, long tablespaceOid) {
    }

    /**
     * A start or end position.
     *
     * @param position the position
     * @param timeline its timeline
     */
    record Position(Lsn position, long timeline) {
    }

    private final BackendMessages in;
    private final boolean singleStream;
    private final SectionContent content = new SectionContent();
    private List<ServerTablespace> rows;
    private int copyStreams;
    private boolean copyStarted;
    private boolean copyDone;
    private Section pending;

    /**
     * @param in the backend's messages, just after the command was sent
     * @param major the server's major version
     */
    BaseBackupResponse(BackendMessages in, int major) {
        this.in = in;
        this.singleStream = major >= BaseBackupCommand.SINGLE_STREAM_MAJOR;
    }

    /**
     * @return the start position (the first result set)
     * @throws IOException when the connection breaks or the answer is malformed
     * @throws SQLException when the server reports an error
     */
    Position start() throws IOException, SQLException {
        return position("start");
    }

    /**
     * @return the rows of the tablespace result set, in the server's order; the data folder's has OID -1
     * @throws IOException when the connection breaks or the answer is malformed
     * @throws SQLException when the server reports an error
     */
    List<ServerTablespace> tablespaces() throws IOException, SQLException {
        expect(in.next(), BackendMessages.ROW_DESCRIPTION, "the tablespace list");
        List<ServerTablespace> list = new ArrayList<>();
        char type;
        while ((type = in.next()) == BackendMessages.DATA_ROW) {
            List<String> row = in.dataRow();
            if (row.size() < 3) {
                throw malformed("a tablespace row with " + row.size() + " columns");
            }
            long oid = row.get(0) == null ? -1 : parseLong(row.get(0), "a tablespace OID");
            long size = row.get(2) == null ? -1 : parseLong(row.get(2), "a tablespace size") * 1024;
            list.add(new ServerTablespace(oid, row.get(1), size));
        }
        expect(type, BackendMessages.COMMAND_COMPLETE, "the tablespace list");
        rows = List.copyOf(list);
        return rows;
    }

    /**
     * Moves to the next archive or the manifest; what was left of the previous one is skipped.
     *
     * @return it, or empty once the COPY stream(s) ended
     * @throws IOException when the connection breaks or the answer is malformed
     * @throws SQLException when the server reports an error
     */
    Optional<Section> next() throws IOException, SQLException {
        content.drain();
        return singleStream ? nextOfSingleStream() : nextOfStreams();
    }

    /** @return the content of the current section, which ends where the section does */
    InputStream content() {
        return content;
    }

    /** @return the archive bytes received so far, all sections included */
    long received() {
        return content.received;
    }

    /**
     * @return the end position (the last result set), once the command completed
     * @throws IOException when the connection breaks or the answer is malformed
     * @throws SQLException when the server reports an error
     */
    Position end() throws IOException, SQLException {
        Position end = position("end");
        char type;
        while ((type = in.next()) != BackendMessages.READY_FOR_QUERY) {
            if (type != BackendMessages.COMMAND_COMPLETE) {
                throw malformed("a '" + type + "' message after the end position");
            }
        }
        in.skipRest();
        return end;
    }

    private Optional<Section> nextOfStreams() throws IOException, SQLException {
        char type = in.next();
        if (type != BackendMessages.COPY_OUT_RESPONSE) {
            in.pushBack();
            return Optional.empty();
        }
        in.skipRest();
        int index = copyStreams++;
        content.open();
        if (index < rows.size()) {
            long oid = rows.get(index).oid();
            return Optional.of(new Section(Kind.ARCHIVE, oid < 0 ? "base.tar" : oid + ".tar", oid));
        }
        if (index == rows.size()) {
            return Optional.of(new Section(Kind.MANIFEST, "backup_manifest", -1));
        }
        throw malformed("more COPY streams than tablespaces and a manifest");
    }

    private Optional<Section> nextOfSingleStream() throws IOException, SQLException {
        if (!copyStarted) {
            copyStarted = true;
            expect(in.next(), BackendMessages.COPY_OUT_RESPONSE, "the start of the archives");
            in.skipRest();
        }
        while (pending == null && !copyDone) {
            readCopyMessage(null);
        }
        if (pending == null) {
            return Optional.empty();
        }
        Section section = pending;
        pending = null;
        content.open();
        return Optional.of(section);
    }

    /**
     * Reads one message of the single COPY stream: data is left for {@code into} to read (when given), a new
     * section is made pending, the end of the stream noted.
     *
     * @return the data bytes now readable, 0 when the message was no data
     */
    private int readCopyMessage(SectionContent into) throws IOException, SQLException {
        char type = in.next();
        if (type == BackendMessages.COPY_DONE) {
            copyDone = true;
            return 0;
        }
        if (type != BackendMessages.COPY_DATA) {
            throw malformed("a '" + type + "' message inside the archives' COPY stream");
        }
        if (in.left() < 1) {
            throw malformed("an empty CopyData message");
        }
        char kind = (char) in.readByte();
        switch (kind) {
            case 'n' -> {
                String name = in.readString();
                String location = in.readString();
                pending = new Section(Kind.ARCHIVE, name, tablespaceOf(name, location));
                return 0;
            }
            case 'm' -> {
                pending = new Section(Kind.MANIFEST, "backup_manifest", -1);
                return 0;
            }
            case 'p' -> {
                long done = in.readInt8();
                LOG.debug("the server has sent {} bytes of the backup", done);
                return 0;
            }
            case 'd' -> {
                if (into == null) {
                    throw malformed("data before the first archive");
                }
                return in.left();
            }
            default -> throw malformed("a CopyData message of type '" + kind + "', which this Barman does not "
                    + "know (is the server newer than it?)");
        }
    }

    private long tablespaceOf(String name, String location) throws IOException {
        if (location.isEmpty()) {
            return -1;
        }
        for (ServerTablespace row : rows) {
            if (row.oid() >= 0 && location.equals(row.location())) {
                return row.oid();
            }
        }
        throw malformed("the archive " + name + " of " + location + ", which is not in the tablespace list");
    }

    private Position position(String which) throws IOException, SQLException {
        expect(in.next(), BackendMessages.ROW_DESCRIPTION, "the " + which + " position");
        expect(in.next(), BackendMessages.DATA_ROW, "the " + which + " position");
        List<String> row = in.dataRow();
        if (row.size() < 2 || row.get(0) == null || row.get(1) == null) {
            throw malformed("a " + which + " position row " + row);
        }
        Lsn position;
        try {
            position = Lsn.parse(row.get(0));
        } catch (IllegalArgumentException e) {
            throw malformed("the " + which + " position '" + row.get(0) + "'");
        }
        long timeline = parseLong(row.get(1), "the " + which + " timeline");
        expect(in.next(), BackendMessages.COMMAND_COMPLETE, "the " + which + " position");
        return new Position(position, timeline);
    }

    private void expect(char type, char expected, String what) throws IOException {
        if (type != expected) {
            throw malformed("a '" + type + "' message where " + what + " should have its '" + expected + "' message");
        }
    }

    private static long parseLong(String text, String what) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(what + " '" + text + "'");
        }
    }

    private static IOException malformed(String what) {
        return new IOException("the server's answer to BASE_BACKUP is not what PostgreSQL sends: " + what);
    }

    /** The bytes of the current section, read straight from the connection. */
    private final class SectionContent extends InputStream {
        private boolean open;
        private int left;
        private long received;

        void open() {
            open = true;
            left = 0;
        }

        void drain() throws IOException {
            if (!open) {
                return;
            }
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // skip what the reader left: the tar's padding, or a section nobody read
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (!open) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            try {
                while (left == 0) {
                    if (!nextData()) {
                        open = false;
                        return -1;
                    }
                }
            } catch (SQLException e) {
                throw new ServerError(e);
            }
            int count = Math.min(left, length);
            in.read(buffer, offset, count);
            left -= count;
            received += count;
            return count;
        }

        private boolean nextData() throws IOException, SQLException {
            if (singleStream) {
                left = readCopyMessage(this);
                return pending == null && !copyDone;
            }
            char type = in.next();
            if (type == BackendMessages.COPY_DONE) {
                return false;
            }
            if (type != BackendMessages.COPY_DATA) {
                throw malformed("a '" + type + "' message inside a COPY stream");
            }
            left = in.left();
            return true;
        }
    }

    /** A server error met while the content of a section was read, carried through the stream's IOException. */
    static final class ServerError extends IOException {
        private static final long serialVersionUID = 1L;

        ServerError(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        /** @return the server's error */
        SQLException error() {
            return (SQLException) getCause();
        }
    }
}
