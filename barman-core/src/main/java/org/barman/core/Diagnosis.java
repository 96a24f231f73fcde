package org.barman.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.barman.core.config.Secrets;

/**
 * What {@code barman diagnose} reports: the global and per-server configuration (passwords masked by
 * {@link Secrets}), and the versions of Java, the OS, Barman and the tools Barman runs. A tree of maps, lists and
 * strings, ready to render as JSON.
 *
 * @param tree the report
 */
public record Diagnosis(Map<String, Object> tree) {

    static Diagnosis of(Barman barman) {
        Map<String, Object> global = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>(barman.config().global().maskedTexts());
        config.put("files", barman.config().files().stream().map(Object::toString).toList());
        global.put("config", config);
        global.put("system_info", systemInfo(barman));
        Map<String, Object> servers = new LinkedHashMap<>();
        for (Server server : barman.servers("all")) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("config", server.effectiveOptions());
            entry.put("status", status(server));
            servers.put(server.name(), entry);
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("global", global);
        tree.put("servers", servers);
        return new Diagnosis(tree);
    }

    /** The state of a server's catalogue and archive; a problem reading them is reported, not thrown. */
    private static Map<String, Object> status(Server server) {
        Map<String, Object> status = new LinkedHashMap<>();
        try {
            List<org.barman.api.BackupInfo> backups = server.catalog().oldestFirst();
            status.put("backups", backups.size());
            status.put("done_backups", backups.stream().filter(org.barman.api.BackupInfo::isDone).count());
            if (!backups.isEmpty()) {
                org.barman.api.BackupInfo last = backups.get(backups.size() - 1);
                status.put("last_backup", last.id().value());
                status.put("last_backup_status", last.status().name());
            }
        } catch (RuntimeException e) {
            status.put("catalogue_error", Secrets.mask(e.getMessage()));
        }
        try {
            List<org.barman.api.WalFileInfo> wal = server.walArchive().list();
            status.put("wal_files", wal.size());
            wal.stream().filter(entry -> entry.name().kind() == org.barman.api.WalSegmentName.Kind.SEGMENT)
                    .reduce((first, second) -> second)
                    .ifPresent(entry -> status.put("last_archived_wal", entry.name().fileName()));
            status.put("incoming_wal_files", server.walArchive().incomingFiles().size());
        } catch (RuntimeException e) {
            status.put("archive_error", Secrets.mask(e.getMessage()));
        }
        return status;
    }

    private static Map<String, Object> systemInfo(Barman barman) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("barman_ver", BarmanVersion.get());
        info.put("java_ver", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        info.put("release", osRelease());
        info.put("rsync_ver", firstLine(List.of("rsync", "--version")));
        info.put("ssh_ver", firstLine(List.of("ssh", "-V")));
        info.put("compressors", barman.plugins().compressorNames());
        info.put("transports", barman.plugins().transportNames());
        info.put("user", System.getProperty("user.name"));
        info.put("timestamp", java.time.OffsetDateTime.now().toString());
        return info;
    }

    private static String osRelease() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String firstLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "did not answer";
            }
            String first = output.lines().findFirst().orElse("").strip();
            return first.isEmpty() ? "exit code " + process.exitValue() : first;
        } catch (IOException e) {
            return "not found on the PATH";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
