package org.barman.core.check;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.barman.core.config.ConfigOptions;

/** Who else may read what Barman keeps: backups and WAL hold every row of every database. */
public final class PermissionChecks {

    private static final String NAME = "barman_home permissions";
    private static final Set<PosixFilePermission> READ_OR_ENTER = Set.of(GROUP_READ, GROUP_EXECUTE, OTHERS_READ,
            OTHERS_EXECUTE);

    private PermissionChecks() {
    }

    /**
     * @return {@code barman_home} is closed to group and other users (no item when it does not exist: the
     *     directories item reports that)
     */
    public static ServerCheck barmanHome() {
        return context -> {
            Path home = context.server().config().get(ConfigOptions.BARMAN_HOME);
            Set<PosixFilePermission> mode;
            try {
                mode = Files.getPosixFilePermissions(home);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                return List.of(CheckResult.failed(NAME, "cannot read the permissions of " + home + ": "
                        + e.getMessage()));
            }
            if (Collections.disjoint(mode, READ_OR_ENTER)) {
                return List.of(CheckResult.ok(NAME, ""));
            }
            return List.of(CheckResult.failed(NAME, home + " is " + PosixFilePermissions.toString(mode)
                    + ": group and other users can read or enter it, and reach every backup and WAL file it holds: "
                    + "chmod 700 " + home));
        };
    }
}
