package org.barman.core.check;

import java.util.List;

/** One kind of check of a server; it may produce several items. */
@FunctionalInterface
public interface ServerCheck {

    /**
     * @param context the server, and its PostgreSQL when it could be reached
     * @return the items found, possibly none (for example when PostgreSQL is needed but not reachable)
     */
    List<CheckResult> check(CheckContext context);
}
