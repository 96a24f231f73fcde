package org.barman.core.recovery;

import java.util.List;
import java.util.Map;

import org.barman.api.BackupId;

/**
 * What {@code barman recover} did, and what the DBA must still check before starting the copy.
 *
 * @param backup the backup recovered
 * @param destination the recovered data folder (on the remote host for a remote recovery)
 * @param remoteCommand the ssh command of a remote recovery, or null for a local one
 * @param files files copied (data and tablespaces)
 * @param bytes bytes copied
 * @param walFiles WAL files put into {@code barman_wal/} (0 with get-wal)
 * @param tablespaces tablespace name to the folder it was recovered into
 * @param settings the recovery settings written
 * @param settingsFile where they were written ({@code postgresql.auto.conf} or {@code recovery.conf})
 * @param signalFile the signal file created ({@code recovery.signal}, {@code standby.signal}), or null before 12
 * @param warnings what the DBA must check
 */
public record RecoveryReport(BackupId backup, String destination, String remoteCommand, long files, long bytes,
        int walFiles, Map<String, String> tablespaces, Map<String, String> settings, String settingsFile,
        String signalFile, List<String> warnings) {

    /**
     * Copies the collections.
     *
     * @param backup the backup recovered
     * @param destination the recovered data folder (on the remote host for a remote recovery)
     * @param remoteCommand the ssh command of a remote recovery, or null for a local one
     * @param files files copied (data and tablespaces)
     * @param bytes bytes copied
     * @param walFiles WAL files put into {@code barman_wal/} (0 with get-wal)
     * @param tablespaces tablespace name to the folder it was recovered into
     * @param settings the recovery settings written
     * @param settingsFile where they were written ({@code postgresql.auto.conf} or {@code recovery.conf})
     * @param signalFile the signal file created ({@code recovery.signal}, {@code standby.signal}), or null before 12
     * @param warnings what the DBA must check
     */
    public RecoveryReport {
        tablespaces = Map.copyOf(tablespaces);
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        warnings = List.copyOf(warnings);
    }
}
