package org.barman.transport.rsync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.support.SourceChanges;

/**
 * Reads what one rsync run prints on standard error and decides, with its exit code, whether the copy worked.
 *
 * <p>While PostgreSQL runs, files vanish under a copy (temporary files, dropped relations, WAL recycled): rsync then
 * says {@code file has vanished} and exits with 24, which is a success here. A file that vanished between the
 * listing and the copy of a {@code parallel_jobs} group ends in a sender's {@code link_stat ... No such file or
 * directory (2)} and exit code 23 ("partial transfer"), which also covers real errors (permission denied, I/O
 * errors): 23 is a success only when every error line is a source file or folder that no longer exists, other than
 * the tree's root. Any other code fails, with rsync's (and ssh's) own last lines in the message.
 *
 * <p>That tolerance is a pull's. A push copies a backup, which must not change while it is copied
 * ({@link SourceChanges#FATAL}): there a vanished file fails the run like any other error, and
 * {@link #firstVanished()} names it.
 */
final class RsyncStderr {

    private static final int KEPT_LINES = 12;
    /** A sender that cannot read something that no longer exists. */
    private static final Pattern MISSING = Pattern.compile("rsync: (?:\\[sender\\] )?(?:link_stat|change_dir|opendir"
            + "|readlink_stat|readlink|stat|send_files failed to open)\\(?\\s*\"(.*)\"\\)?(?: failed)?: No such file "
            + "or directory \\(2\\)");

    private final String root;
    private final SourceChanges changes;
    private final Deque<String> tail = new ArrayDeque<>();
    private final List<String> problems = new ArrayList<>();
    private long vanished;
    private String firstVanished;
    private String rootMissing;

    /**
     * @param root the tree being read (the source), as rsync names it, without a trailing slash
     * @param changes whether vanished files are a success (a pull) or a failure (a push)
     */
    RsyncStderr(String root, SourceChanges changes) {
        this.root = stripSlash(root);
        this.changes = changes;
    }

    /**
     * Reads one line of standard error.
     *
     * @param bytes the line
     */
    synchronized void accept(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            return;
        }
        tail.addLast(line);
        if (tail.size() > KEPT_LINES) {
            tail.removeFirst();
        }
        if (line.startsWith("file has vanished: ")) {
            vanished(unquoted(line.substring("file has vanished: ".length())));
            return;
        }
        Matcher missing = MISSING.matcher(line);
        if (missing.matches()) {
            String path = stripSlash(missing.group(1));
            if (path.equals(root) || path.equals(root + "/.")) {
                rootMissing = line;
                problems.add(line);
            } else {
                vanished(path);
            }
            return;
        }
        if (line.startsWith("rsync error: ") || line.startsWith("rsync warning: ")
                || line.equals("IO error encountered -- skipping file deletion")) {
            return;
        }
        if (problems.size() < KEPT_LINES) {
            problems.add(line);
        }
    }

    private void vanished(String path) {
        vanished++;
        if (firstVanished == null) {
            firstVanished = path;
        }
    }

    private static String unquoted(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1) : text;
    }

    /** @return the first file or folder that vanished during the copy, as rsync named it, or null */
    synchronized String firstVanished() {
        return firstVanished;
    }

    /** @return how many files or folders vanished during the copy */
    synchronized long vanished() {
        return vanished;
    }

    /** @return rsync's line saying that the tree's root does not exist, or null */
    synchronized String rootMissing() {
        return rootMissing;
    }

    /**
     * @param exitCode rsync's exit code
     * @return whether the run copied what it could: 0, 24, or 23 for vanished files only; only 0 when nothing may
     *     vanish
     */
    synchronized boolean succeeded(int exitCode) {
        if (changes == SourceChanges.FATAL && firstVanished != null) {
            return false;
        }
        return exitCode == 0 || exitCode == 24 || exitCode == 23 && problems.isEmpty() && rootMissing == null;
    }

    /** @return the last lines printed, for a message */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    /** @return the lines that are errors (not vanished files nor rsync's summary), for a message */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * @param exitCode rsync's exit code, not a success
     * @param ssh how the host was reached, for ssh's failures
     * @return why the copy failed, for a DBA: what ssh could not do, else rsync's own error lines
     */
    synchronized String reason(int exitCode, SshCommand ssh) {
        List<String> lines = List.copyOf(tail);
        if (exitCode != 23 && exitCode != 24) {
            Optional<String> sshFailure = ssh == null ? Optional.empty() : SshFailures.explain(lines, ssh);
            if (sshFailure.isPresent()) {
                return sshFailure.get();
            }
        }
        if (String.join("\n", lines).matches("(?s).*(rsync: (command )?not found|rsync: No such file or directory"
                + "|bash: .*rsync.*not found|sh: .*rsync.*not found).*")) {
            return "rsync is not installed on the remote host (rsync said: " + String.join(" | ", lines)
                    + "): install it there, or use transport = ssh";
        }
        List<String> shown = problems.isEmpty() ? lines : problems;
        return "rsync exited with code " + exitCode + " (" + meaning(exitCode) + "): "
                + (shown.isEmpty() ? "it printed no error" : String.join(" | ", shown));
    }

    /** @return rsync's meaning of its exit code, from rsync(1) */
    static String meaning(int exitCode) {
        return switch (exitCode) {
            case 1 -> "syntax or usage error";
            case 2 -> "protocol incompatibility";
            case 3 -> "errors selecting input/output files, dirs";
            case 4 -> "requested action not supported";
            case 5 -> "error starting client-server protocol";
            case 10 -> "error in socket I/O";
            case 11 -> "error in file I/O";
            case 12 -> "error in rsync protocol data stream";
            case 14 -> "error in IPC code";
            case 20 -> "received SIGUSR1 or SIGINT";
            case 22 -> "error allocating core memory buffers";
            case 23 -> "partial transfer due to error";
            case 24 -> "partial transfer due to vanished source files";
            case 25 -> "the --max-delete limit stopped deletions";
            case 30 -> "timeout in data send/receive";
            case 35 -> "timeout waiting for daemon connection";
            case 127 -> "rsync was not found";
            case 255 -> "the remote shell failed";
            default -> "unexpected";
        };
    }

    private static String stripSlash(String path) {
        String stripped = path;
        while (stripped.length() > 1 && stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }
}
