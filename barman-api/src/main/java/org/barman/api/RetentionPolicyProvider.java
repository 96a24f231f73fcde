package org.barman.api;

import java.util.Optional;

/**
 * Service-provider entry that reads the text of {@code retention_policy} into a {@link RetentionPolicy}.
 *
 * <p>Register an implementation in {@code META-INF/services/org.barman.api.RetentionPolicyProvider}. The core
 * asks every provider in turn; the first that recognises the text wins.
 */
public interface RetentionPolicyProvider {

    /** @return a short name for messages, such as {@code redundancy} */
    String name();

    /** @return the syntax this provider reads, for error messages, such as {@code REDUNDANCY value} */
    String syntax();

    /**
     * @param text the option's value, trimmed
     * @return the policy, or empty when the text is not this provider's syntax
     * @throws IllegalArgumentException when the text is this provider's syntax with a bad value
     */
    Optional<RetentionPolicy> parse(String text);

    /** @return the plug-in API version this provider was built against; see {@link BarmanApi#VERSION} */
    default String apiVersion() {
        return BarmanApi.VERSION;
    }
}
