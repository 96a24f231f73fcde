package org.barman.core.check;

/**
 * One item of {@code barman check}: a name, whether it passed, and a detail or a hint on how to fix it.
 *
 * @param name the item, such as {@code wal_level}
 * @param ok whether it passed
 * @param detail what was found, or what to do; may be empty
 */
public record CheckResult(String name, boolean ok, String detail) {

    /**
     * Requires a name; a null detail becomes empty.
     *
     * @param name the item, such as {@code wal_level}
     * @param ok whether it passed
     * @param detail what was found, or what to do; may be empty
     */
    public CheckResult {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a check needs a name");
        }
        detail = detail == null ? "" : detail;
    }

    /**
     * @param name the item
     * @param detail what was found (may be empty)
     * @return a passed item
     */
    public static CheckResult ok(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    /**
     * @param name the item
     * @param hint what is wrong and what to do
     * @return a failed item
     */
    public static CheckResult failed(String name, String hint) {
        return new CheckResult(name, false, hint);
    }

    /** @return the item as Barman prints it: {@code name: OK (detail)} or {@code name: FAILED (hint)} */
    public String display() {
        return name + ": " + (ok ? "OK" : "FAILED") + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
