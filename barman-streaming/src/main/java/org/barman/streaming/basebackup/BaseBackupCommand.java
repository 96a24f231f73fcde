package org.barman.streaming.basebackup;

import java.util.ArrayList;
import java.util.List;

import org.barman.api.BarmanException;

/**
 * The text of {@code BASE_BACKUP} for a server's major version: the parenthesised options of PostgreSQL 15 and
 * later, the keywords of 13 and 14. It never asks for WAL (it comes from the archiver or the WAL receiver), nor
 * waits for the archiving of the last segment (Barman waits for it itself), and always asks for the tablespace map
 * and a manifest with SHA-256 checksums.
 */
final class BaseBackupCommand {

    /** The oldest major version whose {@code BASE_BACKUP} this client speaks (manifests came with 13). */
    static final int MIN_MAJOR = 13;
    /** The first major version with the single COPY stream and the parenthesised options. */
    static final int SINGLE_STREAM_MAJOR = 15;

    private BaseBackupCommand() {
    }

    /**
     * @param request the request
     * @param major the server's major version, at least {@link #MIN_MAJOR}
     * @return the command
     */
    static String text(BaseBackupRequest request, int major) {
        if (major < MIN_MAJOR) {
            throw new IllegalArgumentException("major " + major);
        }
        List<String> options = new ArrayList<>();
        options.add("LABEL " + quote(request.label()));
        if (request.progress()) {
            options.add("PROGRESS");
        }
        if (major >= SINGLE_STREAM_MAJOR) {
            options.add("CHECKPOINT " + (request.fastCheckpoint() ? "'fast'" : "'spread'"));
            options.add("WAIT false");
        } else {
            if (request.fastCheckpoint()) {
                options.add("FAST");
            }
            options.add("NOWAIT");
        }
        if (request.maxRateKbPerSecond() > 0) {
            options.add("MAX_RATE " + request.maxRateKbPerSecond());
        }
        if (request.compression().onServer()) {
            if (major < SINGLE_STREAM_MAJOR) {
                throw new BarmanException("backup_compression_location = server needs PostgreSQL "
                        + SINGLE_STREAM_MAJOR + " or later; the server runs " + major + ": use "
                        + "backup_compression_location = client");
            }
            options.addAll(request.compression().serverOptions());
        }
        options.add("TABLESPACE_MAP");
        options.add("MANIFEST 'yes'");
        options.add("MANIFEST_CHECKSUMS 'SHA256'");
        return major >= SINGLE_STREAM_MAJOR ? "BASE_BACKUP (" + String.join(", ", options) + ")"
                : "BASE_BACKUP " + String.join(" ", options);
    }

    /**
     * @param text any text
     * @return it as a string literal of the replication command grammar
     */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
