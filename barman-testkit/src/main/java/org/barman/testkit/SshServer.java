package org.barman.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd}) on a free port of 127.0.0.1, for tests of anything that
 * runs over ssh (rsync, {@code ssh_command}, {@code --remote-ssh-command}).
 *
 * <p>It uses a throw-away ed25519 host key and a throw-away client key pair that may log in as
 * {@code postgres} and as the JVM's user (public key only; PAM accounts, so the locked {@code postgres}
 * account works). {@link #knownHosts()} holds the host key, so clients run with strict host key checking:
 *
 * <pre>{@code
 * try (SshServer sshd = SshServer.start()) {
 *     String ssh = sshd.sshCommand("postgres");   // ssh -p 40123 -i ... postgres@127.0.0.1
 *     // e.g. rsync -e "ssh -p ... -i ... -o ..." postgres@127.0.0.1:/src/ /dst/
 * }
 * }</pre>
 *
 * <p>For tests of what a compromised PostgreSQL host could answer, {@link #startWithFakeCommands()} starts one
 * whose sessions find {@link #fakeCommands()} first on their {@code PATH}: a script written there with
 * {@link #fakeCommand(String, String)} (a {@code find} that lists hostile entries, a {@code tar} that sends a crafted
 * stream) runs instead of the real command.
 *
 * <p>sshd must start as root (it switches to the user who logs in); {@link #start()} fails clearly otherwise.
 * The private key file belongs to the JVM's user (mode 0600, as ssh demands); for an ssh client run as
 * another OS user (an {@code archive_command} running as {@code postgres}), use
 * {@link #sshCommandForLocalUser(String, String)}, which hands that user a copy of its own.
 */
public final class SshServer implements AutoCloseable {

    /** The address sshd listens on, and the only one. */
    public static final String HOST = "127.0.0.1";

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int BIND_ATTEMPTS = 5;
    /** The rest of a session's PATH after the fake commands: Debian's default for users. */
    private static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final Path workDir;
    private final Path hostKey;
    private final Path clientKey;
    private final Path knownHosts;
    private final Path log;
    private final Runnable emergencyStop = this::emergencyStop;
    private final Set<String> allowedUsers;
    private final Path fakeCommands;
    private int port;
    private Process sshd;
    private boolean closed;

    private SshServer(Path workDir, Set<String> allowedUsers, boolean withFakeCommands) {
        this.workDir = workDir;
        this.allowedUsers = allowedUsers;
        this.fakeCommands = withFakeCommands ? workDir.resolve("fake-commands") : null;
        this.hostKey = workDir.resolve("ssh_host_ed25519_key");
        this.clientKey = workDir.resolve("client_ed25519");
        this.knownHosts = workDir.resolve("known_hosts");
        this.log = workDir.resolve("sshd.log");
    }

    /**
     * Generates the keys and starts sshd; it accepts the client key for {@code postgres} and the JVM's user.
     *
     * @return the running server
     * @throws IllegalStateException when the JVM is not root, or sshd does not start (with its log)
     */
    public static SshServer start() {
        return start(false);
    }

    /**
     * Like {@link #start()}, but every session's {@code PATH} begins with {@link #fakeCommands()}, so that a test can
     * replace a remote command with a script of its own ({@link #fakeCommand(String, String)}).
     *
     * @return the running server
     * @throws IllegalStateException when the JVM is not root, or sshd does not start (with its log)
     */
    public static SshServer startWithFakeCommands() {
        return start(true);
    }

    private static SshServer start(boolean withFakeCommands) {
        if (!ClusterUser.jvmIsRoot()) {
            throw new IllegalStateException("SshServer must run as root: sshd switches to the user who logs in");
        }
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: apt-get install -y openssh-server");
        }
        Set<String> users = new LinkedHashSet<>(List.of(ClusterUser.POSTGRES, System.getProperty("user.name")));
        SshServer server = new SshServer(TempFolders.create("barman-sshd-"), Set.copyOf(users), withFakeCommands);
        LastResort.register(server.emergencyStop);
        try {
            server.prepare(users);
            server.launch();
            return server;
        } catch (RuntimeException e) {
            try {
                server.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** @return the port sshd listens on, on {@link #HOST} */
    public int port() {
        return port;
    }

    /** @return {@value #HOST} */
    public String host() {
        return HOST;
    }

    /** @return the client's private key (owned by the JVM's user, mode 0600), accepted for every allowed user */
    public Path privateKey() {
        return clientKey;
    }

    /** @return a known_hosts file (world-readable) holding this server's host key for {@code [127.0.0.1]:port} */
    public Path knownHosts() {
        return knownHosts;
    }

    /** @return the OS users that may log in: {@code postgres} and the JVM's user */
    public Set<String> allowedUsers() {
        return allowedUsers;
    }

    /** @return the host key's fingerprint as OpenSSH prints it: {@code SHA256:} and unpadded base64 */
    public String hostKeyFingerprint() {
        byte[] blob = Base64.getDecoder().decode(publicKeyFields(hostKey.resolveSibling(hostKey.getFileName() + ".pub"))[1]);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * @param user the remote (OS) user to log in as
     * @return an OpenSSH command line that logs in non-interactively with strict host key checking, without
     *         reading any ssh configuration file: {@code ssh -F none -p PORT -i KEY -o ... user@127.0.0.1}
     */
    public String sshCommand(String user) {
        return String.join(" ", sshArguments(user, clientKey));
    }

    /**
     * @param user the remote (OS) user to log in as
     * @return {@link #sshCommand(String)} as separate arguments, for a {@link ProcessBuilder}
     */
    public List<String> sshArguments(String user) {
        return sshArguments(user, clientKey);
    }

    /**
     * For an ssh client that runs as another OS user, for example an {@code archive_command} run by
     * PostgreSQL as {@code postgres}: ssh refuses a private key that user does not own, so this gives it a
     * copy of the client key (owned by it, mode 0600).
     *
     * @param localOsUser the OS user that will run ssh
     * @param remoteUser the user to log in as
     * @return the command line, as {@link #sshCommand(String)}
     */
    public synchronized String sshCommandForLocalUser(String localOsUser, String remoteUser) {
        Path folder = workDir.resolve("client-keys").resolve(localOsUser);
        Path key = folder.resolve("id_ed25519");
        try {
            if (!Files.exists(key)) {
                Files.createDirectories(folder);
                Files.copy(clientKey, key);
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
                ClusterUser.chownRecursively(folder, localOsUser);
                Files.setPosixFilePermissions(folder.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give the client key to OS user " + localOsUser + ": " + e.getMessage(), e);
        }
        return String.join(" ", sshArguments(remoteUser, key));
    }

    /**
     * @return the folder first on every session's {@code PATH} (readable by every allowed user)
     * @throws IllegalStateException when the server was not started with {@link #startWithFakeCommands()}
     */
    public Path fakeCommands() {
        if (fakeCommands == null) {
            throw new IllegalStateException("this sshd has no fake commands: start it with startWithFakeCommands()");
        }
        return fakeCommands;
    }

    /**
     * Writes an executable script into {@link #fakeCommands()}, replacing one of the same name: remote sessions that
     * run {@code name} through their {@code PATH} run it instead of the real command until it is removed.
     *
     * @param name the command it replaces, such as {@code find}
     * @param script the script, starting with its {@code #!} line
     * @return the script's path
     */
    public Path fakeCommand(String name, String script) {
        Path file = fakeCommands().resolve(name);
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fake command " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * Removes a fake command (and anything else of that name in {@link #fakeCommands()}): sessions run the real
     * command again.
     *
     * @param name the command
     */
    public void removeFakeCommand(String name) {
        try {
            Files.deleteIfExists(fakeCommands().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the fake command " + name + ": " + e.getMessage(), e);
        }
    }

    /** @return sshd's log (connections, authentication failures) */
    public Path log() {
        return log;
    }

    /** Stops sshd (sessions in progress end with their commands) and deletes the keys and configuration. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (sshd != null && sshd.isAlive()) {
                sshd.destroy();
                if (!waitFor(sshd, Duration.ofSeconds(20))) {
                    sshd.destroyForcibly();
                    waitFor(sshd, Duration.ofSeconds(10));
                }
            }
        } finally {
            LastResort.unregister(emergencyStop);
            TempFolders.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "sshd on " + HOST + ":" + port + " (" + workDir + ")";
    }

    // ---------------------------------------------------------------- internals

    private List<String> sshArguments(String user, Path key) {
        return List.of("ssh", "-F", "none", "-p", Integer.toString(port), "-i", key.toString(),
                "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=30",
                user + "@" + HOST);
    }

    private void prepare(Set<String> users) {
        try {
            Files.createDirectories(Path.of("/run/sshd"));
            Files.setPosixFilePermissions(Path.of("/run/sshd"), PosixFilePermissions.fromString("rwxr-xr-x"));
            keygen(hostKey, "barman-testkit-host");
            keygen(clientKey, "barman-testkit-client");
            Path keys = workDir.resolve("keys");
            Files.createDirectories(keys);
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
            String publicKey = Files.readString(clientKey.resolveSibling(clientKey.getFileName() + ".pub"),
                    StandardCharsets.US_ASCII).trim() + "\n";
            for (String user : users) {
                Path authorized = keys.resolve(user);
                Files.writeString(authorized, publicKey, StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.createFile(log);
            if (fakeCommands != null) {
                Files.createDirectories(fakeCommands);
                Files.setPosixFilePermissions(fakeCommands, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sshd in " + workDir + ": " + e.getMessage(), e);
        }
    }

    private void launch() {
        for (int attempt = 1; ; attempt++) {
            port = FreePorts.pick();
            Path config = writeConfig();
            ProcessResult check = Processes.run(List.of(SSHD.toString(), "-t", "-f", config.toString()),
                    workDir, null, Duration.ofSeconds(30));
            if (!check.succeeded()) {
                throw new IllegalStateException("sshd rejects its test configuration " + config + ":\n" + check.output());
            }
            long logStart = size(log);
            try {
                sshd = new ProcessBuilder(SSHD.toString(), "-D", "-f", config.toString(), "-E", log.toString())
                        .directory(workDir.toFile())
                        .redirectInput(new File("/dev/null"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + SSHD + ": " + e.getMessage(), e);
            }
            String listening = "Server listening on " + HOST + " port " + port;
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                String text = logSince(logStart);
                if (text.contains(listening) && sshd.isAlive()) {
                    writeKnownHosts();
                    return;
                }
                if (!sshd.isAlive()) {
                    if (attempt < BIND_ATTEMPTS && text.contains("Address already in use")) {
                        break;
                    }
                    throw new IllegalStateException("sshd exited with code " + sshd.exitValue()
                            + " instead of listening on " + HOST + ":" + port + "; its log " + log + ":\n" + text);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("sshd did not listen on " + HOST + ":" + port + " within "
                            + START_TIMEOUT + "; its log " + log + ":\n" + text);
                }
                sleep(20);
            }
        }
    }

    private Path writeConfig() {
        Path config = workDir.resolve("sshd_config");
        String text = String.join("\n",
                "Port " + port,
                "ListenAddress " + HOST,
                "HostKey " + hostKey,
                "PidFile " + workDir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + workDir.resolve("keys") + "/%u",
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "UsePAM yes",
                "UseDNS no",
                "PrintMotd no",
                "X11Forwarding no",
                "LogLevel INFO",
                "MaxStartups 50:30:100",
                "AllowUsers " + String.join(" ", allowedUsers),
                "Subsystem sftp internal-sftp",
                fakeCommands == null ? "" : "SetEnv PATH=" + fakeCommands + ":" + SYSTEM_PATH + "\n");
        try {
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config + ": " + e.getMessage(), e);
        }
        return config;
    }

    private void writeKnownHosts() {
        String[] fields = publicKeyFields(hostKey.resolveSibling(hostKey.getFileName() + ".pub"));
        try {
            Files.writeString(knownHosts, "[" + HOST + "]:" + port + " " + fields[0] + " " + fields[1] + "\n",
                    StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(knownHosts, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + knownHosts + ": " + e.getMessage(), e);
        }
    }

    private static void keygen(Path key, String comment) {
        Processes.check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()),
                null, null, Duration.ofSeconds(30));
    }

    private static String[] publicKeyFields(Path publicKey) {
        try {
            String[] fields = Files.readString(publicKey, StandardCharsets.US_ASCII).trim().split("\\s+");
            if (fields.length < 2) {
                throw new IllegalStateException(publicKey + " is not an OpenSSH public key");
            }
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + publicKey + ": " + e.getMessage(), e);
        }
    }

    private void emergencyStop() {
        if (sshd != null && sshd.isAlive()) {
            sshd.destroyForcibly();
        }
        TempFolders.deleteRecursively(workDir);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String logSince(Path file, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String logSince(long offset) {
        return logSince(log, offset);
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sshd", e);
        }
    }
}
