package org.barman.streaming.basebackup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The bytes a backend sends, written message by message as PostgreSQL frames them, and a {@link Wire} that plays
 * them back: for the tests of the message parsing, without a server.
 */
final class ScriptedBackend {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ScriptedBackend message(char type, byte[] payload) {
        bytes.write(type);
        int length = payload.length + 4;
        bytes.write(length >>> 24);
        bytes.write(length >>> 16);
        bytes.write(length >>> 8);
        bytes.write(length);
        bytes.writeBytes(payload);
        return this;
    }

    ScriptedBackend resultSet(String... row) {
        Payload description = new Payload().int2(row.length);
        for (int i = 0; i < row.length; i++) {
            description.string("c" + i).int4(0).int2(0).int4(25).int2(-1).int4(-1).int2(0);
        }
        message('T', description.bytes());
        return dataRow(row).message('C', new Payload().string("SELECT").bytes());
    }

    ScriptedBackend dataRow(String... values) {
        Payload row = new Payload().int2(values.length);
        for (String value : values) {
            if (value == null) {
                row.int4(-1);
            } else {
                byte[] text = value.getBytes(StandardCharsets.UTF_8);
                row.int4(text.length).raw(text);
            }
        }
        return message('D', row.bytes());
    }

    /** The tablespace result set: rows of OID (null for the data folder), location and size in kB. */
    ScriptedBackend tablespaces(String[]... rows) {
        Payload description = new Payload().int2(3);
        for (String name : new String[] {"spcoid", "spclocation", "size"}) {
            description.string(name).int4(0).int2(0).int4(25).int2(-1).int4(-1).int2(0);
        }
        message('T', description.bytes());
        for (String[] row : rows) {
            dataRow(row);
        }
        return message('C', new Payload().string("SELECT").bytes());
    }

    ScriptedBackend copyOut() {
        return message('H', new Payload().raw(new byte[] {0}).int2(0).bytes());
    }

    ScriptedBackend copyData(byte[] data) {
        return message('d', data);
    }

    /** CopyData messages of the single stream (15+): a type byte, then the content. */
    ScriptedBackend typed(char type, byte[] content) {
        return copyData(new Payload().raw(new byte[] {(byte) type}).raw(content).bytes());
    }

    ScriptedBackend newArchive(String name, String location) {
        return typed('n', new Payload().string(name).string(location).bytes());
    }

    /** Archive data in chunks of at most {@code chunk} bytes, 'd'-typed when {@code typed}. */
    ScriptedBackend chunks(byte[] content, int chunk, boolean typed) {
        for (int i = 0; i < content.length; i += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(content, i, Math.min(content.length, i + chunk));
            if (typed) {
                typed('d', part);
            } else {
                copyData(part);
            }
        }
        return this;
    }

    ScriptedBackend copyDone() {
        return message('c', new byte[0]);
    }

    ScriptedBackend notice(String text) {
        return message('N', new Payload().raw(new byte[] {'S'}).string("WARNING").raw(new byte[] {'M'})
                .string(text).raw(new byte[] {0}).bytes());
    }

    ScriptedBackend parameterStatus(String name, String value) {
        return message('S', new Payload().string(name).string(value).bytes());
    }

    ScriptedBackend error(String state, String text, String detail) {
        return message('E', new Payload().raw(new byte[] {'S'}).string("FATAL").raw(new byte[] {'C'}).string(state)
                .raw(new byte[] {'M'}).string(text).raw(new byte[] {'D'}).string(detail).raw(new byte[] {0})
                .bytes());
    }

    ScriptedBackend commandComplete(String tag) {
        return message('C', new Payload().string(tag).bytes());
    }

    ScriptedBackend readyForQuery() {
        return message('Z', new byte[] {'I'});
    }

    /** @return a wire that plays these bytes back (and ends there) and records the query sent */
    PlayedWire wire() {
        return new PlayedWire(bytes.toByteArray());
    }

    /** Plays the scripted bytes back. */
    static final class PlayedWire implements Wire {
        final List<String> queries = new ArrayList<>();
        private final DataInputStream in;

        PlayedWire(byte[] bytes) {
            in = new DataInputStream(new ByteArrayInputStream(bytes));
        }

        @Override
        public void sendQuery(String text) {
            queries.add(text);
        }

        @Override
        public int receiveByte() throws IOException {
            return in.readUnsignedByte();
        }

        @Override
        public int receiveInt4() throws IOException {
            return in.readInt();
        }

        @Override
        public void receive(byte[] buffer, int offset, int length) throws IOException {
            in.readFully(buffer, offset, length);
        }
    }

    /** A message's payload. */
    static final class Payload {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Payload int2(int value) {
            out.write(value >>> 8);
            out.write(value);
            return this;
        }

        Payload int4(int value) {
            int2(value >>> 16);
            return int2(value);
        }

        Payload string(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        Payload raw(byte[] data) {
            out.writeBytes(data);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A tar archive as PostgreSQL writes one: folders before their content, then files, with their modes. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        final Map<String, byte[]> files = new LinkedHashMap<>();

        Tar folder(String name) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name + "/");
            entry.setMode(040700);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        Tar file(String name, String content) throws IOException {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Tar file(String name, byte[] content) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setMode(0100600);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            files.put(name, content);
            return this;
        }

        Tar entry(TarArchiveEntry entry) throws IOException {
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }

        byte[] bytes() throws IOException {
            tar.finish();
            return out.toByteArray();
        }
    }

    /** A backup manifest as PostgreSQL writes one, with its Manifest-Checksum. */
    static byte[] manifest(Map<String, byte[]> files) throws Exception {
        StringBuilder text = new StringBuilder("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n");
        boolean first = true;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            text.append(first ? "" : ",\n").append("{ \"Path\": \"").append(file.getKey()).append("\", \"Size\": ")
                    .append(file.getValue().length).append(", \"Last-Modified\": \"2026-12-08 00:00:00 GMT\", "
                            + "\"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"").append(sha256(file.getValue()))
                    .append("\" }");
            first = false;
        }
        text.append("\n],\n\"WAL-Ranges\": [\n{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": "
                + "\"0/2000100\" }\n],\n");
        String checksum = sha256(text.toString().getBytes(StandardCharsets.UTF_8));
        text.append("\"Manifest-Checksum\": \"").append(checksum).append("\"}\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
