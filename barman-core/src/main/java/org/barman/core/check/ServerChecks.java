package org.barman.core.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.barman.api.BarmanException;
import org.barman.core.Server;
import org.barman.core.postgres.PostgresServer;

/** Runs every check of a server, in Barman's order, sharing one PostgreSQL connection. */
public final class ServerChecks {

    private ServerChecks() {
    }

    /** @return the checks after the PostgreSQL connection, in the order they are printed */
    static List<ServerCheck> all() {
        return List.of(BackupChecks.privileges(), StreamingChecks.connection(),
                StreamingChecks.replicationPrivilege(), ArchivingChecks.walLevel(),
                StreamingChecks.slot(), ArchivingChecks.directories(), StreamingChecks.emptyQueues(),
                RetentionChecks.policySettings(), BackupChecks.backupOptions(), BackupChecks.maximumAge(),
                ArchivingChecks.compression(), ArchivingChecks.walIndex(), BackupChecks.failedBackups(),
                BackupChecks.abandonedBackups(), BackupChecks.minimumRedundancy(), RemoteChecks.remote(),
                BackupChecks.systemIdentifier(),
                BackupChecks.backupLock(), BackupChecks.waitingForWals(), ArchivingChecks.archiveMode(),
                ArchivingChecks.archiveCommand(), ArchivingChecks.continuousArchiving(),
                StreamingChecks.walSenders(), StreamingChecks.receiverInstalled(), StreamingChecks.receiverRunning(),
                ArchivingChecks.archiverErrors(), PermissionChecks.barmanHome());
    }

    /**
     * @param server the server to check
     * @return every item
     */
    public static CheckReport run(Server server) {
        List<CheckResult> results = new ArrayList<>();
        Optional<PostgresServer> postgres = Optional.empty();
        try {
            PostgresServer connected = PostgresServer.connect(server.config());
            postgres = Optional.of(connected);
            connected.requireSupportedVersion();
            results.add(CheckResult.ok("PostgreSQL", BackupChecks.versionDetail(connected)));
        } catch (BarmanException e) {
            results.add(CheckResult.failed("PostgreSQL", e.getMessage()));
        }
        Optional<PostgresServer> usable = results.get(0).ok() ? postgres : Optional.empty();
        try {
            CheckContext context = new CheckContext(server, usable);
            for (ServerCheck check : all()) {
                try {
                    results.addAll(check.check(context));
                } catch (BarmanException e) {
                    results.add(CheckResult.failed("check", e.getMessage()));
                }
            }
        } finally {
            postgres.ifPresent(PostgresServer::close);
        }
        return new CheckReport(server.name(), results);
    }
}
