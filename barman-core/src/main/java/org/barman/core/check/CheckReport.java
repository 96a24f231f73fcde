package org.barman.core.check;

import java.util.List;

/**
 * Every item of {@code barman check} for one server.
 *
 * @param server the server name
 * @param results the items, in the order they were checked
 */
public record CheckReport(String server, List<CheckResult> results) {

    /**
     * Copies the list.
     *
     * @param server the server name
     * @param results the items, in the order they were checked
     */
    public CheckReport {
        results = List.copyOf(results);
    }

    /** @return whether every item passed */
    public boolean ok() {
        return results.stream().allMatch(CheckResult::ok);
    }

    /** @return the items that failed */
    public List<CheckResult> failures() {
        return results.stream().filter(result -> !result.ok()).toList();
    }
}
