package org.barman.transport.rsync;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises, in what ssh printed on standard error, the reasons a connection failed, and says each one in words
 * a DBA can act on, keeping OpenSSH's own lines (they name the key file and the command to fix it).
 */
final class SshFailures {

    private SshFailures() {
    }

    /**
     * @param stderr the lines ssh (or rsync, which passes ssh's through) printed
     * @param ssh the command that was used
     * @return the explanation, when the lines show that ssh could not connect or log in
     */
    static Optional<String> explain(List<String> stderr, SshCommand ssh) {
        String all = String.join("\n", stderr);
        String lower = all.toLowerCase(Locale.ROOT);
        String where = ssh.destination() + (ssh.port() > 0 ? " port " + ssh.port() : "");
        if (lower.contains("host key verification failed")
                || lower.contains("remote host identification has changed")) {
            if (lower.contains("has changed")) {
                return Optional.of("the host key of " + where + " has changed, and ssh refused to connect (" + quote(
                        stderr, "fingerprint", "offending", "remove with", "ssh-keygen", "has changed") + "). If the "
                        + "PostgreSQL host was reinstalled or its key was replaced on purpose, check the new "
                        + "fingerprint with its administrator, remove the old key with the ssh-keygen -R command "
                        + "above, and connect once by hand with '" + ssh.text() + "' as the user that runs Barman to "
                        + "accept the new one; otherwise someone may be intercepting the connection: do not accept "
                        + "it");
            }
            return Optional.of("the host key of " + where + " is not known, and ssh refused to connect ("
                    + quote(stderr, "host key", "known") + "). Connect once by hand with '" + ssh.text() + "' as the "
                    + "user that runs Barman, check the fingerprint it shows with the host's administrator and accept "
                    + "it");
        }
        if (lower.contains("connection refused")) {
            return Optional.of("ssh could not connect to " + where + ": connection refused (" + quote(stderr,
                    "connection refused") + "). Is sshd running on the PostgreSQL host, and is the port of "
                    + "ssh_command right?");
        }
        if (lower.contains("could not resolve hostname") || lower.contains("name or service not known")) {
            return Optional.of("ssh could not find the host " + ssh.host() + " (" + quote(stderr, "resolve",
                    "not known") + "). Check the host name in ssh_command");
        }
        if (lower.contains("connection timed out") || lower.contains("no route to host")
                || lower.contains("network is unreachable") || lower.contains("operation timed out")) {
            return Optional.of("ssh could not reach " + where + " (" + quote(stderr, "timed out", "no route",
                    "unreachable") + "). Check the network and the firewalls between the two hosts");
        }
        if (lower.contains("permission denied (")) {
            return Optional.of("ssh could not log in to " + where + " (" + quote(stderr, "permission denied")
                    + "). The key of the user that runs Barman must be in the authorized_keys of "
                    + (ssh.user() == null ? "the remote user" : ssh.user()) + " on " + ssh.host()
                    + ", without a passphrase (or in an ssh-agent)");
        }
        if (lower.contains("kex_exchange_identification") || lower.contains("connection closed by")
                || lower.contains("connection reset by")) {
            return Optional.of("ssh lost the connection to " + where + " while logging in (" + quote(stderr,
                    "kex_exchange", "closed", "reset") + "). sshd on the PostgreSQL host may refuse this "
                    + "client (MaxStartups, AllowUsers, tcp wrappers): see its log");
        }
        for (String line : stderr) {
            if (line.startsWith("ssh: ") || line.startsWith("command-line line ") || line.startsWith("Bad ")
                    || line.startsWith("usage: ssh")) {
                return Optional.of("ssh could not start: " + line.strip() + ". Check ssh_command");
            }
        }
        return Optional.empty();
    }

    /** @return the lines that mention one of the words, joined, or the last line when none does */
    private static String quote(List<String> lines, String... words) {
        StringBuilder quoted = new StringBuilder();
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            for (String word : words) {
                if (lower.contains(word)) {
                    if (quoted.length() > 0) {
                        quoted.append(" | ");
                    }
                    quoted.append(line.strip());
                    break;
                }
            }
        }
        if (quoted.length() == 0 && !lines.isEmpty()) {
            quoted.append(lines.get(lines.size() - 1).strip());
        }
        return "ssh said: " + quoted;
    }
}
