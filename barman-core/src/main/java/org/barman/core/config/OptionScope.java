package org.barman.core.config;

/** Where an option may be set, as the guide's man page says it. */
public enum OptionScope {
    /** Only in {@code [barman]}. */
    GLOBAL,
    /** Only in a server section. */
    SERVER,
    /** In {@code [barman]}, and overridden per server. */
    GLOBAL_AND_SERVER;

    /** @return whether the option may appear in {@code [barman]} */
    public boolean allowedInGlobal() {
        return this != SERVER;
    }

    /** @return whether the option may appear in a server section */
    public boolean allowedInServer() {
        return this != GLOBAL;
    }

    /** @return how the reference documentation names the scope */
    public String display() {
        return switch (this) {
            case GLOBAL -> "global";
            case SERVER -> "server";
            case GLOBAL_AND_SERVER -> "global/server";
        };
    }
}
