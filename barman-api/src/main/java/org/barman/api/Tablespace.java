package org.barman.api;

/**
 * A PostgreSQL tablespace as a backup records it.
 *
 * @param name the tablespace name ({@code pg_tablespace.spcname})
 * @param oid its oid, which is also the name of its link in {@code pg_tblspc/}
 * @param location the folder the link points to on the PostgreSQL host
 */
public record Tablespace(String name, long oid, String location) {

    /**
     * Checks the fields.
     *
     * @param name the tablespace name ({@code pg_tablespace.spcname})
     * @param oid its oid, which is also the name of its link in {@code pg_tblspc/}
     * @param location the folder the link points to on the PostgreSQL host
     */
    public Tablespace {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tablespace needs a name");
        }
        if (oid <= 0) {
            throw new IllegalArgumentException("tablespace " + name + " has an invalid oid " + oid);
        }
        if (location == null || location.isEmpty()) {
            throw new IllegalArgumentException("tablespace " + name + " has no location");
        }
    }
}
