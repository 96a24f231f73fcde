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
import java.util.regex.Pattern;

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

    /** A compression or encryption column: a name such as {@code gzip}, {@code pybzip2}, {@code gpg} or None. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z][A-Za-z0-9_.+-]*");

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
        String text = text();
        int end = text.lastIndexOf('\n');
        // A last line without its newline is an append in progress: not there yet.
        List<String> lines = end < 0 ? List.of() : text.substring(0, end).lines().toList();
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
        String text = text();
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

    /**
     * What keeps the index from being read as it is: a last line without its newline (an append cut short by a crash
     * or a full disk, which the next append cuts off) or a line that does not parse.
     *
     * @return the problem, naming the file and the line, or empty when every line is whole and well formed
     * @throws BarmanException when the file cannot be read
     */
    public Optional<String> damage() {
        String text = text();
        List<String> lines = text.lines().toList();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            return Optional.of(file + ", line " + lines.size() + " is unfinished ('" + excerpt(lines.get(
                    lines.size() - 1)) + "'): an append was cut short by a crash or a full disk");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                parse(line);
            } catch (IllegalArgumentException e) {
                return Optional.of(file + ", line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static String excerpt(String text) {
        String visible = text.replace("\t", "\\t");
        return visible.length() <= 120 ? visible : visible.substring(0, 120) + "...";
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
        if (size < 0 || !Double.isFinite(time) || time < 0) {
            throw new IllegalArgumentException("size '" + fields[1] + "' or time '" + fields[2]
                    + "' is negative or not finite");
        }
        for (int i = 3; i < fields.length; i++) {
            if (!TOKEN.matcher(fields[i]).matches()) {
                throw new IllegalArgumentException("'" + fields[i] + "' is not a " + (i == 3 ? "compression"
                        : "encryption") + " name (such as gzip or None)");
            }
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
     * Appends entries and fsyncs the file before returning. A last line without its newline, left by an append that
     * a crash or a full disk cut short, is cut off first (and logged): glued to the new lines it would corrupt
     * them. The file it indexed is still in the incoming folder, and the next archiving indexes it again.
     *
     * <p>The caller holds the server's xlogdb lock.
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
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), OwnerOnly.file())) {
            long end = cutUnfinishedLine(channel);
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                end += channel.write(buffer, end);
            }
            channel.force(true);
        }
        if (created) {
            Durable.syncDirectory(file.getParent());
        }
    }

    /** @return where the next line starts: the end of the file, once a last line without its newline is cut */
    private long cutUnfinishedLine(FileChannel channel) throws IOException {
        long size = channel.size();
        long lineStart = size;
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (lineStart > 0) {
            long from = Math.max(0, lineStart - chunk.capacity());
            chunk.clear().limit((int) (lineStart - from));
            readFully(channel, chunk, from);
            int i = chunk.position() - 1;
            while (i >= 0 && chunk.get(i) != '\n') {
                i--;
            }
            if (i >= 0) {
                lineStart = from + i + 1;
                break;
            }
            lineStart = from;
        }
        if (lineStart == size) {
            return size;
        }
        ByteBuffer cut = ByteBuffer.allocate((int) Math.min(size - lineStart, 200));
        readFully(channel, cut, lineStart);
        channel.truncate(lineStart);
        channel.force(true);
        Log.LOG.warn("{} ended with an unfinished line, left by an append cut short (a crash or a full disk): cut "
                + "off {} bytes ('{}') before appending", file, size - lineStart, excerpt(new String(cut.array(), 0,
                        cut.position(), StandardCharsets.UTF_8)));
        return lineStart;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position() - start) < 0) {
                throw new java.io.EOFException("the index shrank while it was read");
            }
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

    /** Logging starts on first use: {@code get-wal} reads the index and never logs when it succeeds. */
    private static final class Log {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(XlogDb.class);
    }

    /** @return the whole index, empty when there is none yet */
    private String text() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
