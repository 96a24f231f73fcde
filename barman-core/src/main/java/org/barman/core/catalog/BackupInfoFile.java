package org.barman.core.catalog;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.Lsn;
import org.barman.api.Tablespace;
import org.barman.api.WalSegmentName;
import org.barman.core.io.Durable;

/**
 * Reads and writes {@code backup.info} exactly as Barman does, so that this Barman and Python's Barman can read
 * each other's catalogue: UTF-8 {@code key=value} lines sorted by key, {@code None} for a missing value,
 * {@code backup_label}, {@code tablespaces} and {@code included_files} as Python literals, times as Python's
 * {@code str(datetime)} ({@code 2014-12-22 09:25:22.561207+01:00}).
 *
 * <p>Fields Barman has and {@link BackupInfo} does not model ({@code copy_stats}, {@code compression},
 * {@code data_checksums}, {@code backup_name}...) are kept as their raw text in
 * {@link Content#otherFields()}: rewriting a file written by Python's Barman loses none of them. A new file gets
 * Barman's usual set of keys, those not modelled set to {@code None}, as Barman 3 writes them.
 *
 * <p>What is not kept: a value {@link BackupInfo} holds as a number where Barman wrote {@code None} and 0 are
 * the same to it ({@code size}, {@code deduplicated_size}, {@code version}, {@code timeline} of 0 are written
 * {@code None}); comments and blank lines, which Barman never writes.
 */
public final class BackupInfoFile {

    /** The file's name inside a backup folder. */
    public static final String FILE_NAME = "backup.info";

