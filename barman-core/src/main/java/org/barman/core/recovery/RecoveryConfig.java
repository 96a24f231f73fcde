package org.barman.core.recovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recovery settings of a recovered copy, in the form its PostgreSQL version reads: from 12 on,
 * {@code recovery.signal} (or {@code standby.signal}) plus settings appended to {@code postgresql.auto.conf};
 * before 12, {@code recovery.conf}. Also disables archiving in the copy, so that it never archives into the
 * server's own archive, keeping each original line as a {@code #BARMAN#} comment.
 */
public final class RecoveryConfig {

    /** The prefix of lines Barman comments out, as Barman does. */
    public static final String COMMENT = "#BARMAN# ";

    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=?");
    private static final Set<String> ARCHIVING = Set.of("archive_mode", "archive_command", "archive_library");
    private static final Set<String> RECOVERY = Set.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_xid", "recovery_target_name", "recovery_target_lsn", "recovery_target_inclusive",
            "recovery_target_timeline", "recovery_target_action", "standby_mode");
    /** Paths that would make the copy use the original cluster's files. */
    private static final Set<String> ORIGINAL_PATHS = Set.of("data_directory", "hba_file", "ident_file",
            "external_pid_file");

    private RecoveryConfig() {
    }

    /**
     * @param restoreCommand the {@code restore_command}
     * @param options the recovery options (target, timeline, action, standby mode)
     * @return the recovery settings, by name, in the order they are written
     */
    public static Map<String, String> settings(String restoreCommand, RecoveryOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("restore_command", restoreCommand);
        RecoveryTarget target = options.target();
        switch (target.kind()) {
            case NONE -> { }
            case IMMEDIATE -> settings.put("recovery_target", "immediate");
            default -> settings.put("recovery_target_" + target.kind().name().toLowerCase(Locale.ROOT),
                    target.value());
        }
        if (target.exclusive()) {
            settings.put("recovery_target_inclusive", "off");
        }
        options.targetTimeline().ifPresent(timeline -> settings.put("recovery_target_timeline", timeline));
        options.targetAction().ifPresent(action -> settings.put("recovery_target_action", action));
        return settings;
    }

    /**
     * @param original a configuration file of the backup ({@code postgresql.conf} or {@code postgresql.auto.conf})
     * @param disablePaths whether to comment out settings that point to the original cluster's files
     * @return the file with archiving and earlier recovery settings commented out
     */
    public static String commentOut(String original, boolean disablePaths) {
        StringBuilder out = new StringBuilder();
        for (String line : original.lines().toList()) {
            Matcher m = SETTING.matcher(line);
            String name = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
            boolean disable = ARCHIVING.contains(name) || RECOVERY.contains(name)
                    || (disablePaths && ORIGINAL_PATHS.contains(name));
            out.append(disable ? COMMENT + line : line).append('\n');
        }
        return out.toString();
    }

    /**
     * @param autoConf the backup's {@code postgresql.auto.conf} (may be empty)
     * @param settings the recovery settings
     * @param header a comment line saying who wrote them
     * @return the new {@code postgresql.auto.conf} (version 12 and later)
     */
    public static String autoConf(String autoConf, Map<String, String> settings, String header) {
        StringBuilder out = new StringBuilder(commentOut(autoConf, false));
        out.append("# ").append(header).append('\n');
        settings.forEach((name, value) -> out.append(name).append(" = ").append(quote(value)).append('\n'));
        out.append("archive_mode = off\n");
        return out.toString();
    }

    /**
     * @param settings the recovery settings
     * @param standby whether the copy starts as a standby
     * @param header a comment line saying who wrote them
     * @return a {@code recovery.conf} (before version 12)
     */
    public static String recoveryConf(Map<String, String> settings, boolean standby, String header) {
        StringBuilder out = new StringBuilder("# ").append(header).append('\n');
        settings.forEach((name, value) -> out.append(name).append(" = ").append(quote(value)).append('\n'));
        if (standby) {
            out.append("standby_mode = 'on'\n");
        }
        return out.toString();
    }

    /**
     * @param value a setting value
     * @return the value quoted as PostgreSQL's configuration files want it
     */
    public static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * @param original a configuration file
     * @return the names of the settings it comments out, for the report
     */
    public static List<String> disabledSettings(String original) {
        List<String> names = new ArrayList<>();
        for (String line : original.lines().toList()) {
            Matcher m = SETTING.matcher(line);
            if (m.find()) {
                String name = m.group(1).toLowerCase(Locale.ROOT);
                if (ARCHIVING.contains(name) || ORIGINAL_PATHS.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
