package org.barman.core.hook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.barman.core.BarmanVersion;
import org.barman.core.config.ConfigOption;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hook scripts of one event of one server ({@code backup} or {@code archive}), run in Barman's order:
 * standard pre, retry pre, the operation, retry post, standard post.
 *
 * <p>A standard script runs once and its exit code is ignored. A retry script runs again after a pause until it
 * returns 0 (SUCCESS), 62 (ABORT_CONTINUE) or 63 (ABORT_STOP); ABORT_STOP from the pre retry script stops the
 * operation, from the post retry script it only logs a warning. Scripts run through {@code sh -c} with the
 * {@code BARMAN_*} environment; their output goes to the log.
 */
public final class HookScripts {

    /** The retry script succeeded. */
    public static final int SUCCESS = 0;
    /** The retry script gives up; the operation goes on. */
    public static final int ABORT_CONTINUE = 62;
    /** The retry script gives up; a pre script stops the operation. */
    public static final int ABORT_STOP = 63;

    private static final Logger LOG = LoggerFactory.getLogger(HookScripts.class);

    private final ServerConfig server;
    private final String event;
    private final String pre;
    private final String preRetry;
    private final String postRetry;
    private final String post;
    private final RetryPause pause;

    /**
     * How long a retry script waits before the next attempt: {@code first} for the first {@code patience}
     * attempts, then {@code later} (Barman: 3 s, then 60 s after 5 failures).
     *
     * @param first the pause of the early attempts
     * @param patience how many attempts use the first pause
     * @param later the pause after that
     */
    public record RetryPause(Duration first, int patience, Duration later) {
        /** Barman's pauses. */
        public static final RetryPause BARMAN = new RetryPause(Duration.ofSeconds(3), 5, Duration.ofSeconds(60));

        Duration after(int attempt) {
            return attempt <= patience ? first : later;
        }
    }

    private HookScripts(ServerConfig server, String event, ConfigOption<String> pre, ConfigOption<String> preRetry,
            ConfigOption<String> postRetry, ConfigOption<String> post, RetryPause pause) {
        this.server = server;
        this.event = event;
        this.pre = server.get(pre);
        this.preRetry = server.get(preRetry);
        this.postRetry = server.get(postRetry);
        this.post = server.get(post);
        this.pause = pause;
    }

    /**
     * @param server the server
     * @param pause the pauses of retry scripts
     * @return the archive hooks: {@code pre_archive_script} and friends
     */
    public static HookScripts archive(ServerConfig server, RetryPause pause) {
        return new HookScripts(server, "archive", ConfigOptions.PRE_ARCHIVE_SCRIPT,
                ConfigOptions.PRE_ARCHIVE_RETRY_SCRIPT, ConfigOptions.POST_ARCHIVE_RETRY_SCRIPT,
                ConfigOptions.POST_ARCHIVE_SCRIPT, pause);
    }

    /**
     * @param server the server
     * @param pause the pauses of retry scripts
     * @return the backup hooks: {@code pre_backup_script} and friends
     */
    public static HookScripts backup(ServerConfig server, RetryPause pause) {
        return new HookScripts(server, "backup", ConfigOptions.PRE_BACKUP_SCRIPT,
                ConfigOptions.PRE_BACKUP_RETRY_SCRIPT, ConfigOptions.POST_BACKUP_RETRY_SCRIPT,
                ConfigOptions.POST_BACKUP_SCRIPT, pause);
    }

    /** @return whether any script is configured (callers may skip building the environment otherwise) */
    public boolean any() {
        return pre != null || preRetry != null || postRetry != null || post != null;
    }

    /**
     * Runs the standard pre script, then the pre retry script.
     *
     * @param environment the event's {@code BARMAN_*} variables
     * @throws HookAbortedException when the retry script returns ABORT_STOP
     */
    public void before(Map<String, String> environment) {
        if (pre != null) {
            runOnce(pre, "pre", environment);
        }
        if (preRetry != null && runUntilDone(preRetry, "pre", environment) == ABORT_STOP) {
            throw new HookAbortedException("pre_" + event + "_retry_script returned ABORT_STOP (63) for server "
                    + server.name() + ": the " + event + " is not done");
        }
    }

    /**
     * Runs the post retry script, then the standard post script.
     *
     * @param environment the event's {@code BARMAN_*} variables
     */
    public void after(Map<String, String> environment) {
        if (postRetry != null && runUntilDone(postRetry, "post", environment) == ABORT_STOP) {
            LOG.warn("post_{}_retry_script returned ABORT_STOP (63) for server {}: ABORT_STOP is ignored after "
                    + "the {}, carrying on", event, server.name(), event);
        }
        if (post != null) {
            runOnce(post, "post", environment);
        }
    }

    private void runOnce(String command, String phase, Map<String, String> environment) {
        int code = run(command, phase, false, environment);
        LOG.debug("{}_{}_script exited with {}", phase, event, code);
    }

    private int runUntilDone(String command, String phase, Map<String, String> environment) {
        for (int attempt = 1;; attempt++) {
            int code = run(command, phase, true, environment);
            if (code == SUCCESS || code == ABORT_CONTINUE || code == ABORT_STOP) {
                return code;
            }
            Duration wait = pause.after(attempt);
            LOG.warn("{}_{}_retry_script of server {} failed with exit code {} (attempt {}); trying again in {} s",
                    phase, event, server.name(), code, attempt, wait.toSeconds());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.barman.api.BarmanException("interrupted while retrying " + phase + "_" + event
                        + "_retry_script of server " + server.name(), e);
            }
        }
    }

    private int run(String command, String phase, boolean retry, Map<String, String> environment) {
        String name = phase + "_" + event + (retry ? "_retry" : "") + "_script";
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("BARMAN_VERSION", BarmanVersion.get());
        env.put("BARMAN_SERVER", server.name());
        env.put("BARMAN_CONFIGURATION", server.configFile().toString());
        env.put("BARMAN_HOOK", event + (retry ? "_retry" : "") + "_script");
        env.put("BARMAN_PHASE", phase);
        env.put("BARMAN_RETRY", retry ? "1" : "0");
        env.putIfAbsent("BARMAN_ERROR", "");
        LOG.info("Running {} of server {}: {}", name, server.name(), command);
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    LOG.info("{}: {}", name, line);
                }
            }
            int code = process.waitFor();
            LOG.info("{} of server {} exited with {}", name, server.name(), code);
            return code;
        } catch (IOException e) {
            LOG.warn("cannot run {} of server {}: {}", name, server.name(), e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.barman.api.BarmanException("interrupted while running " + name + " of server "
                    + server.name(), e);
        }
    }
}
