package org.barman.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.barman.api.BarmanException;
import org.barman.api.ReuseMode;
import org.barman.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String GUIDE_EXAMPLE = """
            [barman]
            barman_home = /var/lib/barman
            barman_user = barman
            log_file = /var/log/barman/barman.log
            compression = gzip
            reuse_backup = link
            minimum_redundancy = 1

            [main]
            description = "Main PostgreSQL Database"
            ssh_command = ssh postgres@pg
            conninfo = host=pg user=postgres
            """;

    @TempDir
    Path dir;

    private final Plugins plugins = Plugins.load();

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private BarmanConfig load(String content) throws IOException {
        return ConfigLoader.load(write("barman.conf", content), plugins);
    }

    @Test
    void readsTheGuideExampleWithBarmansDefaults() throws IOException {
        BarmanConfig config = load(GUIDE_EXAMPLE);
        assertThat(config.serverNames()).containsExactly("main");
        ServerConfig main = config.server("main");
        assertThat(main.get(ConfigOptions.DESCRIPTION)).isEqualTo("Main PostgreSQL Database");
        assertThat(main.incomingWalsDirectory()).isEqualTo(Path.of("/var/lib/barman/main/incoming"));
        assertThat(main.backupDirectory()).isEqualTo(Path.of("/var/lib/barman/main"));
        assertThat(main.basebackupsDirectory()).isEqualTo(Path.of("/var/lib/barman/main/base"));
        assertThat(main.walsDirectory()).isEqualTo(Path.of("/var/lib/barman/main/wals"));
        assertThat(main.errorsDirectory()).isEqualTo(Path.of("/var/lib/barman/main/errors"));
        assertThat(main.lockDirectory()).isEqualTo(Path.of("/var/lib/barman"));
        assertThat(main.get(ConfigOptions.COMPRESSION)).isEqualTo("gzip");
        assertThat(main.get(ConfigOptions.REUSE_BACKUP)).isEqualTo(ReuseMode.LINK);
        assertThat(main.get(ConfigOptions.MINIMUM_REDUNDANCY)).isEqualTo(1);
        assertThat(main.get(ConfigOptions.BASEBACKUP_RETRY_TIMES)).isZero();
        assertThat(main.get(ConfigOptions.BASEBACKUP_RETRY_SLEEP)).isEqualTo(30);
        assertThat(main.get(ConfigOptions.BANDWIDTH_LIMIT)).isZero();
        assertThat(main.get(ConfigOptions.IMMEDIATE_CHECKPOINT)).isFalse();
        assertThat(main.get(ConfigOptions.NETWORK_COMPRESSION)).isFalse();
        assertThat(main.get(ConfigOptions.BACKUP_OPTIONS)).containsExactly("concurrent_backup");
        assertThat(main.get(ConfigOptions.WAL_RETENTION_POLICY)).isEqualTo("main");
        assertThat(main.get(ConfigOptions.RETENTION_POLICY_MODE)).isEqualTo("auto");
        assertThat(main.get(ConfigOptions.RETENTION_POLICY)).isNull();
        assertThat(main.transportName()).isEqualTo("rsync");
        assertThat(config.global().get(ConfigOptions.LOG_LEVEL)).isEqualTo("INFO");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void serverOptionsOverrideGlobalOnesAndReferencesResolve() throws IOException {
        BarmanConfig config = load("""
                [barman]
                barman_home = /srv/barman
                bandwidth_limit = 1000
                immediate_checkpoint = yes
                barman_lock_directory = %(barman_home)s/locks

                [pg1]
                conninfo = host=pg1
                bandwidth_limit = 2000
                backup_directory = /backups/%(name)s
                wals_directory = %(backup_directory)s/archive
                tablespace_bandwidth_limit = tbs1:1000, tbs2:500
                last_backup_maximum_age = 1 WEEKS
                network_compression = On
                retention_policy = redundancy 3

                [pg2]
                conninfo = host=pg2
                immediate_checkpoint = f
                ssh_command = ssh postgres@pg2
                """);
        ServerConfig pg1 = config.server("pg1");
        assertThat(pg1.get(ConfigOptions.BANDWIDTH_LIMIT)).isEqualTo(2000L);
        assertThat(pg1.get(ConfigOptions.IMMEDIATE_CHECKPOINT)).isTrue();
        assertThat(pg1.backupDirectory()).isEqualTo(Path.of("/backups/pg1"));
        assertThat(pg1.walsDirectory()).isEqualTo(Path.of("/backups/pg1/archive"));
        assertThat(pg1.incomingWalsDirectory()).isEqualTo(Path.of("/backups/pg1/incoming"));
        assertThat(pg1.lockDirectory()).isEqualTo(Path.of("/srv/barman/locks"));
        assertThat(pg1.get(ConfigOptions.TABLESPACE_BANDWIDTH_LIMIT)).containsExactly(Map.entry("tbs1", 1000L),
                Map.entry("tbs2", 500L));
        assertThat(pg1.get(ConfigOptions.LAST_BACKUP_MAXIMUM_AGE)).isEqualTo(new AgeLimit(1, AgeLimit.Unit.WEEKS));
        assertThat(pg1.get(ConfigOptions.NETWORK_COMPRESSION)).isTrue();
        assertThat(pg1.transportName()).isEqualTo("local");
        assertThat(pg1.originOf(ConfigOptions.IMMEDIATE_CHECKPOINT)).endsWith("barman.conf [barman]");
        assertThat(pg1.originOf(ConfigOptions.BANDWIDTH_LIMIT)).endsWith("barman.conf [pg1]");

        ServerConfig pg2 = config.server("pg2");
        assertThat(pg2.get(ConfigOptions.BANDWIDTH_LIMIT)).isEqualTo(1000L);
        assertThat(pg2.get(ConfigOptions.IMMEDIATE_CHECKPOINT)).isFalse();
        assertThat(pg2.backupDirectory()).isEqualTo(Path.of("/srv/barman/pg2"));
        assertThat(pg2.transportName()).isEqualTo("rsync");
    }

    @Test
    void readsServerSectionsFromConfigurationFilesDirectory() throws IOException {
        write("barman.d/b.conf", "[beta]\nconninfo = host=b\n");
        write("barman.d/a.conf", "[alpha]\nconninfo = host=a\ndescription = 'Alpha'\n");
        write("barman.d/ignored.txt", "[gamma]\nconninfo = host=g\n");
        BarmanConfig config = load("""
                [barman]
                barman_home = /var/lib/barman
                configuration_files_directory = barman.d
                [main]
                conninfo = host=m
                """);
        assertThat(config.serverNames()).containsExactly("main", "alpha", "beta");
        assertThat(config.server("alpha").get(ConfigOptions.DESCRIPTION)).isEqualTo("Alpha");
        assertThat(config.files()).hasSize(3);
    }

    @Test
    void aServerDefinedTwiceAcrossFilesIsAnError() throws IOException {
        write("barman.d/a.conf", "[main]\nconninfo = host=a\n");
        assertThatThrownBy(() -> load("""
                [barman]
                configuration_files_directory = barman.d
                [main]
                conninfo = host=m
                """)).isInstanceOf(BarmanException.class)
                .hasMessageContaining("a.conf: server [main] is already defined in");
    }

    @Test
    void aGlobalSectionInAnIncludedFileIsAnError() throws IOException {
        write("barman.d/a.conf", "[barman]\nbarman_home = /x\n");
        assertThatThrownBy(() -> load("[barman]\nconfiguration_files_directory = barman.d\n"))
                .hasMessageContaining("a.conf: a [barman] section is only allowed in");
    }

    @Test
    void aServerNamedAllIsRefused() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[all]\nconninfo = host=x\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageMatching(".*barman\\.conf: \\[all\\] cannot be a server name: 'all' and 'barman' are "
                        + "reserved");
    }

    @Test
    void anUnsafeServerNameIsRefused() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[../etc]\nconninfo = host=x\n"))
                .hasMessageContaining("[../etc] is not a valid server name");
    }

    @Test
    void anUnreadableFileNamesTheFile() throws IOException {
        Path file = write("barman.conf", "[barman]\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(file)) {
            // root reads everything: use a missing file for the same code path
            file = dir.resolve("missing.conf");
        }
        Path target = file;
        assertThatThrownBy(() -> ConfigLoader.load(target, plugins)).isInstanceOf(BarmanException.class)
                .hasMessageStartingWith("cannot read configuration file " + target + ": ");
    }

    @Test
    void aBadBooleanNamesFileSectionOptionAndWhatIsExpected() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\nimmediate_checkpoint = maybe\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessage(dir.resolve("barman.conf") + " [main] immediate_checkpoint: invalid value 'maybe' "
                        + "(not a boolean): expected a boolean");
    }

    @Test
    void aBadRetentionPolicyNamesThePlaceAndTheSyntax() throws IOException {
        assertThatThrownBy(() -> load("[barman]\nretention_policy = KEEP 3 FOREVER\n[main]\nconninfo = host=x\n"))
                .isInstanceOf(BarmanException.class)
                .hasMessageContaining("barman.conf [barman] retention_policy: invalid value 'KEEP 3 FOREVER'")
                .hasMessageContaining("REDUNDANCY value | RECOVERY WINDOW OF value DAYS|WEEKS|MONTHS");
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\nretention_policy = REDUNDANCY 0\n"))
                .hasMessageContaining("[main] retention_policy: invalid value 'REDUNDANCY 0' (the value must be "
                        + "greater than 0, not 0)");
        assertThatThrownBy(() -> load(
                "[barman]\n[main]\nconninfo = host=x\nretention_policy = RECOVERY WINDOW OF 2 YEARS\n"))
                .hasMessageContaining("'YEARS' is not DAYS, WEEKS or MONTHS");
    }

    @Test
    void retentionPolicyKeywordsAreCaseInsensitive() throws IOException {
        BarmanConfig config = load("[barman]\n[main]\nconninfo = host=x\n"
                + "retention_policy = recovery window of 4 Weeks\n");
        assertThat(plugins.retentionPolicy(config.server("main").get(ConfigOptions.RETENTION_POLICY)).describe())
                .isEqualTo("RECOVERY WINDOW OF 4 WEEKS");
    }

    @Test
    void aRedundancyBelowMinimumRedundancyIsAWarning() throws IOException {
        BarmanConfig config = load("[barman]\nminimum_redundancy = 3\n[main]\nconninfo = host=x\n"
                + "retention_policy = REDUNDANCY 2\n");
        assertThat(config.warnings()).singleElement().asString()
                .contains("[main] retention_policy: REDUNDANCY 2 is below minimum_redundancy = 3");
    }

    @Test
    void anUnknownOptionIsAWarningNamingFileSectionAndOption() throws IOException {
        BarmanConfig config = load("[barman]\nfoo = 1\n[main]\nconninfo = host=x\nbar = 2\n");
        assertThat(config.warnings()).hasSize(2);
        assertThat(config.warnings().get(0)).contains("barman.conf [barman] line 2: unknown option 'foo'");
        assertThat(config.warnings().get(1)).contains("barman.conf [main] line 5: unknown option 'bar'");
        assertThat(config.server("main").pluginOptions().get("bar")).contains("2");
    }

    @Test
    void scopesAreEnforced() throws IOException {
        assertThatThrownBy(() -> load("[barman]\nconninfo = host=x\n"))
                .hasMessageContaining("[barman] line 2: option conninfo is a server option and cannot be set in "
                        + "[barman]");
        assertThatThrownBy(() -> load("[barman]\n[main]\nbarman_home = /x\n"))
                .hasMessageContaining("[main] line 3: option barman_home is a global option");
    }

    @Test
    void malformedValuesOfEveryTypeAreErrors() throws IOException {
        for (String line : List.of("bandwidth_limit = fast", "minimum_redundancy = -1", "reuse_backup = hardlink",
                "last_backup_maximum_age = 3 YEARS", "tablespace_bandwidth_limit = tbs1",
                "backup_options = nonsense", "backup_directory = relative/path", "recovery_options = fetch",
                "wal_retention_policy = all", "parallel_jobs = 0", "retention_policy_mode = manual")) {
            String option = line.substring(0, line.indexOf(' '));
            assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\n" + line + "\n"))
                    .as(line).isInstanceOf(BarmanException.class)
                    .hasMessageContaining("[main] " + option + ": invalid value '")
                    .hasMessageContaining(": expected ");
        }
    }

    @Test
    void bothBackupMethodsAtOnceAreAnError() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\n"
                + "backup_options = exclusive_backup, concurrent_backup\n"))
                .hasMessageContaining("backup_options: invalid value 'exclusive_backup, concurrent_backup' "
                        + "(both methods at once)");
    }

    @Test
    void anUnknownCompressionListsTheAvailableOnes() throws IOException {
        assertThatThrownBy(() -> load("[barman]\ncompression = rar\n[main]\nconninfo = host=x\n"))
                .hasMessageContaining("compression: invalid value 'rar'")
                .hasMessageContaining("expected one of the available compressors: ");
    }

    @Test
    void anUnknownTransportListsTheAvailableOnes() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\ntransport = ftp\n"))
                .hasMessageContaining("transport: invalid value 'ftp'")
                .hasMessageContaining("expected one of the available transports: ");
    }

    @Test
    void aReferenceToNothingOrALoopIsAnError() throws IOException {
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\nbackup_directory = %(nope)s/x\n"))
                .hasMessageContaining("[main] backup_directory: %(nope)s refers to an option that is not set");
        assertThatThrownBy(() -> load("[barman]\n[main]\nconninfo = host=x\na = %(b)s\nb = %(a)s\n"
                + "backup_directory = /x/%(a)s\n"))
                .hasMessageContaining("nest more than 10 deep");
    }

    @Test
    void malformedFilesNameTheLine() throws IOException {
        assertThatThrownBy(() -> load("conninfo = x\n")).hasMessageContaining("line 1: option 'conninfo' appears "
                + "before any [section] header");
        assertThatThrownBy(() -> load("[barman\n")).hasMessageContaining("line 1: malformed section header");
        assertThatThrownBy(() -> load("[barman]\njust text\n")).hasMessageContaining(
                "line 2: expected 'option = value' or a [section] header");
        assertThatThrownBy(() -> load("[barman]\na = 1\na = 2\n")).hasMessageContaining(
                "line 3: option 'a' appears twice in section [barman] (first on line 2)");
        assertThatThrownBy(() -> load("[main]\nconninfo = x\n")).hasMessageContaining(
                "there is no [barman] section");
    }

    @Test
    void continuationLinesCommentsAndColonsWorkAsInPython() throws IOException {
        BarmanConfig config = load("""
                # comment
                ; another
                [barman]
                Barman_Home: /data/barman
                [main]
                conninfo = host=pg
                  user=postgres
                description = a # not a comment
                """);
        assertThat(config.global().get(ConfigOptions.BARMAN_HOME)).isEqualTo(Path.of("/data/barman"));
        assertThat(config.server("main").get(ConfigOptions.CONNINFO)).isEqualTo("host=pg\nuser=postgres");
        assertThat(config.server("main").get(ConfigOptions.DESCRIPTION)).isEqualTo("a # not a comment");
    }

    @Test
    void theFirstExistingDefaultLocationIsUsed() throws IOException {
        Path second = write("etc/barman.conf", "[barman]\n[found]\nconninfo = host=x\n");
        BarmanConfig config = ConfigLoader.load(null, List.of(dir.resolve("home/.barman.conf"), second,
                write("etc/barman/barman.conf", "[barman]\n")), plugins);
        assertThat(config.serverNames()).containsExactly("found");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(dir.resolve("none.conf")), plugins))
                .hasMessageContaining("no configuration file found (tried " + dir.resolve("none.conf"));
    }

    @Test
    void selectAllGivesEveryServerAndAnUnknownServerListsTheKnownOnes() throws IOException {
        BarmanConfig config = load("[barman]\n[a]\nconninfo = x\n[b]\nconninfo = y\n");
        assertThat(config.select("all")).extracting(ServerConfig::name).containsExactly("a", "b");
        assertThatThrownBy(() -> config.select("c")).hasMessage("unknown server 'c' (configured servers: a, b)");
    }

    @Test
    void everyOptionHasADescriptionAndItsDefaultParses() {
        for (ConfigOption<?> option : ConfigOptions.all()) {
            assertThat(option.description()).as(option.name()).isNotBlank();
            if (option.defaultValue() != null && !option.defaultValue().contains("%(")) {
                assertThat(option.parse(option.defaultValue())).as(option.name()).isNotNull();
            }
        }
        assertThat(ConfigOptions.byName("incoming_wals_directory")).isPresent();
        assertThat(Set.of("barman_home", "compression", "retention_policy", "reuse_backup")).allSatisfy(
                name -> assertThat(ConfigOptions.byName(name)).isPresent());
    }
}
