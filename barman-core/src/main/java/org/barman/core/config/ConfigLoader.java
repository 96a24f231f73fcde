package org.barman.core.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.api.RetentionPolicy;
import org.barman.core.config.IniFile.Entry;
import org.barman.core.plugin.Plugins;
import org.barman.core.retention.RedundancyPolicy;

/**
 * Reads {@code barman.conf} with Barman's rules: where the file is looked for, the {@code [barman]} section and
 * the server sections, {@code configuration_files_directory}, inheritance of global options, defaults and
 * {@code %(option)s} references; then types and validates every value.
 *
 * <p>Every error names the file, the section and the option, and the value expected.
 */
public final class ConfigLoader {

    /** The section of global options. */
    public static final String GLOBAL_SECTION = "barman";
    /** The name that means every server on the command line, so no server may use it. */
    public static final String ALL_SERVERS = "all";

    private static final Pattern REFERENCE = Pattern.compile("%\\(([^)]*)\\)s|%%");
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final int MAX_REFERENCE_DEPTH = 10;

    private final Plugins plugins;
    private final List<String> warnings = new ArrayList<>();

    private ConfigLoader(Plugins plugins) {
        this.plugins = plugins;
    }

    /**
     * The files tried, in order, when no {@code -c} is given: {@code ~/.barman.conf}, {@code /etc/barman.conf},
     * {@code /etc/barman/barman.conf}.
     *
     * @return the candidate paths
     */
    public static List<Path> defaultLocations() {
        return List.of(Path.of(System.getProperty("user.home"), ".barman.conf"), Path.of("/etc/barman.conf"),
                Path.of("/etc/barman/barman.conf"));
    }

    /**
     * @param explicit the file given with {@code -c}, or null to search the default locations
     * @param plugins the installed providers, to validate compression, transport and retention policy
     * @return the configuration
     * @throws BarmanException naming the place of the first error
     */
    public static BarmanConfig load(Path explicit, Plugins plugins) {
        return load(explicit, defaultLocations(), plugins);
    }

