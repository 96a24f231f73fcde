package org.barman.core.backup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Set;

import org.barman.api.BackupRun;
import org.barman.api.BackupStrategy;
import org.barman.api.BarmanException;
import org.barman.api.CopyResult;
import org.barman.api.Lsn;
import org.barman.api.Tablespace;
import org.barman.api.support.OwnerOnly;

/**
 * A stand-in for {@code backup_method = postgres} (the barman-streaming module's strategy), registered only through
 * {@code receiving-strategy/META-INF/services}: it never calls {@link BackupRun#copyFiles}, asks the replication
 * connection for the timeline, brackets its own copy of the files with the non-exclusive backup functions (PostgreSQL
 * 15), writes the files into the target folders itself, and hands core the {@code backup_label} to write.
 */
public final class ReceivingBackupStrategy implements BackupStrategy {

    /** PGDATA files a base backup leaves out. */
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map");
    /** PGDATA folders whose content a base backup leaves out. */
    private static final Set<String> CONTENT_SKIPPED = Set.of("pg_wal", "pg_stat_tmp", "pg_replslot");

    @Override
    public String name() {
        return BackupStrategies.POSTGRES;
    }

    @Override
    public void checkSupported(int serverVersionNum, boolean standby) {
        if (serverVersionNum < 150000) {
            throw new BarmanException("the receiving test strategy needs PostgreSQL 15 or later");
        }
    }

    @Override
    public String mode(String transport) {
        return "postgres";
    }

    @Override
    public Outcome take(BackupRun run) throws SQLException, IOException {
        long timeline;
        try (Connection replication = run.replicationConnector().open();
                Statement statement = replication.createStatement();
                ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
            rows.next();
            timeline = rows.getLong("timeline");
        }
        Connection connection = run.connection();
        try (PreparedStatement start = connection.prepareStatement("SELECT pg_backup_start(?, ?)::text, now()")) {
            start.setString(1, run.label());
            start.setBoolean(2, run.immediateCheckpoint());
            try (ResultSet rows = start.executeQuery()) {
                rows.next();
                run.started(new Start(Lsn.parse(rows.getString(1)), timeline, rows.getObject(2,
                        OffsetDateTime.class)));
            }
        }
        String pgdata;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT current_setting('data_directory')")) {
            rows.next();
            pgdata = rows.getString(1);
        }
        CopyResult copied = receive(Path.of(pgdata), run.dataDirectory(), run);
        for (Tablespace tablespace : run.tablespaces()) {
            copied = copied.plus(receive(Path.of(tablespace.location()), run.tablespaceDirectory(tablespace), run));
        }
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT lsn::text, labelfile, spcmapfile, now() FROM pg_backup_stop(false)")) {
            rows.next();
            String map = rows.getString(3);
            return new Outcome(new Stop(Lsn.parse(rows.getString(1)), rows.getObject(4, OffsetDateTime.class),
                    rows.getString(2), map == null || map.isEmpty() ? null : map), copied);
        }
    }

    private static CopyResult receive(Path source, Path target, BackupRun run) throws IOException {
        long[] filesAndBytes = new long[2];
        OwnerOnly.createFolders(target);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes)
                    throws IOException {
                Path relative = source.relativize(folder);
                if (relative.getNameCount() == 2 && CONTENT_SKIPPED.contains(relative.getName(0).toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                OwnerOnly.createFolders(target.resolve(relative.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path relative = source.relativize(file);
                String top = relative.getName(0).toString();
                if (relative.getNameCount() == 1 && SKIPPED.contains(top)
                        || relative.getNameCount() > 1 && CONTENT_SKIPPED.contains(top)) {
                    return FileVisitResult.CONTINUE;
                }
                Path destination = target.resolve(relative.toString());
                if (attributes.isSymbolicLink()) {
                    Files.createSymbolicLink(destination, Files.readSymbolicLink(file));
                } else if (attributes.isRegularFile()) {
                    try {
                        Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (NoSuchFileException gone) {
                        return FileVisitResult.CONTINUE;
                    }
                    long size = Files.size(destination);
                    filesAndBytes[0]++;
                    filesAndBytes[1] += size;
                    run.progress().transferred(size);
                    run.progress().fileDone(relative.toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return new CopyResult(filesAndBytes[0], filesAndBytes[1], 0, 0);
    }
}
