package org.barman.core.retention;

import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.RetentionPolicy;
import org.barman.api.RetentionPolicyProvider;
import org.barman.core.config.AgeLimit;

/** The two policies of the guide, as service providers. */
public final class BuiltInRetentionPolicies {

    private BuiltInRetentionPolicies() {
    }

    /** Reads {@code REDUNDANCY value}, keywords in any case. */
    public static final class Redundancy implements RetentionPolicyProvider {

        private static final Pattern FORM = Pattern.compile("REDUNDANCY\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

        @Override
        public String name() {
            return "redundancy";
        }

        @Override
        public String syntax() {
            return "REDUNDANCY value";
        }

        @Override
        public Optional<RetentionPolicy> parse(String text) {
            Matcher m = FORM.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(new RedundancyPolicy(positive(m.group(1))));
        }
    }

    /** Reads {@code RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS}, keywords in any case. */
    public static final class RecoveryWindow implements RetentionPolicyProvider {

        private static final Pattern FORM = Pattern.compile("RECOVERY\\s+WINDOW\\s+OF\\s+(\\S+)\\s+(\\S+)",
                Pattern.CASE_INSENSITIVE);

        @Override
        public String name() {
            return "recovery_window";
        }

        @Override
        public String syntax() {
            return "RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS";
        }

        @Override
        public Optional<RetentionPolicy> parse(String text) {
            Matcher m = FORM.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            int value = positive(m.group(1));
            AgeLimit window;
            try {
                window = AgeLimit.parse(value + " " + m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + m.group(2) + "' is not DAYS, WEEKS or MONTHS", e);
            }
            return Optional.of(new RecoveryWindowPolicy(window, ZoneId.systemDefault()));
        }
    }

    private static int positive(String text) {
        int value;
        try {
            if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException(text);
            }
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an integer greater than 0", e);
        }
        if (value <= 0) {
            throw new IllegalArgumentException("the value must be greater than 0, not " + value);
        }
        return value;
    }
}
