package org.barman.streaming.basebackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.barman.api.BarmanException;

/**
 * Checks the files of a base backup against its {@code backup_manifest} (PostgreSQL's "Backup Manifest Format"):
 * the manifest's own checksum, then each file it lists received with its size and SHA-256, and no file received
 * that it does not list. The manifest is read as a stream, one file entry at a time.
 *
 * <p>Unlike {@code pg_verifybackup}, which checks a copy that a client may have changed since, nothing is exempt:
 * the files come straight from the server, which lists in the manifest every file it sends ({@code backup_label}
 * and {@code tablespace_map} included), and the manifest itself is not a file of the archives.
 */
final class ManifestCheck {

    private static final String SHA256 = "SHA256";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ManifestCheck() {
    }

    /**
     * @param manifest the manifest's file
     * @param digest the SHA-256 computed while it was written
     * @param received every regular file received, by its path in the manifest; taken on the way
     * @return what the check covered
     * @throws BarmanException naming the first file that does not match, or what is wrong with the manifest
     * @throws IOException when the manifest cannot be read
     */
    static ManifestSummary verify(Path manifest, ManifestDigest digest, ReceivedFiles received)
            throws IOException {
        int version = -1;
        String checksum = null;
        long files = 0;
        long bytes = 0;
        try (InputStream in = Files.newInputStream(manifest); JsonParser json = JSON.createParser(in)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, "an object");
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "PostgreSQL-Backup-Manifest-Version" -> version = json.getIntValue();
                    case "Manifest-Checksum" -> checksum = json.getText();
                    case "Files" -> {
                        expect(value, JsonToken.START_ARRAY, "Files as an array");
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            FileEntry file = FileEntry.read(json);
                            check(file, received.take(file.path()));
                            files++;
                            bytes += file.size();
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        } catch (JsonParseException e) {
            throw invalid("it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (version < 1) {
            throw invalid("it has no PostgreSQL-Backup-Manifest-Version");
        }
        if (checksum == null || !digest.sawChecksumLine()) {
            throw invalid("it has no Manifest-Checksum");
        }
        String computed = digest.hex();
        if (!computed.equalsIgnoreCase(checksum)) {
            throw invalid("its Manifest-Checksum is " + checksum + " but its content's SHA-256 is " + computed
                    + ": it was damaged on the way");
        }
        TreeSet<String> remaining = received.untaken();
        if (!remaining.isEmpty()) {
            throw mismatch(remaining.first() + " was received, but the backup manifest does not list it"
                    + (remaining.size() > 1 ? " (nor " + (remaining.size() - 1) + " more)" : ""));
        }
        return new ManifestSummary(version, files, bytes, SHA256);
    }

    private static void check(FileEntry file, ReceivedFile got) {
        if (got == null) {
            throw mismatch(file.path() + " is in the backup manifest, but the server did not send it");
        }
        if (got.size() != file.size()) {
            throw mismatch(file.path() + " has " + got.size() + " bytes, the backup manifest says " + file.size());
        }
        if (!SHA256.equals(file.algorithm())) {
            throw mismatch(file.path() + " has a " + file.algorithm() + " checksum in the backup manifest, not the "
                    + "SHA256 asked for");
        }
        String computed = hex(got.sha256());
        if (!computed.equalsIgnoreCase(file.checksum())) {
            throw mismatch(file.path() + " has the SHA-256 " + computed + ", the backup manifest says "
                    + file.checksum());
        }
    }

    /**
     * A file entry of the manifest.
     *
     * @param path its path ({@code Path}, or {@code Encoded-Path} decoded)
     * @param size its size
     * @param algorithm its checksum's algorithm, or null
     * @param checksum its checksum, or null
     */
    private record FileEntry(String path, long size, String algorithm, String checksum) {

        static FileEntry read(JsonParser json) throws IOException {
            String path = null;
            long size = -1;
            String algorithm = null;
            String checksum = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                switch (field) {
                    case "Path" -> path = json.getText();
                    case "Encoded-Path" -> path = decode(json.getText());
                    case "Size" -> size = json.getLongValue();
                    case "Checksum-Algorithm" -> algorithm = json.getText();
                    case "Checksum" -> checksum = json.getText();
                    default -> json.skipChildren();
                }
            }
            if (path == null || size < 0) {
                throw invalid("a file entry has no " + (path == null ? "Path" : "Size") + " (near line "
                        + json.currentLocation().getLineNr() + ")");
            }
            return new FileEntry(path, size, algorithm == null ? "NONE" : algorithm, checksum);
        }

        private static String decode(String hex) {
            try {
                return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid("the Encoded-Path '" + hex + "' is not hexadecimal");
            }
        }
    }

    private static void expect(JsonToken token, JsonToken expected, String what) {
        if (token != expected) {
            throw invalid("it does not hold " + what);
        }
    }

    /**
     * @param bytes bytes
     * @return them as lowercase hexadecimal
     */
    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static BarmanException invalid(String why) {
        return new BarmanException("the base backup's manifest is unusable: " + why);
    }

    private static BarmanException mismatch(String what) {
        return new BarmanException("the base backup does not match its manifest: " + what);
    }
}
