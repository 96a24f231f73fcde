package org.barman.streaming.basebackup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the backend's messages one at a time: the type, then the payload field by field. Notices are logged and
 * parameter changes skipped wherever they come; an error ends the exchange with an {@link SQLException} carrying the
 * server's message and SQLSTATE.
 */
final class BackendMessages {

    private static final Logger LOG = LoggerFactory.getLogger(BackendMessages.class);

    static final char ROW_DESCRIPTION = 'T';
    static final char DATA_ROW = 'D';
    static final char COMMAND_COMPLETE = 'C';
    static final char COPY_OUT_RESPONSE = 'H';
    static final char COPY_DATA = 'd';
    static final char COPY_DONE = 'c';
    static final char READY_FOR_QUERY = 'Z';
    static final char ERROR_RESPONSE = 'E';
    static final char NOTICE_RESPONSE = 'N';
    static final char PARAMETER_STATUS = 'S';

    private final Wire wire;
    private int left;
    private char type;
    private boolean pushedBack;

    BackendMessages(Wire wire) {
        this.wire = wire;
    }

    /**
     * Skips what is left of the current message and reads the next one's header, handling notices, parameter
     * changes and errors on the way.
     *
     * @return the type of the next message
     * @throws IOException when the connection ends or breaks
     * @throws SQLException when the next message is an error
     */
    char next() throws IOException, SQLException {
        if (pushedBack) {
            pushedBack = false;
            return type;
        }
        while (true) {
            skipRest();
            type = (char) wire.receiveByte();
            int length = wire.receiveInt4();
            if (length < 4) {
                throw new IOException("a '" + type + "' message of the server says its length is " + length);
            }
            left = length - 4;
            switch (type) {
                case NOTICE_RESPONSE -> LOG.info("the server says: {}", describe(fields()));
                case PARAMETER_STATUS -> skipRest();
                case ERROR_RESPONSE -> {
                    List<String[]> fields = fields();
                    throw new SQLException(describe(fields), field(fields, 'C'));
                }
                default -> {
                    return type;
                }
            }
        }
    }

    /** Makes the next {@link #next()} return the current message again, with what is left of it. */
    void pushBack() {
        pushedBack = true;
    }

    /** @return the bytes of the current message not read yet */
    int left() {
        return left;
    }

    int readByte() throws IOException {
        need(1);
        left--;
        return wire.receiveByte();
    }

    int readInt2() throws IOException {
        return (readByte() << 8) | readByte();
    }

    int readInt4() throws IOException {
        need(4);
        left -= 4;
        return wire.receiveInt4();
    }

    long readInt8() throws IOException {
        return ((long) readInt4() << 32) | (readInt4() & 0xFFFF_FFFFL);
    }

    void read(byte[] buffer, int offset, int length) throws IOException {
        need(length);
        wire.receive(buffer, offset, length);
        left -= length;
    }

    /** @return a NUL-terminated string of the message, as UTF-8 */
    String readString() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = readByte()) != 0) {
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    void skipRest() throws IOException {
        byte[] sink = new byte[Math.min(left, 8192)];
        while (left > 0) {
            read(sink, 0, Math.min(left, sink.length));
        }
    }

    /**
     * Reads the current {@code DataRow} message.
     *
     * @return its values as text, null for a null
     * @throws IOException when the connection ends or the message is malformed
     */
    List<String> dataRow() throws IOException {
        int columns = readInt2();
        List<String> values = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            int length = readInt4();
            if (length < 0) {
                values.add(null);
            } else {
                byte[] value = new byte[length];
                read(value, 0, length);
                values.add(new String(value, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private void need(int bytes) throws IOException {
        if (bytes > left) {
            throw new IOException("a '" + type + "' message of the server is shorter than its content");
        }
    }

    private List<String[]> fields() throws IOException {
        List<String[]> fields = new ArrayList<>();
        int code;
        while (left > 0 && (code = readByte()) != 0) {
            fields.add(new String[] {String.valueOf((char) code), readString()});
        }
        return fields;
    }

    private static String field(List<String[]> fields, char code) {
        for (String[] field : fields) {
            if (field[0].charAt(0) == code) {
                return field[1];
            }
        }
        return null;
    }

    /** The one line a DBA reads: severity, message, detail, hint and SQLSTATE. */
    private static String describe(List<String[]> fields) {
        StringBuilder text = new StringBuilder();
        String severity = field(fields, 'V') != null ? field(fields, 'V') : field(fields, 'S');
        if (severity != null) {
            text.append(severity).append(": ");
        }
        text.append(field(fields, 'M') != null ? field(fields, 'M') : "(no message)");
        for (char code : new char[] {'D', 'H'}) {
            String value = field(fields, code);
            if (value != null) {
                text.append(code == 'D' ? " (" : " Hint: ").append(value).append(code == 'D' ? ")" : "");
            }
        }
        String state = field(fields, 'C');
        if (state != null) {
            text.append(" [SQLSTATE ").append(state).append(']');
        }
        return text.toString().replace('\n', ' ');
    }
}
