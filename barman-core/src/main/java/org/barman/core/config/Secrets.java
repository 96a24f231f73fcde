package org.barman.core.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;
import org.barman.core.postgres.ConnInfo;

/**
 * Hides passwords in what Barman prints or logs. Configuration values are printed by {@code show-server} and
 * {@code diagnose} (made to be pasted into bug reports), quoted by error messages and logged: each goes through
 * here first.
 *
 * <ul>
 *   <li>A connection string (an option whose name ends in {@code conninfo}) is shown as
 *       {@link ConnInfo#toString()} shows it: its password keywords replaced by {@value #MASK}.</li>
 *   <li>Any other text (an option value such as {@code ssh_command} or a hook script, a log line, an error
 *       message, a command line) loses the value of every assignment to a password or a secret
 *       ({@code PGPASSWORD=...}, {@code password=...}, {@code sslpassword = '...'}, {@code --password=...},
 *       {@code AWS_SECRET_ACCESS_KEY=...}, {@code VAULT_TOKEN=...}) and the password of every URI
 *       ({@code postgresql://user:...@host}).</li>
 * </ul>
 * A value is masked whole, up to the next white space (or its closing quote when quoted), so that no part of a
 * password survives; the rest of the text is kept as it was.
 */
public final class Secrets {

    /** What replaces a password. */
    public static final String MASK = "********";

    private static final Pattern URI_PASSWORD = Pattern.compile(
            "(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s:/@]*:)([^\\s/@]+)(@)");

    /**
     * A name ending in password or passwd (not {@code PasswordAuthentication}, an ssh option), or holding secret,
     * token or credential ({@code AWS_SECRET_ACCESS_KEY}, {@code VAULT_TOKEN}), or a SCRAM key; then {@code =} and
     * a value, quoted or up to the next white space.
     */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)((?<![A-Za-z0-9_])(?:[A-Za-z0-9_]*(?:password|passwd)"
                    + "|[A-Za-z0-9_]*(?:secret|token|credential)[A-Za-z0-9_]*|scram_(?:client|server)_key))"
                    + "(\\s*=\\s*)"
                    + "('(?:[^'\\\\]|\\\\.)*'?|\"(?:[^\"\\\\]|\\\\.)*\"?|(?:\\\\.|[^\\s\\\\])+)");

    private Secrets() {
    }

    /**
     * Masks an option value for printing.
     *
     * @param option the option's name, such as {@code conninfo} or {@code ssh_command}
     * @param value its value as text, or null
     * @return the value with its passwords replaced by {@value #MASK}; null for null
     */
    public static String maskOption(String option, String value) {
        if (value == null) {
            return null;
        }
        if (option.endsWith("conninfo")) {
            try {
                return mask(ConnInfo.parse(value).toString());
            } catch (BarmanException e) {
                return mask(value);
            }
        }
        return mask(value);
    }

    /**
     * Masks passwords in free text: a log line, an error message, a command line.
     *
     * @param text any text, or null
     * @return the text with the value of every password assignment and the password of every URI replaced by
     *     {@value #MASK}; null for null
     */
    public static String mask(String text) {
        if (text == null || !mayHoldSecret(text)) {
            return text;
        }
        String withoutUris = URI_PASSWORD.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3");
        return ASSIGNMENT.matcher(withoutUris).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
    }

    /** A quick test that spares the regular expressions for nearly every log line. */
    private static boolean mayHoldSecret(String text) {
        return text.indexOf('=') >= 0 || text.contains("://");
    }
}
