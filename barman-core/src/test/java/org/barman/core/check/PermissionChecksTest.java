package org.barman.core.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.barman.core.Server;
import org.barman.core.support.TestBarman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionChecksTest {

    @TempDir
    Path folder;

    @Test
    void aBarmanHomeOtherUsersCanEnterFailsWithTheChmodThatFixesIt() throws IOException {
        Path home = folder.resolve("home");
        Server server = TestBarman.withServer(home).server("main");
        CheckContext context = new CheckContext(server, Optional.empty());

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PermissionChecks.barmanHome().check(context)).containsExactly(CheckResult.failed(
                "barman_home permissions", home + " is rwxr-xr-x: group and other users can read or enter it, and "
                        + "reach every backup and WAL file it holds: chmod 700 " + home));

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx-----x"));
        assertThat(PermissionChecks.barmanHome().check(context)).singleElement()
                .satisfies(result -> assertThat(result.ok()).isFalse());

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        assertThat(PermissionChecks.barmanHome().check(context)).containsExactly(CheckResult.ok(
                "barman_home permissions", ""));
    }

    @Test
    void aMissingBarmanHomeIsLeftToTheDirectoriesCheck() throws IOException {
        Path home = folder.resolve("home");
        Server server = TestBarman.withServer(home).server("main");
        Files.delete(home.resolve("barman.conf"));
        Files.delete(home);

        assertThat(PermissionChecks.barmanHome().check(new CheckContext(server, Optional.empty()))).isEmpty();
    }
}