    private static final String NONE = "None";
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?"
                    + "\\s*(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?");

    /** The keys {@link BackupInfo} models. */
    private static final Set<String> MODELLED = Set.of("backup_label", "begin_offset", "begin_time", "begin_wal",
            "begin_xlog", "compression", "config_file", "deduplicated_size", "end_offset", "end_time", "end_wal", "end_xlog",
            "error", "hba_file", "ident_file", "included_files", "mode", "pgdata", "server_name", "size",
            "status", "systemid", "tablespaces", "timeline", "version", "xlog_segment_size");

    /**
     * Barman 3's keys that {@link BackupInfo} does not model and that Barman always writes, as {@code None} when
     * unset. ({@code backup_name} and {@code snapshots_info} are only written when set, as Barman does.)
     */
    private static final Set<String> BARMAN_ALWAYS_WRITTEN = Set.of("children_backup_ids", "cluster_size",
            "copy_stats", "data_checksums", "parent_backup_id", "summarize_wal");

    private BackupInfoFile() {
    }

    /**
     * What a {@code backup.info} holds.
     *
     * @param info the fields {@link BackupInfo} models
     * @param otherFields every other key with its raw text (such as {@code copy_stats}), sorted by key
     */
    public record Content(BackupInfo info, SortedMap<String, String> otherFields) {
        /**
         * Copies the map.
         *
         * @param info the fields {@link BackupInfo} models
         * @param otherFields every other key with its raw text (such as {@code copy_stats}), sorted by key
         */
        public Content {
            if (info == null) {
                throw new IllegalArgumentException("info is null");
            }
            otherFields = Collections.unmodifiableSortedMap(new TreeMap<>(otherFields == null ? Map.of()
                    : otherFields));
        }
    }

    /**
     * @param file a {@code backup.info} file
     * @param id the backup it describes (the name of its folder)
     * @return its content
     * @throws BarmanException naming the file, and the line, when it cannot be read or a line is malformed
     */
    public static Content read(Path file, BackupId id) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BarmanException("cannot read " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BarmanException("cannot read " + file + ": it is not UTF-8 text (is it a backup.info file?)",
                    e);
        } catch (IOException e) {
            throw new BarmanException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, id, file.toString());
    }

    /**
     * @param lines the lines of a {@code backup.info}
     * @param id the backup it describes
     * @param source where the lines come from, for error messages
     * @return its content
     * @throws BarmanException naming the source and the line of the first malformed line
     */
    public static Content parse(List<String> lines, BackupId id, String source) {
        Map<String, String> raw = new TreeMap<>();
        Map<String, Integer> lineOf = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new BarmanException(source + ", line " + (i + 1) + ": '" + shorten(trimmed)
                        + "' is not a key=value line");
            }
            String key = line.substring(0, equals).strip();
            if (!KEY.matcher(key).matches()) {
                throw new BarmanException(source + ", line " + (i + 1) + ": '" + shorten(key)
                        + "' is not a field name");
            }
            raw.put(key, line.substring(equals + 1).strip());
            lineOf.put(key, i + 1);
        }
        FieldReader fields = new FieldReader(raw, lineOf, source);
        BackupInfo.Builder builder = BackupInfo.builder(id)
                .serverName(fields.text("server_name"))
                .status(fields.status())
                .mode(fields.text("mode"))
                .backupLabel(fields.string("backup_label"))
                .beginTime(fields.time("begin_time"))
                .endTime(fields.time("end_time"))
                .beginWal(fields.wal("begin_wal"))
                .endWal(fields.wal("end_wal"))
                .beginXlog(fields.lsn("begin_xlog"))
                .endXlog(fields.lsn("end_xlog"))
                .beginOffset(fields.number("begin_offset", 0))
                .endOffset(fields.number("end_offset", 0))
                .timeline(fields.number("timeline", 0))
                .size(fields.number("size", 0))
                .deduplicatedSize(fields.number("deduplicated_size", 0))
                .pgdata(fields.text("pgdata"))
                .tablespaces(fields.tablespaces())
                .version(Math.toIntExact(fields.number("version", 0)))
                .systemid(fields.text("systemid"))
                .xlogSegmentSize(fields.number("xlog_segment_size", WalSegmentName.DEFAULT_SEGMENT_SIZE))
                .configFile(fields.text("config_file"))
                .hbaFile(fields.text("hba_file"))
                .identFile(fields.text("ident_file"))
                .includedFiles(fields.strings("included_files"))
                .error(fields.text("error"))
                .compression(fields.text("compression"));
        SortedMap<String, String> others = new TreeMap<>(raw);
        others.keySet().removeAll(MODELLED);
        return new Content(builder.build(), others);
    }

    /**
     * Writes the file atomically: a temporary file in the same folder, fsynced, renamed over the target, and the
     * folder fsynced.
     *
     * @param file the {@code backup.info} to create or replace
     * @param info the fields
     * @param otherFields other keys to write with their raw text, such as those read from the previous version of
     *     the file; they win over Barman's {@code None} defaults
     * @throws BarmanException when it cannot be written (the previous version is then intact)
     */
    public static void write(Path file, BackupInfo info, Map<String, String> otherFields) {
        String text = format(info, otherFields);
        try {
            Durable.writeString(file, text);
        } catch (IOException e) {
            throw new BarmanException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param info the fields
     * @param otherFields other keys with their raw text
     * @return the file's text: one {@code key=value} line per key, sorted by key
     */
    public static String format(BackupInfo info, Map<String, String> otherFields) {
        SortedMap<String, String> lines = new TreeMap<>();
        BARMAN_ALWAYS_WRITTEN.forEach(key -> lines.put(key, NONE));
        if (otherFields != null) {
            otherFields.forEach((key, value) -> {
                if (key == null || !KEY.matcher(key).matches() || MODELLED.contains(key)) {
                    throw new IllegalArgumentException("'" + key + "' cannot be an extra backup.info field");
                }
                lines.put(key, oneLine(value));
            });
        }
        lines.put("backup_label", info.backupLabel() == null ? NONE : PythonLiterals.repr(info.backupLabel()));
        lines.put("begin_offset", info.beginXlog() == null ? NONE : Long.toString(info.beginOffset()));
        lines.put("begin_time", time(info.beginTime()));
        lines.put("begin_wal", text(info.beginWal()));
        lines.put("begin_xlog", text(info.beginXlog()));
        lines.put("compression", text(info.compression()));
        lines.put("config_file", text(info.configFile()));
        lines.put("deduplicated_size", positive(info.deduplicatedSize()));
        lines.put("end_offset", info.endXlog() == null ? NONE : Long.toString(info.endOffset()));
        lines.put("end_time", time(info.endTime()));
        lines.put("end_wal", text(info.endWal()));
        lines.put("end_xlog", text(info.endXlog()));
        lines.put("error", text(info.error()));
        lines.put("hba_file", text(info.hbaFile()));
        lines.put("ident_file", text(info.identFile()));
        lines.put("included_files", info.includedFiles().isEmpty() ? NONE
                : PythonLiterals.repr(info.includedFiles()));
        lines.put("mode", text(info.mode()));
        lines.put("pgdata", text(info.pgdata()));
        lines.put("server_name", text(info.serverName()));
        boolean copied = info.status() == BackupStatus.DONE || info.status() == BackupStatus.WAITING_FOR_WALS;
        lines.put("size", copied ? Long.toString(info.size()) : positive(info.size()));
        lines.put("status", info.status().name());
        lines.put("systemid", text(info.systemid()));
        lines.put("tablespaces", tablespaces(info.tablespaces()));
        lines.put("timeline", positive(info.timeline()));
        lines.put("version", positive(info.version()));
        lines.put("xlog_segment_size", Long.toString(info.xlogSegmentSize()));
        StringBuilder out = new StringBuilder();
        lines.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
        return out.toString();
    }

    private static String tablespaces(List<Tablespace> tablespaces) {
        if (tablespaces.isEmpty()) {
            return NONE;
        }
        List<Object> items = new ArrayList<>();
        for (Tablespace tablespace : tablespaces) {
            items.add(new PythonLiterals.Tuple(List.of(tablespace.name(), tablespace.oid(),
                    tablespace.location())));
        }
        return PythonLiterals.repr(items);
    }

    private static String positive(long value) {
        return value == 0 ? NONE : Long.toString(value);
    }

    private static String text(Object value) {
        return value == null ? NONE : oneLine(value.toString());
    }

    /** A value spanning lines would break the file: line breaks become spaces, as the format has no escape. */
    private static String oneLine(String value) {
        return value.strip().replaceAll("[\\r\\n]+", " ");
    }

    /**
     * @param time a time, or null
     * @return Python's {@code str(datetime)} of it, to the microsecond: {@code 2014-12-22 09:25:22.561207+01:00},
     *     without the fraction when it is 0; {@code None} for null
     */
    public static String time(OffsetDateTime time) {
        if (time == null) {
            return NONE;
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d",
                time.getYear(), time.getMonthValue(), time.getDayOfMonth(), time.getHour(), time.getMinute(),
                time.getSecond()));
        int micros = time.getNano() / 1000;
        if (micros != 0) {
            out.append(String.format(Locale.ROOT, ".%06d", micros));
        }
        int offset = time.getOffset().getTotalSeconds();
        int absolute = Math.abs(offset);
        out.append(offset < 0 ? '-' : '+').append(String.format(Locale.ROOT, "%02d:%02d", absolute / 3600,
                absolute / 60 % 60));
        if (absolute % 60 != 0) {
            out.append(String.format(Locale.ROOT, ":%02d", absolute % 60));
        }
        return out.toString();
    }

    /**
     * @param text a time as Barman (dateutil) reads it; without an offset it is the local time of this host
     * @return the time
     * @throws IllegalArgumentException when it is not of that form
     */
    static OffsetDateTime parseTime(String text) {
        Matcher m = TIME.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a date and time (expected the form "
                    + "2014-12-22 09:25:22.561207+01:00)");
        }
        String fraction = m.group(7) == null ? "0" : (m.group(7) + "00000000").substring(0, 9);
        LocalDateTime local;
        try {
            local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), Integer.parseInt(fraction));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid date and time: " + e.getMessage(), e);
        }
        String zone = m.group(8);
        if (zone == null) {
            return local.atZone(ZoneId.systemDefault()).toOffsetDateTime();
        }
        if (zone.equals("Z")) {
            return local.atOffset(ZoneOffset.UTC);
        }
        String digits = zone.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : 0;
        int seconds = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        try {
            return local.atOffset(ZoneOffset.ofHoursMinutesSeconds(sign * hours, sign * minutes, sign * seconds));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid offset: " + e.getMessage(), e);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    /** Converts the raw values of one file, each error naming the file, line and field. */
    private static final class FieldReader {
        private final Map<String, String> raw;
        private final Map<String, Integer> lineOf;
        private final String source;

        FieldReader(Map<String, String> raw, Map<String, Integer> lineOf, String source) {
            this.raw = raw;
            this.lineOf = lineOf;
            this.source = source;
        }

        private String value(String key) {
            String value = raw.get(key);
            return value == null || value.equals(NONE) ? null : value;
        }

        private BarmanException error(String key, String message) {
            return new BarmanException(source + ", line " + lineOf.get(key) + ": " + key + ": " + message);
        }

        String text(String key) {
            return value(key);
        }

        BackupStatus status() {
            String value = value("status");
            if (value == null) {
                return BackupStatus.EMPTY;
            }
            try {
                return BackupStatus.parse(value);
            } catch (IllegalArgumentException e) {
                throw error("status", e.getMessage());
            }
        }

        long number(String key, long missing) {
            String value = value(key);
            if (value == null) {
                return missing;
            }
            String digits = value.endsWith("L") ? value.substring(0, value.length() - 1) : value;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error(key, "'" + shorten(value) + "' is not an integer");
            }
        }

        OffsetDateTime time(String key) {
            String value = value(key);
            try {
                return value == null ? null : parseTime(value);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        WalSegmentName wal(String key) {
            String value = value(key);
            if (value == null) {
                return null;
            }
            try {
                WalSegmentName name = WalSegmentName.parse(value);
                if (name.kind() != WalSegmentName.Kind.SEGMENT) {
                    throw error(key, "'" + value + "' is not a WAL segment name (24 hex digits)");
                }
                return name;
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        Lsn lsn(String key) {
            String value = value(key);
            try {
                return value == null ? null : Lsn.parse(value);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        private Object literal(String key) {
            String value = value(key);
            try {
                return value == null ? null : PythonLiterals.parse(value);
            } catch (PythonLiterals.SyntaxException e) {
                throw error(key, "not a Python literal: " + e.getMessage());
            }
        }

        String string(String key) {
            Object value = literal(key);
            if (value == null || value instanceof String) {
                return (String) value;
            }
            throw error(key, "expected a quoted string or None, found " + shorten(raw.get(key)));
        }

        List<String> strings(String key) {
            Object value = literal(key);
            if (value == null) {
                return List.of();
            }
            if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return list.stream().map(String.class::cast).toList();
            }
            throw error(key, "expected a list of quoted strings or None, found " + shorten(raw.get(key)));
        }

        List<Tablespace> tablespaces() {
            Object value = literal("tablespaces");
            if (value == null) {
                return List.of();
            }
            String expected = "expected a list of (name, oid, location) tuples or None, found "
                    + shorten(raw.get("tablespaces"));
            if (!(value instanceof List<?> list)) {
                throw error("tablespaces", expected);
            }
            List<Tablespace> tablespaces = new ArrayList<>();
            for (Object item : list) {
                List<?> fields = item instanceof PythonLiterals.Tuple tuple ? tuple.items()
                        : item instanceof List<?> l ? l : null;
                if (fields == null || fields.size() != 3 || !(fields.get(0) instanceof String name)
                        || !(fields.get(1) instanceof Long oid) || !(fields.get(2) instanceof String location)) {
                    throw error("tablespaces", expected);
                }
                try {
                    tablespaces.add(new Tablespace(name, oid, location));
                } catch (IllegalArgumentException e) {
                    throw error("tablespaces", e.getMessage());
                }
            }
            return tablespaces;
        }
    }
}
