package org.barman.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.barman.core.catalog.ListFilesTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code barman list-files [--target TARGET] SERVER ID}: the absolute paths of a backup's files, one a line. */
@Command(mixinStandardHelpOptions = true, name = "list-files", description = "List the files of a backup, one absolute path per line.")
final class ListFilesCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "standalone",
            description = "data: the backup's files; standalone (default): and the WAL that makes it consistent; "
                    + "wal: the WAL from its start to the next backup; full: data and wal.")
    private String target;

    @Parameters(index = "0", paramLabel = "SERVER", description = "A server name.")
    private String serverName;

    @Parameters(index = "1", paramLabel = "BACKUP_ID", description = "A backup id, or latest, last, oldest, first.")
    private String reference;

    @Override
    public Integer call() {
        ListFilesTarget chosen = ListFilesTarget.parse(target);
        List<Path> files = barman.barman().server(serverName).listFiles(reference, chosen);
        if (barman.format() == OutputFormat.json) {
            Json.print(barman.out(), files.stream().map(Path::toString).toList());
        } else {
            files.forEach(file -> barman.info(file.toString()));
        }
        return 0;
    }
}
