package org.barman.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.WalFileInfo;
import org.barman.api.WalSegmentName;
import org.barman.api.support.OwnerOnly;
import org.barman.core.io.Durable;

/**
 * {@code wals/xlog.db}: the index of a server's WAL archive, one line per archived file, as Barman writes it:
 * {@code name<TAB>size<TAB>time<TAB>compression}, the compression being a compressor name or {@code None}.
 *
 * <p>Appends are fsynced before they return; removals rewrite the file atomically. Lines of three to five
 * whitespace-separated columns, as older and newer Barman versions write them, are read.
 */
public final class XlogDb {

    /** The file name Barman uses. */
    public static final String FILE_NAME = "xlog.db";

    private final Path file;

    /** @param walsDirectory the server's {@code wals_directory} */
    public XlogDb(Path walsDirectory) {
        this.file = walsDirectory.resolve(FILE_NAME);
    }

    /** @return the index file */
    public Path file() {
        return file;
    }

    /**
     * @return every entry, in file order (the order files were archived)
     * @throws BarmanException naming the file and the line when a line is malformed
     */
    public List<WalFileInfo> read() {
        List<String> lines;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            // A last line without its newline is an append in progress: not there yet.
            lines = end < 0 ? List.of() : text.substring(0, end).lines().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<WalFileInfo> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                entries.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new BarmanException(file + ", line " + (i + 1) + ": " + e.getMessage()
                        + " (run barman rebuild-xlogdb to rebuild the index from the archive)", e);
            }
        }
        return entries;
    }

    /**
     * The entry of one file, read from the end of the index without parsing the other lines: {@code get-wal} asks
     * for it once per WAL file, and the index holds every file archived since the oldest backup.
     *
     * @param name a file name
     * @return its last entry, if the index has one
     * @throws BarmanException naming the file when the entry's line is malformed
     */
    public Optional<WalFileInfo> find(WalSegmentName name) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String key = name.fileName();
        // A last line without its newline is an append in progress: not there yet.
        int lineEnd = text.lastIndexOf('\n');
        while (lineEnd > 0) {
            int lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
            String line = text.substring(lineStart, lineEnd).strip();
            if (line.startsWith(key) && line.length() > key.length()
                    && Character.isWhitespace(line.charAt(key.length()))) {
                try {
                    return Optional.of(parse(line));
                } catch (IllegalArgumentException e) {
                    throw new BarmanException(file + ", the line of " + key + ": " + e.getMessage()
                            + " (run barman rebuild-xlogdb to rebuild the index from the archive)", e);
                }
            }
            lineEnd = lineStart - 1;
        }
        return Optional.empty();
    }

    static WalFileInfo parse(String line) {
        String[] fields = line.split("\\s+");
        if (fields.length < 3 || fields.length > 5) {
            throw new IllegalArgumentException("expected 3 to 5 columns (name, size, time, compression), found "
                    + fields.length);
        }
        WalSegmentName name = WalSegmentName.parse(fields[0]);
        long size;
        double time;
        try {
            size = Long.parseLong(fields[1]);
            time = Double.parseDouble(fields[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + fields[1] + "' or time '" + fields[2]
                    + "' is not a number", e);
        }
        String compression = fields.length >= 4 && !fields[3].equals("None") ? fields[3] : null;
        return new WalFileInfo(name, size, time, compression);
    }

    static String format(WalFileInfo entry) {
        return entry.name().fileName() + "\t" + entry.size() + "\t" + formatTime(entry.time()) + "\t"
                + (entry.compression() == null ? "None" : entry.compression()) + "\n";
    }

    /**
     * @param time epoch seconds
     * @return the time as Barman writes it, such as {@code 1700000000.123456}: no exponent
     */
    static String formatTime(double time) {
        String text = String.format(Locale.ROOT, "%.6f", time);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", ".0") : text;
    }

    /**
     * Appends entries and fsyncs the file before returning.
     *
     * @param entries the files just archived
     * @throws IOException when the write or the fsync fails
     */
    public void append(List<WalFileInfo> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        entries.forEach(entry -> text.append(format(entry)));
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), OwnerOnly.file())) {
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        if (created) {
            Durable.syncDirectory(file.getParent());
        }
    }

    /**
     * Replaces the whole index atomically.
     *
     * @param entries the new content
     * @throws IOException when the write fails; the old index is then untouched
     */
    public void rewrite(List<WalFileInfo> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.forEach(entry -> text.append(format(entry)));
        Durable.writeString(file, text.toString());
    }
}
