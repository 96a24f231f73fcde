/**
 * Test-only helpers that start the real things Barman talks to, on loopback, and always clean them up.
 *
 * <ul>
 *   <li>{@link org.barman.testkit.PostgresCluster}: a real PostgreSQL server (13 to 18) in a temporary
 *       folder on a free port, run as the OS user {@code postgres} when the tests run as root; also starts
 *       PostgreSQL on an existing data folder, such as a recovered backup.</li>
 *   <li>{@link org.barman.testkit.PostgresExtension}: the same as a JUnit 5 extension, per class or per
 *       method.</li>
 *   <li>{@link org.barman.testkit.PostgresBinaries}: where each major's binaries come from (Debian's
 *       packages, or the server binaries Maven Central ships).</li>
 *   <li>{@link org.barman.testkit.SshServer}: a real OpenSSH {@code sshd} with throw-away keys.</li>
 *   <li>{@link org.barman.testkit.FailingFileSystem}: a real ext4 (loop device on a small tmpfs) whose data writes
 *       fail on their way to the disk, for the handling of fsync errors.</li>
 *   <li>{@link org.barman.testkit.SmallFileSystem}: a tmpfs of a few megabytes, whose writes fail with "No space
 *       left on device" once it is full.</li>
 *   <li>{@link org.barman.testkit.TempFolders}: removes a test's work folder and everything in it.</li>
 * </ul>
 *
 * <p>Nothing here is mocked: these classes run {@code initdb}, {@code postgres} and {@code sshd}. A JVM
 * shutdown hook stops whatever a crashed test run did not close.
 */
package org.barman.testkit;
