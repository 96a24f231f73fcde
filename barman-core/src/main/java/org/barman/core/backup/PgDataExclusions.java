package org.barman.core.backup;

import java.util.ArrayList;
import java.util.List;

import org.barman.api.Tablespace;

/**
 * What a base backup does not copy from PGDATA: what PostgreSQL's own base backup skips
 * ({@code basebackup.c}): WAL, replication slots, shared-memory and statistics scratch folders, the postmaster's
 * files, temporary files and relation cache files; plus a tablespace that lives inside PGDATA, which is copied on
 * its own.
 */
final class PgDataExclusions {

    private static final List<String> CONTENT_OF = List.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    private static final List<String> FILES = List.of("/postmaster.pid", "/postmaster.opts", "/current_logfiles",
            "/backup_manifest", "/postgresql.auto.conf.tmp", "pg_internal.init", "pgsql_tmp*");

    private PgDataExclusions() {
    }

    /**
     * @param pgdata the data folder
     * @param tablespaces the server's tablespaces
     * @param exclusive whether PostgreSQL wrote {@code backup_label} into PGDATA itself (exclusive backup)
     * @return the exclusions in the transport's pattern form
     */
    static List<String> of(String pgdata, List<Tablespace> tablespaces, boolean exclusive) {
        List<String> exclusions = new ArrayList<>();
        CONTENT_OF.forEach(folder -> exclusions.add("/" + folder + "/*"));
        exclusions.addAll(FILES);
        if (!exclusive) {
            exclusions.add("/backup_label");
            exclusions.add("/tablespace_map");
        }
        String prefix = pgdata.endsWith("/") ? pgdata : pgdata + "/";
        for (Tablespace tablespace : tablespaces) {
            if (tablespace.location().startsWith(prefix)) {
                exclusions.add("/" + tablespace.location().substring(prefix.length()));
            }
        }
        return exclusions;
    }

    /** @return what a tablespace copy skips */
    static List<String> tablespace() {
        return List.of("pgsql_tmp*");
    }
}
