package org.barman.transport.rsync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.barman.api.BarmanException;

/**
 * The version of an rsync program, from the first line of {@code rsync --version}
 * ({@code rsync  version 3.2.7  protocol version 31}), and the minimum this transport needs on the backup host:
 * 3.1.3, the first to compare modification times to the nanosecond ({@code --modify-window=-1}), which reuse of the
 * previous backup relies on.
 *
 * @param major major number
 * @param minor minor number
 * @param patch patch number
 */
record RsyncVersion(int major, int minor, int patch) implements Comparable<RsyncVersion> {

    /** The oldest rsync this transport runs on the backup host. */
    static final RsyncVersion MINIMUM = new RsyncVersion(3, 1, 3);

    private static final Pattern VERSION = Pattern.compile("rsync\\s+version\\s+v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final ConcurrentMap<String, RsyncVersion> CHECKED = new ConcurrentHashMap<>();

    /**
     * @param versionOutput what {@code rsync --version} printed
     * @return the version, when the output has one
     */
    static Optional<RsyncVersion> parse(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new RsyncVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3))));
    }

    /**
     * Checks, once per program and JVM, that the rsync of this host can run this transport's copies.
     *
     * @param program the rsync program
     * @return its version
     * @throws BarmanException when it is missing or too old, saying what to install
     */
    static RsyncVersion requireLocal(String program) {
        return CHECKED.computeIfAbsent(program, RsyncVersion::checkLocal);
    }

    private static RsyncVersion checkLocal(String program) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            exit = new ExternalCommand(List.of(program, "--version"), null, out, out).run();
        } catch (IOException e) {
            throw new BarmanException("cannot run " + program + " on this host (" + e.getMessage() + "): the rsync "
                    + "transport needs rsync " + MINIMUM + " or later on the backup host (apt-get install rsync), "
                    + "or set transport = ssh", e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        RsyncVersion version = parse(text).orElseThrow(() -> new BarmanException(program + " --version exited with "
                + exit + " and printed no rsync version: '" + text.strip() + "'"));
        if (version.compareTo(MINIMUM) < 0) {
            throw new BarmanException("rsync " + version + " on this host is too old: the rsync transport needs "
                    + MINIMUM + " or later (nanosecond modification times for reuse_backup); upgrade it, or set "
                    + "transport = ssh");
        }
        return version;
    }

    @Override
    public int compareTo(RsyncVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
