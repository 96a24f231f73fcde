package org.barman.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.barman.api.BarmanException;

/**
 * A loaded and validated Barman configuration: the global options, every server, and the warnings found while
 * reading (unknown options, for example). Immutable; load it with {@link ConfigLoader}.
 */
public final class BarmanConfig {

    private final Path mainFile;
    private final List<Path> files;
    private final GlobalConfig global;
    private final Map<String, ServerConfig> servers;
    private final List<String> warnings;

    BarmanConfig(Path mainFile, List<Path> files, GlobalConfig global, Map<String, ServerConfig> servers,
            List<String> warnings) {
        this.mainFile = mainFile;
        this.files = List.copyOf(files);
        this.global = global;
        this.servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        this.warnings = List.copyOf(warnings);
    }

    /** @return the main configuration file */
    public Path mainFile() {
        return mainFile;
    }

    /** @return every file read: the main one, then those of {@code configuration_files_directory} */
    public List<Path> files() {
        return files;
    }

    /** @return the options of {@code [barman]} */
    public GlobalConfig global() {
        return global;
    }

    /** @return every server by name, in the order the files define them */
    public Map<String, ServerConfig> servers() {
        return servers;
    }

    /** @return the server names, in the order the files define them */
    public List<String> serverNames() {
        return new ArrayList<>(servers.keySet());
    }

    /**
     * @param name a server name
     * @return its configuration
     * @throws BarmanException when no server has that name, listing those that exist
     */
    public ServerConfig server(String name) {
        ServerConfig server = servers.get(name);
        if (server == null) {
            String known = servers.isEmpty() ? "no server is configured" : "configured servers: "
                    + String.join(", ", servers.keySet());
            throw new BarmanException("unknown server '" + name + "' (" + known + ")");
        }
        return server;
    }

    /**
     * @param target a server name or {@code all}
     * @return the servers it designates, in configuration order
     * @throws BarmanException when the name is unknown
     */
    public List<ServerConfig> select(String target) {
        if ("all".equals(target)) {
            return List.copyOf(servers.values());
        }
        return List.of(server(target));
    }

    /** @return problems that do not stop Barman, each one line naming the place */
    public List<String> warnings() {
        return warnings;
    }
}
