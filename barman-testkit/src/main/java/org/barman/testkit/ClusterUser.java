package org.barman.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operating-system user that runs PostgreSQL: {@code postgres} when the JVM runs as root (PostgreSQL
 * refuses root), otherwise the JVM's own user. Commands for it are prefixed with {@code setpriv}, which
 * switches user and then executes the command in the same process, so that the JVM's {@link Process} is the
 * program itself (its pid, exit code and signals), not a wrapper such as {@code runuser}.
 */
final class ClusterUser {

    static final String POSTGRES = "postgres";

    private ClusterUser() {
    }

    static boolean jvmIsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static String name() {
        return jvmIsRoot() ? POSTGRES : System.getProperty("user.name");
    }

    /** @return the command, run as the cluster user */
    static List<String> command(List<String> command) {
        if (!jvmIsRoot()) {
            return List.copyOf(command);
        }
        List<String> full = new ArrayList<>(List.of(
                "setpriv", "--reuid=" + POSTGRES, "--regid=" + POSTGRES, "--init-groups", "--"));
        full.addAll(command);
        return full;
    }

    /**
     * @return the environment for the cluster user's programs: the JVM's, without the libpq and server
     *         variables (PGDATA, PGPORT...) that would redirect them, with the user's HOME and names
     */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(key -> key.startsWith("PG") || key.startsWith("LC_") || key.equals("LANG"));
        env.put("LC_ALL", "C");
        if (jvmIsRoot()) {
            env.put("HOME", homeOf(POSTGRES));
            env.put("USER", POSTGRES);
            env.put("LOGNAME", POSTGRES);
        }
        return env;
    }

    static String homeOf(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 6 && fields[0].equals(user)) {
                    return fields[5];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /etc/passwd: " + e.getMessage(), e);
        }
        throw new IllegalStateException("OS user " + user + " does not exist (is the postgresql package installed?)");
    }

    /**
     * Gives a folder (recursively) to the cluster user and makes sure that user can reach it.
     *
     * @see PostgresCluster#grantToClusterUser(Path)
     */
    static void grant(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute) && !Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("cannot grant " + absolute + " to the cluster user: it does not exist");
        }
        if (!jvmIsRoot()) {
            return;
        }
        chownRecursively(absolute, POSTGRES);
        makeReachable(absolute);
    }

    static void chownRecursively(Path root, String user) {
        try {
            UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(primaryGroupOf(user));
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    chown(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    chown(file);
                    return FileVisitResult.CONTINUE;
                }

                private void chown(Path file) throws IOException {
                    PosixFileAttributeView view = Files.getFileAttributeView(
                            file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(owner);
                    view.setGroup(group);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + root + " to OS user " + user + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds the search (x) permission for others on the folders above {@code path} that lack it when they are
     * temporary folders of the tests (under java.io.tmpdir, such as JUnit's {@code @TempDir}); fails with a
     * clear message for any other folder the cluster user cannot pass.
     */
    static void makeReachable(Path path) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        for (Path folder = path.getParent(); folder != null; folder = folder.getParent()) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
                if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)
                        || Files.getOwner(folder).getName().equals(POSTGRES)) {
                    continue;
                }
                if (folder.startsWith(tmp) && !folder.equals(tmp)) {
                    permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(folder, permissions);
                    continue;
                }
                throw new IllegalStateException("OS user " + POSTGRES + " cannot reach " + path + " because "
                        + folder + " is not searchable by others; create the test's folders under " + tmp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check the permissions of " + folder + ": " + e.getMessage(), e);
            }
        }
    }

    private static String primaryGroupOf(String user) throws IOException {
        String gid = null;
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && fields[0].equals(user)) {
                gid = fields[3];
            }
        }
        if (gid == null) {
            throw new IllegalStateException("OS user " + user + " does not exist");
        }
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && fields[2].equals(gid)) {
                return fields[0];
            }
        }
        throw new IllegalStateException("group " + gid + " of OS user " + user + " does not exist");
    }
}
