package org.barman.transport.ssh;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;

import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;

import org.barman.api.BarmanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH connections of one transport: opened when first needed, kept for the transport's life (a backup copies
 * PGDATA and every tablespace over the same ones), one per parallel stream because JSch decrypts everything a
 * connection receives on that connection's single thread.
 *
 * <p>It turns JSch's failures into messages for a DBA: a refused connection, an unknown host name, a timeout, a key
 * the server refuses, and above all a host key that is unknown or has changed, with how to accept it.
 */
final class SshSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SshSessions.class);

    private final ConnectionSettings settings;
    private final List<Session> sessions = new ArrayList<>();
    private KnownHostsCheck knownHosts;
    private List<Path> usableKeys;
    private boolean closed;

    /** @param settings where and how to connect */
    SshSessions(ConnectionSettings settings) {
        this.settings = settings;
    }

    /** @return the connection settings */
    ConnectionSettings settings() {
        return settings;
    }

    /**
     * @return the first connection, for commands and listings
     * @throws BarmanException when it cannot be opened
     */
    Session primary() {
        return open(1).get(0);
    }

    /**
     * @param count how many connections are wanted (1 or more)
     * @return that many open connections, the first one being {@link #primary()}; missing ones are opened at once
     * @throws BarmanException when one cannot be opened
     */
    synchronized List<Session> open(int count) {
        if (closed) {
            throw new IllegalStateException("the transport is closed");
        }
        sessions.removeIf(session -> {
            if (!session.isConnected()) {
                LOG.debug("The connection to {} was lost; opening another", settings.destination());
                return true;
            }
            return false;
        });
        if (sessions.size() >= count) {
            return List.copyOf(sessions.subList(0, count));
        }
        prepare();
        List<FutureTask<Session>> tasks = new ArrayList<>();
        for (int i = sessions.size(); i < count; i++) {
            FutureTask<Session> task = new FutureTask<>(this::connect);
            tasks.add(task);
            if (i == count - 1) {
                task.run();
            } else {
                Thread thread = new Thread(task, "barman-ssh-connect-" + i);
                thread.setDaemon(true);
                thread.start();
            }
        }
        BarmanException failure = null;
        for (Future<Session> task : tasks) {
            try {
                sessions.add(task.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof BarmanException barman ? barman
                            : new BarmanException("cannot connect to " + settings.destination() + ": " + e.getCause(),
                                    e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new BarmanException("interrupted while connecting to " + settings.destination(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(sessions.subList(0, count));
    }

    private void prepare() {
        if (knownHosts != null) {
            return;
        }
        try {
            knownHosts = new KnownHostsCheck(settings);
        } catch (IllegalArgumentException e) {
            throw new BarmanException(e.getMessage(), e);
        }
        usableKeys = new ArrayList<>();
        List<Path> protectedKeys = new ArrayList<>();
        JSch probe = new JSch();
        for (Path key : settings.identityFiles()) {
            try {
                KeyPair pair = KeyPair.load(probe, key.toString());
                if (pair.isEncrypted()) {
                    protectedKeys.add(key);
                } else {
                    usableKeys.add(key);
                }
                pair.dispose();
            } catch (JSchException e) {
                throw new BarmanException("cannot use the SSH key " + key + ": " + e.getMessage(), e);
            }
        }
        if (usableKeys.isEmpty()) {
            if (!protectedKeys.isEmpty()) {
                throw new BarmanException("cannot log in to " + settings.destination() + ": the SSH key(s) "
                        + join(protectedKeys) + " are protected by a passphrase, which transport = ssh cannot ask "
                        + "for; give Barman a key without a passphrase (ssh_command ... -i KEY), as for rsync in cron");
            }
            throw new BarmanException("cannot log in to " + settings.destination() + ": no SSH key to log in with "
                    + "(ssh_command has no -i KEY, and none of ~/.ssh/" + String.join(", ~/.ssh/",
                            ConnectionSettings.DEFAULT_IDENTITIES) + " exists for the user running Barman)");
        }
        if (!protectedKeys.isEmpty()) {
            LOG.debug("Skipping the passphrase-protected SSH keys {}", protectedKeys);
        }
    }

    private Session connect() {
        JSch jsch = new JSch();
        jsch.setInstanceLogger(JschLog.INSTANCE);
        try {
            for (Path key : usableKeys) {
                jsch.addIdentity(key.toString());
            }
            Session session = jsch.getSession(settings.user(), settings.host(), settings.port());
            session.setSocketFactory(new BufferedSocketFactory(settings.connectTimeoutMillis()));
            session.setHostKeyRepository(knownHosts);
            if (settings.hostKeyAlias() != null) {
                session.setHostKeyAlias(settings.hostKeyAlias());
            }
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            String compression = settings.compression() ? "zlib@openssh.com,zlib,none" : "none";
            session.setConfig("compression.s2c", compression);
            session.setConfig("compression.c2s", compression);
            settings.algorithms().forEach(session::setConfig);
            if (settings.serverAliveIntervalMillis() > 0) {
                session.setServerAliveInterval(settings.serverAliveIntervalMillis());
                session.setServerAliveCountMax(settings.serverAliveCountMax());
            }
            session.setDaemonThread(true);
            session.connect(settings.connectTimeoutMillis());
            LOG.debug("Connected to {}: cipher {}, compression {}", settings.destination(),
                    session.getCipherAlgorithmS2C(), session.getCompressionAlgorithmS2C());
            return session;
        } catch (JSchException e) {
            throw connectFailure(e);
        }
    }

    private BarmanException connectFailure(JSchException e) {
        String destination = settings.destination();
        if (e instanceof JSchChangedHostKeyException || e instanceof JSchUnknownHostKeyException) {
            return hostKeyFailure(e);
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return new BarmanException("cannot connect to " + destination + ": connection refused (is sshd "
                        + "running on " + settings.host() + " and listening on port " + settings.port() + "?)", e);
            }
            if (cause instanceof UnknownHostException) {
                return new BarmanException("cannot connect to " + destination + ": unknown host name "
                        + settings.host(), e);
            }
            if (cause instanceof NoRouteToHostException) {
                return new BarmanException("cannot connect to " + destination + ": no route to host", e);
            }
            if (cause instanceof SocketTimeoutException) {
                return timeout(e);
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("timeout")) {
            return timeout(e);
        }
        if (lower.contains("auth fail") || lower.contains("auth cancel")) {
            return new BarmanException("cannot log in to " + destination + ": the server refused the key(s) "
                    + join(usableKeys) + " (is the matching public key in ~" + settings.user()
                    + "/.ssh/authorized_keys on " + settings.host() + "?)", e);
        }
        if (lower.contains("algorithm") || lower.contains("not any available")) {
            return new BarmanException("cannot connect to " + destination + ": no common algorithm with the server ("
                    + message + "); check Ciphers, MACs, KexAlgorithms or HostKeyAlgorithms in ssh_command", e);
        }
        return new BarmanException("cannot connect to " + destination + ": " + message, e);
    }

    private BarmanException timeout(JSchException e) {
        return new BarmanException("cannot connect to " + settings.destination() + ": no answer within "
                + settings.connectTimeoutMillis() / 1000 + " s (ConnectTimeout)", e);
    }

    private BarmanException hostKeyFailure(JSchException e) {
        KnownHostsCheck.Outcome outcome = knownHosts.lastOutcome();
        String name = settings.knownHostsName();
        String type = outcome == null ? "" : outcome.keyType();
        String fingerprint = outcome == null ? "(unknown)" : outcome.fingerprint();
        String file = settings.userKnownHosts().isEmpty() ? "~/.ssh/known_hosts"
                : settings.userKnownHosts().get(0).toString();
        String keyscan = "ssh-keyscan " + (settings.port() == 22 ? "" : "-p " + settings.port() + " ")
                + (type.isEmpty() ? "" : "-t " + type + " ") + settings.host() + " >> " + file;
        if (outcome != null && outcome.result() == HostKeyRepository.CHANGED) {
            return new BarmanException("the host key of " + settings.destination() + " has CHANGED: the server "
                    + "presents the " + type + " key " + fingerprint + ", but " + outcome.changedIn()
                    + " holds another " + type + " key for " + name + ". Someone may be intercepting the connection "
                    + "(man in the middle), or the host was reinstalled; Barman refuses to connect. If the change is "
                    + "expected, check the new fingerprint with the host's administrator, remove the old key "
                    + "(ssh-keygen -R '" + name + "' -f " + outcome.changedIn() + ") and accept the new one ("
                    + keyscan + ")", e);
        }
        String searched = settings.knownHostsFiles().stream().map(Path::toString).collect(Collectors.joining(", "));
        return new BarmanException("the host key of " + settings.destination() + " is unknown: the server presents "
                + "the " + type + " key " + fingerprint + ", which is in none of " + searched + "; Barman refuses "
                + "hosts it cannot verify. Check the fingerprint with the host's administrator, then accept the key "
                + "as the user running Barman: run ssh_command once with the command true and answer yes, or "
                + keyscan + " (compare with ssh-keygen -lf " + file + ")", e);
    }

    private static String join(List<Path> keys) {
        return keys.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    /** Disconnects every connection. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Session session : sessions) {
            session.disconnect();
        }
        sessions.clear();
    }
}
