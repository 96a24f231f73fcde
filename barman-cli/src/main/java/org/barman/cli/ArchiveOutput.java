package org.barman.cli;

import java.util.List;

import org.barman.api.WalFileInfo;
import org.barman.core.Server;
import org.barman.core.wal.ArchiveReport;

/** Prints what a WAL archiving pass did, as Barman does. */
final class ArchiveOutput {

    private ArchiveOutput() {
    }

    /**
     * Prints the files archived by where they came from, as Barman's two archivers do: those streamed by
     * receive-wal first, then those archive_command delivered.
     */
    static void print(BarmanCommand barman, Server server, ArchiveReport report) {
        List<WalFileInfo> streamed = report.archived().stream().filter(report::wasStreamed).toList();
        List<WalFileInfo> delivered = report.archived().stream().filter(entry -> !report.wasStreamed(entry)).toList();
        if (!streamed.isEmpty()) {
            barman.info("Processing xlog segments from streaming for " + server.name());
            streamed.forEach(entry -> barman.info("\t" + entry.name()));
        }
        if (!delivered.isEmpty() || !report.duplicates().isEmpty() || !report.errors().isEmpty()) {
            barman.info("Processing xlog segments from file archival for " + server.name());
        }
        for (WalFileInfo entry : delivered) {
            barman.info("\t" + entry.name());
        }
        for (String duplicate : report.duplicates()) {
            barman.info("\t" + duplicate + " (already archived, dropped)");
        }
        report.errors().forEach(path -> barman.warning("WAL file moved to the errors folder: " + path));
        report.skipped().forEach(name -> barman.info("\t" + name + " (left for a later pass)"));
        if (!report.succeeded()) {
            barman.error(report.failure());
        }
    }
}
