package org.barman.examples.mounted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.CopyResult;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plug-in's own options and path mapping, beyond what the contract suite checks. */
class MountedFolderTransportProviderTest {

    @TempDir
    Path work;

    private static PluginOptions options(Map<String, String> values) {
        return new PluginOptions("/etc/barman.d/main.conf [main]", values);
    }

    @Test
    void theMountPointIsRequiredAndAbsolute() {
        MountedFolderTransportProvider provider = new MountedFolderTransportProvider();

        assertThatThrownBy(() -> provider.create(options(Map.of())))
                .isInstanceOf(BarmanException.class)
                .hasMessage("/etc/barman.d/main.conf [main]: option mounted_local_root is required");
        assertThatThrownBy(() -> provider.create(options(Map.of("mounted_local_root", "mnt/pg"))))
                .isInstanceOf(BarmanException.class)
                .hasMessage("/etc/barman.d/main.conf [main]: invalid value 'mnt/pg' for option mounted_local_root: "
                        + "expected an absolute path");
    }

    @Test
    void remotePathsMapBelowTheMountPointAndNothingElse() {
        MountedFolderTransport transport = (MountedFolderTransport) new MountedFolderTransportProvider().create(
                options(Map.of("mounted_remote_root", "/var/lib/postgresql", "mounted_local_root", "/mnt/pg")));

        assertThat(transport.mounted("/var/lib/postgresql/15/main")).isEqualTo(Path.of("/mnt/pg/15/main"));
        assertThat(transport.mounted("/var/lib/postgresql")).isEqualTo(Path.of("/mnt/pg"));
        assertThatThrownBy(() -> transport.mounted("/var/lib/postgresql-other/data"))
                .isInstanceOf(BarmanException.class)
                .hasMessage("transport mounted: /var/lib/postgresql-other/data is not below mounted_remote_root "
                        + "/var/lib/postgresql, the only folder of the PostgreSQL host mounted here (at /mnt/pg)");
        assertThatThrownBy(() -> transport.mounted("/var/lib/postgresql/../../../etc"))
                .isInstanceOf(BarmanException.class);
    }

    @Test
    void aPullReadsTheRemotePathThroughTheMountPoint() throws Exception {
        Path mounted = work.resolve("mnt/pg/15/main");
        Files.createDirectories(mounted.resolve("base"));
        Files.writeString(mounted.resolve("PG_VERSION"), "15\n");
        Files.writeString(mounted.resolve("base/1"), "a table\n");
        Files.writeString(mounted.resolve("postmaster.pid"), "4242\n");
        Path backup = work.resolve("barman/main/base/20260126T101500/data");

        CopyResult result;
        try (Transport transport = new MountedFolderTransportProvider().create(options(Map.of(
                "mounted_remote_root", "/var/lib/postgresql", "mounted_local_root", work.resolve("mnt/pg")
                        .toString())))) {
            result = transport.pull(new CopyJob("/var/lib/postgresql/15/main", backup, List.of("/postmaster.pid"),
                    null, null, 0), CopyListener.NONE);
        }

        assertThat(result).isEqualTo(new CopyResult(2, 11, 0, 0));
        assertThat(backup.resolve("PG_VERSION")).hasContent("15");
        assertThat(backup.resolve("base/1")).hasContent("a table");
        assertThat(backup.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void commandsGoThroughSshCommandWhenItIsSet() {
        try (Transport transport = new MountedFolderTransportProvider().create(options(Map.of(
                "mounted_local_root", "/mnt/pg", "ssh_command", "sh -c")))) {
            assertThat(transport.run("echo 'it'\"'\"'s quoted'; exit 4").stdoutText()).isEqualTo("it's quoted\n");
            assertThat(transport.run("exit 4").exitCode()).isEqualTo(4);
        }
    }
}
