package org.barman.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import org.barman.api.WalSegmentName;
import org.barman.core.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman rebuild-xlogdb SERVER|all}: rebuilds the WAL index from the archived files. */
@Command(mixinStandardHelpOptions = true, name = "rebuild-xlogdb", description = "Rebuild the WAL archive index (xlog.db) from the archived files.")
final class RebuildXlogDbCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Parameters(paramLabel = "SERVER", description = "A server name, or all.")
    private String target;

    @Override
    public Integer call() {
        for (Server server : barman.barman().servers(target)) {
            barman.info("Rebuilding xlogdb for server " + server.name());
            Map<WalSegmentName.Kind, Integer> counts = server.rebuildXlogDb();
            barman.info("Done rebuilding xlogdb for server " + server.name() + " (history: "
                    + counts.get(WalSegmentName.Kind.HISTORY) + ", backup_labels: "
                    + counts.get(WalSegmentName.Kind.BACKUP_LABEL) + ", wal_file: "
                    + (counts.get(WalSegmentName.Kind.SEGMENT) + counts.get(WalSegmentName.Kind.PARTIAL)) + ")");
        }
        return 0;
    }
}
