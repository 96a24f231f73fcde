package org.barman.transport.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the key a server presents against the known_hosts files, as ssh does: the user's files, then the global
 * ones, hashed or plain entries alike. A key that differs from the known one for the same host and key type is
 * always refused; an unknown key is refused, or accepted with a warning under {@link HostKeyPolicy#ACCEPT_NEW} and
 * {@link HostKeyPolicy#ACCEPT_UNKNOWN}.
 *
 * <p>JSch asks it during the key exchange, before authentication, so nothing runs on a host that fails. It remembers
 * what it saw, so that the error can say which key the server presented and how to accept it.
 */
final class KnownHostsCheck implements HostKeyRepository {

    private static final Logger LOG = LoggerFactory.getLogger(KnownHostsCheck.class);

    /**
     * What the last check found.
     *
     * @param host the name looked up ({@code [host]:port} for another port than 22)
     * @param keyType the type of the key the server presented ({@code ssh-ed25519}...)
     * @param fingerprint its SHA-256 fingerprint as ssh prints it
     * @param result {@link #OK}, {@link #NOT_INCLUDED} or {@link #CHANGED}
     * @param changedIn the file holding another key of that type for the host, or null
     */
    record Outcome(String host, String keyType, String fingerprint, int result, Path changedIn) {
    }

    private final Map<Path, HostKeyRepository> files = new LinkedHashMap<>();
    private final List<Path> userFiles;
    private final HostKeyPolicy policy;
    private volatile Outcome last;

    /**
     * @param settings the connection, for its known_hosts files and policy
     * @throws IllegalArgumentException when a known_hosts file cannot be read
     */
    KnownHostsCheck(ConnectionSettings settings) {
        this.userFiles = settings.userKnownHosts();
        this.policy = settings.hostKeyPolicy();
        for (Path file : settings.knownHostsFiles()) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JSch reader = new JSch();
            try {
                reader.setKnownHosts(file.toString());
            } catch (JSchException e) {
                throw new IllegalArgumentException("cannot read the known hosts file " + file + ": "
                        + e.getMessage(), e);
            }
            files.put(file, reader.getHostKeyRepository());
        }
    }

    /** @return what the last check found, or null before the first one */
    Outcome lastOutcome() {
        return last;
    }

    @Override
    public int check(String host, byte[] key) {
        String type = keyType(key);
        String fingerprint = fingerprint(key);
        Path changedIn = null;
        for (Map.Entry<Path, HostKeyRepository> file : files.entrySet()) {
            int result = file.getValue().check(host, key);
            if (result == OK) {
                last = new Outcome(host, type, fingerprint, OK, null);
                return OK;
            }
            if (result == CHANGED && changedIn == null) {
                changedIn = file.getKey();
            }
        }
        if (changedIn != null) {
            last = new Outcome(host, type, fingerprint, CHANGED, changedIn);
            return CHANGED;
        }
        last = new Outcome(host, type, fingerprint, NOT_INCLUDED, null);
        switch (policy) {
            case ACCEPT_UNKNOWN -> {
                LOG.warn("Accepting the unknown {} host key {} of {} without checking it, because ssh_command sets "
                        + "StrictHostKeyChecking=no: anyone on the network path could impersonate this host",
                        type, fingerprint, host);
                return OK;
            }
            case ACCEPT_NEW -> {
                record(host, key, type, fingerprint);
                return OK;
            }
            default -> {
                return NOT_INCLUDED;
            }
        }
    }

    private void record(String host, byte[] key, String type, String fingerprint) {
        if (userFiles.isEmpty()) {
            LOG.warn("Accepting the new {} host key {} of {} (StrictHostKeyChecking=accept-new), but there is no "
                    + "UserKnownHostsFile to record it in", type, fingerprint, host);
            return;
        }
        Path file = userFiles.get(0);
        String line = host + " " + type + " " + Base64.getEncoder().encodeToString(key) + "\n";
        try {
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            LOG.warn("Permanently added the new {} host key {} of {} to {} (StrictHostKeyChecking=accept-new)", type,
                    fingerprint, host, file);
        } catch (IOException e) {
            LOG.warn("Accepting the new {} host key {} of {} (StrictHostKeyChecking=accept-new), but cannot record "
                    + "it in {}: {}", type, fingerprint, host, file, e.toString());
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // keys are recorded by check() under accept-new, never on JSch's initiative
    }

    @Override
    public void remove(String host, String type) {
        // known_hosts files are the user's: never changed here
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // known_hosts files are the user's: never changed here
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return userFiles.isEmpty() ? null : userFiles.get(0).toString();
    }

    @Override
    public HostKey[] getHostKey() {
        List<HostKey> keys = new ArrayList<>();
        for (HostKeyRepository file : files.values()) {
            keys.addAll(List.of(file.getHostKey()));
        }
        return keys.toArray(new HostKey[0]);
    }

    /** JSch asks this before the key exchange, to prefer the key types already known for the host. */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        List<HostKey> keys = new ArrayList<>();
        for (HostKeyRepository file : files.values()) {
            HostKey[] found = file.getHostKey(host, type);
            if (found != null) {
                keys.addAll(List.of(found));
            }
        }
        return keys.toArray(new HostKey[0]);
    }

    /**
     * @param key a public key blob as SSH sends it
     * @return its algorithm name, the first string of the blob
     */
    static String keyType(byte[] key) {
        if (key.length < 4) {
            return "unknown";
        }
        int length = ByteBuffer.wrap(key, 0, 4).getInt();
        if (length <= 0 || length > key.length - 4) {
            return "unknown";
        }
        return new String(key, 4, length, StandardCharsets.US_ASCII);
    }

    /**
     * @param key a public key blob
     * @return its fingerprint as OpenSSH prints it: {@code SHA256:} and unpadded base64
     */
    static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
