package org.barman.transport.ssh;

import java.util.Locale;

/**
 * What the transport does with a host key that no known_hosts file holds, from {@code StrictHostKeyChecking}. A key
 * that differs from the known one is refused under every policy.
 */
enum HostKeyPolicy {
    /** {@code yes}, {@code ask} and the default: refuse it (nobody is there to answer a question). */
    REFUSE_UNKNOWN,
    /** {@code accept-new}: accept it, add it to the first UserKnownHostsFile and log a warning. */
    ACCEPT_NEW,
    /** {@code no} or {@code off}: accept it without recording it, with a warning in the log each time. */
    ACCEPT_UNKNOWN;

    /**
     * @param value the value of StrictHostKeyChecking
     * @return the policy
     * @throws IllegalArgumentException naming the values ssh accepts
     */
    static HostKeyPolicy of(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "ask", "true" -> REFUSE_UNKNOWN;
            case "accept-new" -> ACCEPT_NEW;
            case "no", "off", "false" -> ACCEPT_UNKNOWN;
            default -> throw new IllegalArgumentException("StrictHostKeyChecking is '" + value
                    + "': expected yes, ask, accept-new, no or off");
        };
    }
}
