package org.barman.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.barman.core.Server;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code barman get-wal [-o DIR] [-j|-x|-z] [-P] SERVER WAL_NAME}: an archived WAL file, uncompressed, on standard
 * output (for {@code restore_command}) or into a folder; with {@code -P}, also a segment the streaming folder
 * holds and the archive not yet, the one being received included.
 */
@Command(mixinStandardHelpOptions = true, name = "get-wal", description = "Write an archived WAL file, uncompressed, to standard output or into a "
        + "folder (usable in restore_command).")
final class GetWalCommand implements Callable<Integer> {

    @ParentCommand
    private BarmanCommand barman;

    @Option(names = {"-o", "--output-directory"}, paramLabel = "DIR",
            description = "Write the file into DIR instead of standard output.")
    private Path outputDirectory;

    @ArgGroup(exclusive = true)
    private OutputCompression compression;

    @Option(names = {"-P", "--partial"}, description = "When the archive lacks the segment, give the streaming "
            + "folder's copy: complete, or still being received (<name>.partial, under the segment's name), for the "
            + "last segment of a recovery to the latest point.")
    private boolean partial;

    @Parameters(index = "0", paramLabel = "SERVER", description = "The server name.")
    private String serverName;

    @Parameters(index = "1", paramLabel = "WAL_NAME", description = "The WAL file name, such as "
            + "000000010000000000000003.")
    private String walName;

    /** The output compression options, one at most. */
    static final class OutputCompression {
        @Option(names = {"-j", "--bzip2"}, description = "Compress the output with bzip2.")
        boolean bzip2;

        @Option(names = {"-x", "-z", "--gzip"}, description = "Compress the output with gzip.")
        boolean gzip;

        String name() {
            return bzip2 ? "bzip2" : gzip ? "gzip" : null;
        }
    }

    @Override
    public Integer call() {
        Server server = barman.barman().server(serverName);
        String outputCompression = compression == null ? null : compression.name();
        if (outputDirectory != null) {
            server.getWal(walName, outputDirectory, outputCompression, partial);
        } else {
            server.getWal(walName, barman.binaryOut(), outputCompression, partial);
        }
        return 0;
    }
}
