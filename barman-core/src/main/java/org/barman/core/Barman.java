package org.barman.core;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

import org.barman.api.BarmanException;
import org.barman.core.config.BarmanConfig;
import org.barman.core.config.ConfigLoader;
import org.barman.core.config.ConfigOptions;
import org.barman.core.config.ServerConfig;
import org.barman.core.hook.HookScripts;
import org.barman.core.lock.FileLock;
import org.barman.core.lock.Locks;
import org.barman.core.plugin.Plugins;
import org.barman.core.streaming.ReceiveWalLauncher;

/**
 * The entry point of Barman as a library: load a configuration, then work with its servers.
 *
 * <pre>{@code
 * Barman barman = Barman.load(Path.of("/etc/barman.conf"));    // null: ~/.barman.conf, /etc/barman.conf, ...
 * barman.requireBarmanUser();                                   // as the command line does
 * Server main = barman.server("main");
 *
 * if (main.check().ok()) {
 *     BackupInfo backup = main.takeBackup(BackupOptions.DEFAULTS, CopyListener.NONE);
 * }
 * for (BackupSummary summary : main.listBackups()) {
 *     System.out.println(summary.info().id() + " " + summary.info().status());
 * }
 * RecoveryReport report = main.recover("latest", "/srv/restore/main",
 *         RecoveryOptions.of(new RecoveryTarget(RecoveryTarget.Kind.NAME, "before-the-upgrade", false)),
 *         CopyListener.NONE);
 * barman.cron(new CronListener() { });                          // what barman cron does, every minute
 * }</pre>
 *
 * <p>The command line uses nothing but this facade and what it returns. Every failure is a
 * {@link BarmanException} whose message names what failed and where, for a DBA; {@link BarmanException#exitCode()}
 * is what the command line exits with. {@code docs/embedding.md} and {@code examples/embedding} show a complete
 * program.
 */
public final class Barman {

    private final BarmanConfig config;
    private final Plugins plugins;
    private volatile HookScripts.RetryPause hookPause = HookScripts.RetryPause.BARMAN;
    private volatile Clock clock = Clock.systemDefaultZone();
    private volatile ReceiveWalLauncher receiveWalLauncher = ReceiveWalLauncher.NONE;

    private Barman(BarmanConfig config, Plugins plugins) {
        this.config = config;
        this.plugins = plugins;
    }

    /**
     * @param pause how long retry hook scripts wait between attempts (Barman's 3 s, then 60 s, by default)
     * @return this
     */
    public Barman withHookPause(HookScripts.RetryPause pause) {
        this.hookPause = Objects.requireNonNull(pause, "pause is null");
        return this;
    }

    HookScripts.RetryPause hookPause() {
        return hookPause;
    }

    /**
     * Sets what "now" is for everything that depends on it: recovery windows, {@code last_backup_maximum_age}.
     * Tests and simulations set a fixed clock instead of waiting for days to pass.
     *
     * @param clock the clock, the system's by default
     * @return this
     */
    public Barman withClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
        return this;
    }

    /**
     * Sets how {@link #cron} starts {@code receive-wal} in the background for a server with
     * {@code streaming_archiver = on} whose receiver is not running. Without one, cron reports each such server as
     * failed.
     *
     * @param launcher the launcher; the command line starts a detached {@code barman receive-wal} process
     * @return this
     */
    public Barman withReceiveWalLauncher(ReceiveWalLauncher launcher) {
        this.receiveWalLauncher = Objects.requireNonNull(launcher, "launcher is null");
        return this;
    }

    /** @return how cron starts receive-wal ({@link #withReceiveWalLauncher}) */
    public ReceiveWalLauncher receiveWalLauncher() {
        return receiveWalLauncher;
    }

    /** @return the clock that says what "now" is ({@link #withClock}) */
    public Clock clock() {
        return clock;
    }

    /**
     * The periodic maintenance of every server ({@code barman cron}), under the global cron lock and each server's
     * locks: archives incoming and streamed WAL, completes backups waiting for their WAL, starts
     * {@code receive-wal} where it should run and does not ({@link #withReceiveWalLauncher}), marks FAILED the
     * backups left STARTED by a process that ended, and enforces the retention policy
     * ({@code retention_policy_mode = auto}). Work that already runs elsewhere is skipped and done next time.
     *
     * @param listener hears what happens to each server
     * @return whether every server's work went through
     * @throws org.barman.core.lock.LockBusyException when another {@code barman cron} runs
     */
    public boolean cron(CronListener listener) {
        boolean ok = true;
        try (FileLock cron = Locks.cron(config.global().get(ConfigOptions.BARMAN_LOCK_DIRECTORY))) {
            for (Server server : servers("all")) {
                ok &= server.cron(listener);
            }
        }
        return ok;
    }

    /**
     * @param configFile the configuration file, or null to search Barman's default locations
     * @return Barman with that configuration and the providers on the class path
     * @throws BarmanException naming the place of the first configuration error
     */
    public static Barman load(Path configFile) {
        return load(configFile, Plugins.load());
    }

    /**
     * @param configFile the configuration file, or null to search Barman's default locations
     * @param plugins the providers to use
     * @return Barman with that configuration
     */
    public static Barman load(Path configFile, Plugins plugins) {
        return new Barman(ConfigLoader.load(configFile, plugins), plugins);
    }

    /**
     * @param config a loaded configuration
     * @param plugins the providers it was validated with
     * @return Barman with that configuration
     */
    public static Barman of(BarmanConfig config, Plugins plugins) {
        return new Barman(Objects.requireNonNull(config, "config is null"),
                Objects.requireNonNull(plugins, "plugins is null"));
    }

    /** @return the configuration */
    public BarmanConfig config() {
        return config;
    }

    /** @return the installed providers */
    public Plugins plugins() {
        return plugins;
    }

    /**
     * Refuses to go on when the current OS user is not {@code barman_user}, as Barman does: files written by
     * another user would break the next run of the right one. (The command line run by root runs itself again as
     * {@code barman_user} before it gets here.)
     *
     * @throws BarmanException naming both users and the option
     */
    public void requireBarmanUser() {
        String expected = config.global().get(ConfigOptions.BARMAN_USER);
        String current = System.getProperty("user.name");
        if (expected != null && !expected.equals(current)) {
            throw new BarmanException("barman must run as user '" + expected + "' (barman_user in "
                    + config.mainFile() + "), not as '" + current + "': run it as " + expected + " (sudo -u "
                    + expected + " barman ...), or as root, which runs it as " + expected);
        }
    }

    /**
     * @param name a server name
     * @return the server
     * @throws BarmanException when there is no such server
     */
    public Server server(String name) {
        return new Server(this, config.server(name));
    }

    /**
     * @param target a server name, or {@code all}
     * @return the servers it designates, in configuration order
     */
    public List<Server> servers(String target) {
        return config.select(target).stream().map(server -> new Server(this, server)).toList();
    }

    /** @return a report of the configuration and the system, for bug reports ({@code barman diagnose}) */
    public Diagnosis diagnose() {
        return Diagnosis.of(this);
    }

    ServerConfig serverConfig(String name) {
        return config.server(name);
    }
}
