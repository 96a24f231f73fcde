package org.barman.core.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.barman.api.BackupId;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.Tablespace;
import org.barman.api.WalSegmentName;
import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.barman.core.wal.ArchiveReport;

/**
 * A server with a real catalogue and WAL archive in a temporary barman_home: backups are written as Barman lays
 * them out, WAL files go through the archive (1 MiB segments, so tests stay small).
 */
final class CatalogFixture {

    static final long SEGMENT = 1024 * 1024;

    final Server server;
    final Catalog catalog;

    private CatalogFixture(Server server) {
        this.server = server;
        this.catalog = server.catalog();
    }

    static CatalogFixture create(Path home, String... serverOptions) throws IOException {
        return new CatalogFixture(TestBarman.withServer(home, serverOptions).server("main"));
    }

    /** A backup of 1 MiB segments with a 100-byte data file, and a tablespace when asked. */
    BackupInfo backup(String id, BackupStatus status, String beginWal, String endWal, Tablespace... tablespaces)
            throws IOException {
        BackupId backupId = BackupId.parse(id);
        OffsetDateTime begin = backupId.time().atOffset(ZoneOffset.ofHours(2));
        WalSegmentName first = beginWal == null ? null : WalSegmentName.parse(beginWal);
        WalSegmentName last = endWal == null ? null : WalSegmentName.parse(endWal);
        BackupInfo.Builder builder = BackupInfo.builder(backupId)
                .serverName("main")
                .status(status)
                .mode("local-concurrent")
                .beginTime(begin)
                .beginWal(first)
                .beginXlog(first == null ? null : first.startLsn(SEGMENT).plus(40))
                .beginOffset(40)
                .timeline(first == null ? 0 : first.timeline())
                .xlogSegmentSize(SEGMENT)
                .version(150004)
                .pgdata("/var/lib/postgresql/15/main")
                .tablespaces(Arrays.asList(tablespaces));
        if (last != null) {
            builder.endWal(last).endXlog(last.startLsn(SEGMENT).plus(0x138)).endOffset(0x138)
                    .endTime(begin.plusMinutes(10)).size(100);
        }
        if (status == BackupStatus.FAILED) {
            builder.error("failure copying files (rsync exited with 23)");
        }
        BackupInfo info = builder.build();
        catalog.create(info);
        Path data = catalog.dataDirectory(backupId);
        Files.createDirectories(data.resolve("base/1"));
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Files.write(data.resolve("base/1/1259"), new byte[97]);
        for (Tablespace tablespace : tablespaces) {
            Path folder = catalog.tablespaceDirectory(backupId, tablespace).resolve("PG_15_202209061");
            Files.createDirectories(folder.resolve("16384"));
            Files.write(folder.resolve("16384/16385"), new byte[10]);
        }
        return info;
    }

    /** Archives files through the server's WAL archive: segments of 1 MiB, others with a line of text. */
    List<String> archive(String... names) throws IOException {
        Path incoming = server.config().incomingWalsDirectory();
        Files.createDirectories(incoming);
        for (String name : names) {
            WalSegmentName wal = WalSegmentName.parse(name);
            if (wal.kind() == WalSegmentName.Kind.SEGMENT || wal.kind() == WalSegmentName.Kind.PARTIAL) {
                byte[] content = new byte[(int) SEGMENT];
                Arrays.fill(content, 0, 64, (byte) name.hashCode());
                Files.write(incoming.resolve(name), content);
            } else {
                Files.writeString(incoming.resolve(name), "content of " + name + "\n");
            }
        }
        ArchiveReport report = server.archiveWal();
        if (!report.succeeded() || report.archived().size() != names.length) {
            throw new IllegalStateException("archiving failed: " + report);
        }
        return List.of(names);
    }

    Path walPath(String name) {
        return server.walArchive().pathOf(WalSegmentName.parse(name));
    }
}
