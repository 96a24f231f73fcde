package org.barman.core.check;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.Compressor;
import org.barman.api.support.OwnerOnly;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.postgres.PostgresServer;

/** The checks of continuous WAL archiving: PostgreSQL's settings, Barman's folders, the archiver's state. */
public final class ArchivingChecks {

    private ArchivingChecks() {
    }

    /** @return {@code wal_level} is replica or logical */
    public static ServerCheck walLevel() {
        return context -> context.postgres().map(pg -> {
            String level = pg.setting("wal_level");
            return List.of(Set.of("replica", "logical").contains(level) ? CheckResult.ok("wal_level", "")
                    : CheckResult.failed("wal_level", "it is '" + level + "': set wal_level = replica (or logical) "
                            + "in postgresql.conf and restart PostgreSQL"));
        }).orElse(List.of());
    }

    /** @return {@code archive_mode} is on or always ({@code archiver = on} only) */
    public static ServerCheck archiveMode() {
        return context -> context.postgres().filter(pg -> archiver(context)).map(pg -> {
            String mode = pg.setting("archive_mode");
            return List.of(Set.of("on", "always").contains(mode) ? CheckResult.ok("archive_mode", "")
                    : CheckResult.failed("archive_mode", "it is '" + mode + "': set archive_mode = on in "
                            + "postgresql.conf and restart PostgreSQL"));
        }).orElse(List.of());
    }

    /** @return {@code archive_command} is set ({@code archiver = on} only) */
    public static ServerCheck archiveCommand() {
        return context -> context.postgres().filter(pg -> archiver(context)).map(pg -> {
            String command = pg.setting("archive_command");
            String incoming = context.server().config().incomingWalsDirectory().toString();
            boolean set = !command.isBlank() && !command.equals("(disabled)");
            return List.of(set ? CheckResult.ok("archive_command", "")
                    : CheckResult.failed("archive_command", "it is not set: set archive_command so that it "
                            + "copies %p to " + incoming + "/%f (for example rsync -a %p barman@backup:" + incoming
                            + "/%f) and reload PostgreSQL"));
        }).orElse(List.of());
    }

    /** @return the server's folders exist (they are created when missing) */
    public static ServerCheck directories() {
        return context -> {
            ServerConfig config = context.server().config();
            List<String> problems = new ArrayList<>();
            List<Path> directories = new ArrayList<>(List.of(config.backupDirectory(), config.basebackupsDirectory(),
                    config.walsDirectory(), config.incomingWalsDirectory(), config.errorsDirectory()));
            if (config.get(ConfigOptions.STREAMING_ARCHIVER)) {
                directories.add(config.streamingWalsDirectory());
            }
            for (Path directory : directories) {
                try {
                    OwnerOnly.createFolders(directory);
                    if (!Files.isWritable(directory)) {
                        problems.add(directory + " is not writable");
                    }
                } catch (IOException e) {
                    problems.add("cannot create " + directory + ": " + e.getMessage());
                }
            }
            return List.of(problems.isEmpty() ? CheckResult.ok("directories", "")
                    : CheckResult.failed("directories", String.join("; ", problems)));
        };
    }

    /**
     * @return WAL reaches Barman: with {@code archiver = on}, PostgreSQL has archived something, and Barman has it
     *     (archived or waiting in the incoming folder); with streaming alone, Barman has WAL archived or streamed
     */
    public static ServerCheck continuousArchiving() {
        return context -> context.postgres().map(pg -> {
            if (!archiver(context)) {
                boolean streamed = !context.server().walArchive().list().isEmpty()
                        || !context.server().walArchive().streamedSegments().isEmpty();
                return List.of(streamed ? CheckResult.ok("continuous archiving", "WAL through streaming")
                        : CheckResult.failed("continuous archiving", "no WAL has reached "
                                + context.server().config().streamingWalsDirectory() + " yet: check that "
                                + "receive-wal runs (barman receive-wal " + context.server().name() + ")"));
            }
            PostgresServer.ArchiverStats stats = pg.archiverStats();
            ServerConfig config = context.server().config();
            boolean received = !context.server().walArchive().list().isEmpty()
                    || !context.server().walArchive().incomingFiles().isEmpty();
            if (stats.lastArchivedWal() != null && received) {
                return List.of(CheckResult.ok("continuous archiving", "last archived WAL " + stats.lastArchivedWal()
                        + " at " + stats.lastArchivedTime()));
            }
            String why = stats.lastArchivedWal() == null ? "PostgreSQL has not archived any WAL file yet"
                    : "no WAL file has reached " + config.incomingWalsDirectory();
            return List.of(CheckResult.failed("continuous archiving", why + ": check archive_command, and run "
                    + "SELECT pg_switch_wal() to test it"));
        }).orElse(List.of());
    }

    /** @return PostgreSQL's archiver has not failed since its last success ({@code archiver = on} only) */
    public static ServerCheck archiverErrors() {
        return context -> context.postgres().filter(pg -> archiver(context)).map(pg -> {
            PostgresServer.ArchiverStats stats = pg.archiverStats();
            boolean failing = stats.lastFailedTime() != null && (stats.lastArchivedTime() == null
                    || stats.lastFailedTime().isAfter(stats.lastArchivedTime()));
            if (!failing) {
                return List.of(CheckResult.ok("archiver errors", stats.failedCount() == 0 ? ""
                        : stats.failedCount() + " failures in the past, none since the last success"));
            }
            return List.of(CheckResult.failed("archiver errors", "archive_command failed " + stats.failedCount()
                    + " times, last for " + stats.lastFailedWal() + " at " + stats.lastFailedTime()
                    + ": read PostgreSQL's log to see why"));
        }).orElse(List.of());
    }

    private static boolean archiver(CheckContext context) {
        return context.server().config().get(ConfigOptions.ARCHIVER);
    }

    /** @return the WAL index, {@code xlog.db}, has no unfinished or malformed line */
    public static ServerCheck walIndex() {
        return context -> {
            String server = context.server().name();
            return List.of(context.server().walArchive().indexDamage()
                    .map(problem -> CheckResult.failed("WAL index", problem + ": run barman rebuild-xlogdb " + server
                            + " to rebuild it from the archived files"))
                    .orElse(CheckResult.ok("WAL index", "")));
        };
    }

    /** @return the configured compressor works: a small sample survives a round trip */
    public static ServerCheck compression() {
        return context -> {
            ServerConfig config = context.server().config();
            String name = config.get(ConfigOptions.COMPRESSION);
            if (name == null) {
                return List.of(CheckResult.ok("compression settings", "no compression"));
            }
            try {
                Compressor compressor = context.server().barman().plugins().compressor(name, config.pluginOptions());
                byte[] sample = ("Barman compression check of server " + config.name() + "\n").repeat(64)
                        .getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream compressed = new ByteArrayOutputStream();
                try (OutputStream out = compressor.compress(compressed)) {
                    out.write(sample);
                }
                byte[] back;
                try (InputStream in = compressor.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
                    back = in.readAllBytes();
                }
                if (!java.util.Arrays.equals(sample, back)) {
                    return List.of(CheckResult.failed("compression settings", name
                            + " does not give back what it compressed"));
                }
                return List.of(CheckResult.ok("compression settings", name));
            } catch (IOException | BarmanException e) {
                return List.of(CheckResult.failed("compression settings", name + " fails: " + e.getMessage()));
            }
        };
    }
}
