package org.barman.api;

/** What a retention policy says of one backup. */
public enum RetentionStatus {
    /** Needed: kept. */
    VALID,
    /** Not needed: deleted by {@code cron}. */
    OBSOLETE,
    /** Not needed by the policy, but kept because of {@code minimum_redundancy}. */
    POTENTIALLY_OBSOLETE,
    /** Not considered (a FAILED or unfinished backup), or no policy is set. */
    NONE;

    /** @return the mark {@code list-backup} shows: VALID, OBSOLETE, OBSOLETE* or - */
    public String display() {
        return switch (this) {
            case VALID -> "VALID";
            case OBSOLETE -> "OBSOLETE";
            case POTENTIALLY_OBSOLETE -> "OBSOLETE*";
            case NONE -> "-";
        };
    }
}
