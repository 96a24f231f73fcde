package org.barman.streaming.basebackup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.barman.api.BarmanException;
import org.barman.api.Compressor;

/**
 * How the archives of a base backup are compressed, and how they are stored: Barman's {@code backup_compression},
 * {@code backup_compression_location} and {@code backup_compression_format}. Either the server compresses
 * (PostgreSQL 15 and later) and this host decompresses to check, or this host compresses what it receives; either
 * way every file is checked against the manifest as it passes.
 *
 * @param algorithm {@code gzip}, {@code lz4} or {@code zstd}; null for no compression
 * @param compressor the compressor plug-in of that algorithm: it compresses on this host, or decompresses what
 *     the server compressed; null for no compression
 * @param onServer whether the server compresses
 * @param keepArchives whether the compressed tar archives are stored as they are ({@code tar}: {@code base.tar.gz}
 *     and {@code <oid>.tar.gz} in the data folder), else decompressed into files ({@code plain})
 * @param level the level, or null for the algorithm's default
 * @param workers how many threads zstd compresses with on the server, or null for the server's default
 */
public record ArchiveCompression(String algorithm, Compressor compressor, boolean onServer, boolean keepArchives,
        Integer level, Integer workers) {

    /** No compression: the files are stored as they are. */
    public static final ArchiveCompression NONE = new ArchiveCompression(null, null, false, false, null, null);

    /**
     * Checks that the choices go together.
     *
     * @param algorithm the algorithm, or null for none
     * @param compressor its compressor, or null for none
     * @param onServer whether the server compresses
     * @param keepArchives whether the archives are stored as they are
     * @param level the level, or null
     * @param workers zstd's threads on the server, or null
     * @throws BarmanException naming the option that does not fit
     */
    public ArchiveCompression {
        if (algorithm == null) {
            if (compressor != null || onServer || keepArchives) {
                throw new IllegalArgumentException("no compression algorithm, but compression options");
            }
        } else {
            algorithm = algorithm.toLowerCase(Locale.ROOT);
            if (compressor == null) {
                throw new IllegalArgumentException("no compressor for " + algorithm);
            }
            if (!keepArchives && !onServer) {
                throw new BarmanException("backup_compression_format = plain needs backup_compression_location = "
                        + "server: what this host compresses is stored as tar archives (set "
                        + "backup_compression_format = tar)");
            }
        }
    }

    /** @return whether the backup is compressed at all */
    public boolean compressed() {
        return algorithm != null;
    }

    /** @return the suffix of a stored archive after {@code .tar.}, as Barman names them: gz, lz4, zst */
    public String extension() {
        return switch (algorithm) {
            case "gzip" -> "gz";
            case "zstd" -> "zst";
            default -> algorithm;
        };
    }

    /**
     * @return the options of {@code BASE_BACKUP} (PostgreSQL 15 and later) that have the server compress, empty when
     *     it does not
     */
    List<String> serverOptions() {
        List<String> options = new ArrayList<>();
        if (!onServer) {
            return options;
        }
        options.add("COMPRESSION " + BaseBackupCommand.quote(algorithm));
        List<String> detail = new ArrayList<>();
        if (level != null) {
            detail.add("level=" + level);
        }
        if (workers != null) {
            detail.add("workers=" + workers);
        }
        if (!detail.isEmpty()) {
            options.add("COMPRESSION_DETAIL " + BaseBackupCommand.quote(String.join(",", detail)));
        }
        return options;
    }
}
