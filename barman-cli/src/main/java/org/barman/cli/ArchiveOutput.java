package org.barman.cli;

import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.wal.ArchiveReport;

/** Prints what a WAL archiving pass did, as Barman does. */
final class ArchiveOutput {

    private ArchiveOutput() {
    }

    static void print(BarmanCommand barman, Server server, ArchiveReport report) {
        if (!report.archived().isEmpty() || !report.duplicates().isEmpty() || !report.errors().isEmpty()) {
            barman.info("Processing xlog segments from file archival for " + server.name());
        }
        for (WalFileInfo entry : report.archived()) {
            barman.info("\t" + entry.name());
        }
        for (String duplicate : report.duplicates()) {
            barman.info("\t" + duplicate + " (already archived, dropped)");
        }
        report.errors().forEach(path -> barman.warning("WAL file moved to the errors folder: " + path));
        report.skipped().forEach(name -> barman.info("\t" + name + " (left in the incoming folder)"));
        if (!report.succeeded()) {
            barman.error(report.failure());
        }
    }
}
