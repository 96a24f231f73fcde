package org.barman.core.check;

import java.util.List;
import java.util.Optional;

import org.barman.api.BackupInfo;
import org.barman.api.BarmanException;
import org.barman.api.RetentionPolicy;
import org.barman.core.Server;
import org.barman.core.config.ConfigOptions;
import org.barman.core.retention.RecoveryWindowPolicy;
import org.barman.core.retention.RedundancyPolicy;

/**
 * Barman's "retention policy settings" item: the policy set can be enforced as written. It fails when
 * {@code REDUNDANCY n} is below {@code minimum_redundancy} (more backups are kept than the policy says), when a
 * DONE backup lacks the {@code begin_wal} (or, for a recovery window, the {@code end_time}) retention needs, or
 * when the policy cannot be evaluated over the catalogue.
 */
public final class RetentionChecks {

    private static final String NAME = "retention policy settings";

    private RetentionChecks() {
    }

    /** @return the check of the retention policy settings */
    public static ServerCheck policySettings() {
        return context -> List.of(check(context.server()));
    }

    private static CheckResult check(Server server) {
        Optional<RetentionPolicy> policy;
        try {
            policy = server.retentionPolicy();
        } catch (BarmanException e) {
            return CheckResult.failed(NAME, e.getMessage());
        }
        if (policy.isEmpty()) {
            return CheckResult.ok(NAME, "");
        }
        int minimum = server.config().get(ConfigOptions.MINIMUM_REDUNDANCY);
        if (policy.get() instanceof RedundancyPolicy redundancy && redundancy.redundancy() < minimum) {
            return CheckResult.failed(NAME, policy.get().describe() + " is below minimum_redundancy = " + minimum
                    + ", so " + minimum + " backups are kept: set retention_policy = REDUNDANCY " + minimum
                    + " or lower minimum_redundancy");
        }
        boolean window = policy.get() instanceof RecoveryWindowPolicy;
        for (BackupInfo backup : server.catalog().oldestFirst()) {
            if (!backup.isDone()) {
                continue;
            }
            if (backup.beginWal() == null) {
                return CheckResult.failed(NAME, "backup " + backup.id() + " is DONE but its backup.info has no "
                        + "begin_wal: retention cannot tell which WAL it needs, so barman cron removes no WAL file "
                        + "while it is kept; check " + server.catalog().infoFile(backup.id()));
            }
            if (window && backup.endTime() == null) {
                return CheckResult.failed(NAME, "backup " + backup.id() + " is DONE but its backup.info has no "
                        + "end_time: the recovery window counts it as inside the window, so it and every older "
                        + "backup it needs are kept; check " + server.catalog().infoFile(backup.id()));
            }
        }
        try {
            server.retentionReport();
        } catch (BarmanException | IllegalArgumentException e) {
            return CheckResult.failed(NAME, policy.get().describe() + " cannot be evaluated: " + e.getMessage());
        }
        return CheckResult.ok(NAME, "");
    }
}
