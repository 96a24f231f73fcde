package org.barman.examples.embedding;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.barman.api.BackupInfo;
import org.barman.api.CopyListener;
import org.barman.api.Tablespace;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.catalog.BackupSummary;
import org.barman.core.check.CheckReport;
import org.barman.core.check.CheckResult;
import org.barman.core.recovery.RecoveryOptions;
import org.barman.core.recovery.RecoveryReport;
import org.barman.core.recovery.RecoveryTarget;

/**
 * What an operations tool written in Java does with Barman, without the command line: load a {@code barman.conf},
 * check a server, take a base backup and wait until it is consistent, list the server's backups, and recover the
 * latest one into a folder, ready to start (its tablespaces into folders beside it).
 *
 * <pre>
 * java -cp 'target/classes:target/dependency/*' org.barman.examples.embedding.BackupAndRecover \
 *     /etc/barman.conf main /srv/restore/main
 * </pre>
 */
public final class BackupAndRecover {

    private BackupAndRecover() {
    }

    /**
     * @param args the configuration file, the server name and the folder to recover into
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: BackupAndRecover BARMAN_CONF SERVER DESTINATION");
            System.exit(2);
        }
        try {
            run(Path.of(args[0]), args[1], Path.of(args[2]), System.out);
        } catch (RuntimeException e) {
            // BarmanException messages are written for a DBA: one line that names what failed and where.
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Backs up a server and recovers its latest backup.
     *
     * @param config the configuration file
     * @param serverName the server, a section of the configuration
     * @param destination an empty or new folder to recover into
     * @param out where to say what happens
     * @return the recovery's report: what was copied, the recovery settings written, what to check
     * @throws org.barman.api.BarmanException when the configuration is invalid, a check fails, or the backup or
     *     the recovery fails
     */
    public static RecoveryReport run(Path config, String serverName, Path destination, PrintStream out) {
        // 1. Load the configuration: the same file, rules and errors as the command line.
        Barman barman = Barman.load(config);
        barman.requireBarmanUser();
        Server server = barman.server(serverName);

        // 2. Check the server, as "barman check" does, and stop on the first problem.
        CheckReport check = server.check();
        for (CheckResult result : check.results()) {
            out.println("check " + result.display());
        }
        if (!check.ok()) {
            throw new org.barman.api.BarmanException("server " + serverName + " is not ready: "
                    + check.failures().get(0).display());
        }

        // 3. Take a base backup: an immediate checkpoint, and wait until the WAL that makes it consistent is archived.
        BackupOptions options = new BackupOptions(Optional.of(true), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofMinutes(2));
        BackupInfo backup = server.takeBackup(options, CopyListener.NONE);
        out.println("backup " + backup.id() + " " + backup.status() + " (WAL " + backup.beginWal()
                + " to " + backup.endWal() + ")");

        // 4. List the catalogue, newest first, as "barman list-backup" does.
        for (BackupSummary summary : server.listBackups()) {
            out.println("catalogue " + summary.info().id() + " " + summary.info().status() + " " + summary.size()
                    + " bytes");
        }

        // 5. Recover the latest backup: stop as soon as it is consistent, then promote. Tablespaces go next to the
        //    destination (DESTINATION-NAME), since their original folders may be in use on this host.
        Map<String, String> tablespaces = new TreeMap<>();
        for (Tablespace tablespace : server.backup("latest").tablespaces()) {
            tablespaces.put(tablespace.name(), destination + "-" + tablespace.name());
        }
        RecoveryOptions recovery = RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.IMMEDIATE, "", false))
                .withTargetAction("promote").withTablespaces(tablespaces);
        RecoveryReport report = server.recover("latest", destination.toString(), recovery, CopyListener.NONE);
        out.println("recovered " + report.backup() + " into " + report.destination() + ": " + report.files()
                + " files, " + report.walFiles() + " WAL files");
        report.tablespaces().forEach((name, folder) -> out.println("tablespace " + name + " -> " + folder));
        report.settings().forEach((name, value) -> out.println("recovery setting " + name + " = " + value));
        report.warnings().forEach(warning -> out.println("check before starting: " + warning));
        return report;
    }
}