    /**
     * @param explicit the file given with {@code -c}, or null to search {@code candidates}
     * @param candidates the files to try in order when no file is given
     * @param plugins the installed providers
     * @return the configuration
     */
    public static BarmanConfig load(Path explicit, List<Path> candidates, Plugins plugins) {
        Path file = explicit != null ? explicit : candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new BarmanException("no configuration file found (tried "
                        + String.join(", ", candidates.stream().map(Path::toString).toList())
                        + "): create one or give it with -c FILE"));
        return new ConfigLoader(plugins).read(file.toAbsolutePath().normalize());
    }

    private BarmanConfig read(Path mainFile) {
        if (Files.isDirectory(mainFile)) {
            throw new BarmanException("cannot read configuration file " + mainFile + ": it is a folder");
        }
        IniFile main = IniFile.read(mainFile);
        Map<String, Entry> globalSection = main.sections().get(GLOBAL_SECTION);
        if (globalSection == null) {
            throw new BarmanException(mainFile + ": there is no [" + GLOBAL_SECTION + "] section of global options");
        }
        checkKeys(mainFile, GLOBAL_SECTION, globalSection, true);
        GlobalConfig global = resolveGlobal(mainFile, globalSection);

        List<Path> files = new ArrayList<>(List.of(mainFile));
        Map<String, Map<String, Entry>> serverSections = new LinkedHashMap<>();
        Map<String, Path> sectionFiles = new LinkedHashMap<>();
        addServerSections(main, serverSections, sectionFiles);
        Path includeDir = global.get(ConfigOptions.CONFIGURATION_FILES_DIRECTORY);
        if (includeDir != null) {
            Path dir = mainFile.getParent().resolve(includeDir).normalize();
            for (Path include : confFiles(mainFile, dir)) {
                IniFile extra = IniFile.read(include);
                if (extra.sections().containsKey(GLOBAL_SECTION)) {
                    throw new BarmanException(include + ": a [" + GLOBAL_SECTION + "] section is only allowed in "
                            + mainFile + "; files of configuration_files_directory hold server sections");
                }
                files.add(include);
                addServerSections(extra, serverSections, sectionFiles);
            }
        }

        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        serverSections.forEach((name, section) -> servers.put(name,
                resolveServer(mainFile, sectionFiles.get(name), name, section, globalSection, global)));
        return new BarmanConfig(mainFile, files, global, servers, warnings);
    }

    private static List<Path> confFiles(Path mainFile, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BarmanException(mainFile + " [" + GLOBAL_SECTION + "] configuration_files_directory: " + dir
                    + " is not a readable folder");
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.conf")) {
            stream.forEach(path -> {
                if (Files.isRegularFile(path)) {
                    found.add(path);
                }
            });
        } catch (IOException e) {
            throw new BarmanException(mainFile + " [" + GLOBAL_SECTION + "] configuration_files_directory: cannot "
                    + "list " + dir + ": " + IniFile.describe(e), e);
        }
        found.sort(null);
        return found;
    }

    private void addServerSections(IniFile ini, Map<String, Map<String, Entry>> sections,
            Map<String, Path> sectionFiles) {
        ini.sections().forEach((name, entries) -> {
            if (name.equals(GLOBAL_SECTION)) {
                return;
            }
            if (name.equalsIgnoreCase(ALL_SERVERS)) {
                throw new BarmanException(ini.path() + ": [" + name + "] cannot be a server name: '" + ALL_SERVERS
                        + "' and '" + GLOBAL_SECTION + "' are reserved");
            }
            if (!SERVER_NAME.matcher(name).matches()) {
                throw new BarmanException(ini.path() + ": [" + name + "] is not a valid server name: use letters, "
                        + "digits, '_', '-' and '.', starting with a letter or a digit");
            }
            if (sections.containsKey(name)) {
                throw new BarmanException(ini.path() + ": server [" + name + "] is already defined in "
                        + sectionFiles.get(name));
            }
            checkKeys(ini.path(), name, entries, false);
            sections.put(name, entries);
            sectionFiles.put(name, ini.path());
        });
    }

    private void checkKeys(Path file, String section, Map<String, Entry> entries, boolean global) {
        entries.forEach((key, entry) -> {
            Optional<ConfigOption<?>> option = ConfigOptions.byName(key);
            if (option.isEmpty()) {
                warnings.add(file + " [" + section + "] line " + entry.line() + ": unknown option '" + key
                        + "' (ignored by Barman; plug-ins may read it)");
                return;
            }
            OptionScope scope = option.get().scope();
            if (global && !scope.allowedInGlobal()) {
                throw new BarmanException(file + " [" + section + "] line " + entry.line() + ": option " + key
                        + " is a server option and cannot be set in [" + GLOBAL_SECTION + "]");
            }
            if (!global && !scope.allowedInServer()) {
                throw new BarmanException(file + " [" + section + "] line " + entry.line() + ": option " + key
                        + " is a global option: set it in [" + GLOBAL_SECTION + "] of the main file");
            }
        });
    }

    private GlobalConfig resolveGlobal(Path file, Map<String, Entry> section) {
        String origin = file + " [" + GLOBAL_SECTION + "]";
        Map<ConfigOption<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Function<String, String> lookup = new Lookup(section, null, null)::raw;
        for (ConfigOption<?> option : ConfigOptions.all()) {
            if (!option.scope().allowedInGlobal()) {
                continue;
            }
            Entry entry = section.get(option.name());
            String raw = entry != null ? entry.value() : option.defaultValue();
            String where = entry != null ? origin : origin + " (default)";
            if (resolve(option, raw, lookup, where, values, texts)) {
                origins.put(option.name(), where);
            }
        }
        return new GlobalConfig(origin, values, texts, origins);
    }

    private ServerConfig resolveServer(Path mainFile, Path file, String name, Map<String, Entry> section,
            Map<String, Entry> globalSection, GlobalConfig global) {
        String origin = file + " [" + name + "]";
        Map<ConfigOption<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Function<String, String> lookup = new Lookup(section, name, globalSection)::raw;
        for (ConfigOption<?> option : ConfigOptions.all()) {
            if (option.scope() == OptionScope.GLOBAL) {
                if (global.isSet(option)) {
                    values.put(option, global.get(option));
                    texts.put(option.name(), global.texts().get(option.name()));
                    origins.put(option.name(), global.originOf(option));
                }
                continue;
            }
            Entry own = section.get(option.name());
            Entry inherited = option.scope().allowedInGlobal() ? globalSection.get(option.name()) : null;
            String raw = own != null ? own.value() : inherited != null ? inherited.value() : option.defaultValue();
            String where = own != null ? origin : inherited != null ? mainFile + " [" + GLOBAL_SECTION + "]"
                    : origin + " (default)";
            if (resolve(option, raw, lookup, where, values, texts)) {
                origins.put(option.name(), where);
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        section.forEach((key, entry) -> {
            if (ConfigOptions.byName(key).isEmpty()) {
                extra.put(key, interpolate(entry.value(), lookup, origin, key, 0));
            }
        });
        ServerConfig server = new ServerConfig(name, mainFile, origin, values, texts, origins, extra);
        validateWithPlugins(server);
        return server;
    }

    private boolean resolve(ConfigOption<?> option, String raw, Function<String, String> lookup, String origin,
            Map<ConfigOption<?>, Object> values, Map<String, String> texts) {
        if (raw == null) {
            return false;
        }
        String text = interpolate(raw, lookup, origin, option.name(), 0).strip();
        if (text.isEmpty()) {
            return false;
        }
        Object value;
        try {
            value = option.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(origin, option.name(), text, e.getMessage(), option.expected());
        }
        values.put(option, value);
        texts.put(option.name(), text);
        return true;
    }

    private static BarmanException invalid(String origin, String option, String text, String detail,
            String expected) {
        String why = detail == null || detail.isEmpty() ? "" : " (" + Secrets.mask(detail) + ")";
        return new BarmanException(origin + " " + option + ": invalid value '" + Secrets.maskOption(option, text)
                + "'" + why + ": expected " + expected);
    }

    private static String interpolate(String raw, Function<String, String> lookup, String origin, String option,
            int depth) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new BarmanException(origin + " " + option + ": %(...)s references nest more than "
                    + MAX_REFERENCE_DEPTH + " deep (is there a loop?)");
        }
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("%%")) {
                replacement = "%";
            } else {
                String name = m.group(1).strip().toLowerCase(java.util.Locale.ROOT);
                String referenced = lookup.apply(name);
                if (referenced == null) {
                    throw new BarmanException(origin + " " + option + ": %(" + name + ")s refers to an option that "
                            + "is not set");
                }
                replacement = interpolate(referenced, lookup, origin, option, depth + 1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void validateWithPlugins(ServerConfig server) {
        String compression = server.get(ConfigOptions.COMPRESSION);
        if (compression != null) {
            if (!plugins.compressorNames().contains(compression)) {
                throw invalid(server.originOf(ConfigOptions.COMPRESSION), ConfigOptions.COMPRESSION.name(),
                        compression, null,
                        "one of the available compressors: " + String.join(", ", plugins.compressorNames()));
            }
            plugins.compressor(compression, server.pluginOptions());
        }
        String transport = server.get(ConfigOptions.TRANSPORT);
        if (transport != null && server.get(ConfigOptions.BACKUP_METHOD) == BackupMethod.LOCAL_RSYNC
                && !transport.equals(ServerConfig.LOCAL_TRANSPORT)) {
            String transportOrigin = server.originOf(ConfigOptions.TRANSPORT);
            String methodOrigin = server.originOf(ConfigOptions.BACKUP_METHOD);
            throw new BarmanException(transportOrigin + " " + ConfigOptions.TRANSPORT.name() + ": '" + transport
                    + "' contradicts backup_method = local-rsync" + (methodOrigin.equals(transportOrigin) ? ""
                    : " (" + methodOrigin + ")") + ", which copies with the local transport: remove transport, "
                    + "or set backup_method = rsync to copy through " + transport);
        }
        if (transport != null && !plugins.hasTransport(transport)) {
            throw invalid(server.originOf(ConfigOptions.TRANSPORT), ConfigOptions.TRANSPORT.name(), transport, null,
                    "one of the available transports: " + String.join(", ", plugins.transportNames()));
        }
        Set<String> backupOptions = new HashSet<>(server.get(ConfigOptions.BACKUP_OPTIONS));
        if (backupOptions.contains("concurrent_backup") && backupOptions.contains("exclusive_backup")) {
            throw invalid(server.originOf(ConfigOptions.BACKUP_OPTIONS), ConfigOptions.BACKUP_OPTIONS.name(),
                    server.texts().get(ConfigOptions.BACKUP_OPTIONS.name()), "both methods at once",
                    ConfigOptions.BACKUP_OPTIONS.expected());
        }
        validateArchivers(server);
        String policyText = server.get(ConfigOptions.RETENTION_POLICY);
        if (policyText != null) {
            RetentionPolicy policy;
            try {
                policy = plugins.retentionPolicy(policyText);
            } catch (IllegalArgumentException e) {
                throw invalid(server.originOf(ConfigOptions.RETENTION_POLICY), ConfigOptions.RETENTION_POLICY.name(),
                        policyText, e.getMessage(), plugins.retentionPolicySyntax());
            }
            int minimum = server.get(ConfigOptions.MINIMUM_REDUNDANCY);
            if (policy instanceof RedundancyPolicy redundancy && redundancy.redundancy() < minimum) {
                warnings.add(server.origin() + " retention_policy: " + policy.describe() + " is below "
                        + "minimum_redundancy = " + minimum + "; " + minimum + " backups will be kept");
            }
        }
    }

    /**
     * At least one way for WAL to reach Barman; streaming alone only with a slot, which keeps PostgreSQL from
     * recycling WAL the receiver has not got (a receiver stopped, or behind): without one, a gap in the WAL would
     * go unseen until a recovery needs it. Streaming besides archive_command works without a slot (archiving
     * fills the gaps), with a warning.
     */
    private void validateArchivers(ServerConfig server) {
        boolean archiver = server.get(ConfigOptions.ARCHIVER);
        boolean streaming = server.get(ConfigOptions.STREAMING_ARCHIVER);
        if (!archiver && !streaming) {
            throw new BarmanException(server.origin() + ": archiver and streaming_archiver are both off ("
                    + server.originOf(ConfigOptions.ARCHIVER) + " archiver, " + server.originOf(
                    ConfigOptions.STREAMING_ARCHIVER) + " streaming_archiver), so no WAL would reach server "
                    + server.name() + ": turn on archiver (archive_command), streaming_archiver (barman "
                    + "receive-wal), or both");
        }
        if (streaming && server.get(ConfigOptions.SLOT_NAME) == null) {
            if (!archiver) {
                throw new BarmanException(server.origin() + ": streaming_archiver = on with archiver = off needs "
                        + "slot_name: without a replication slot PostgreSQL may recycle WAL that barman "
                        + "receive-wal has not received, and nothing else would deliver it; set slot_name (and "
                        + "create_slot = auto, or run barman receive-wal --create-slot " + server.name() + ")");
            }
            warnings.add(server.origin() + " streaming_archiver = on without slot_name: PostgreSQL may recycle WAL "
                    + "before barman receive-wal gets it (while it is stopped, for example); archive_command "
                    + "delivers it then, but set slot_name for a stream without gaps");
        }
    }

    /** Finds the raw text of a {@code %(name)s} reference. */
    private record Lookup(Map<String, Entry> section, String serverName, Map<String, Entry> globalSection) {

        String raw(String name) {
            Entry own = section.get(name);
            if (own != null) {
                return own.value();
            }
            if (serverName != null && name.equals("name")) {
                return serverName;
            }
            if (globalSection != null) {
                Entry global = globalSection.get(name);
                if (global != null) {
                    return global.value();
                }
            }
            return ConfigOptions.byName(name).map(ConfigOption::defaultValue).orElse(null);
        }
    }
}
