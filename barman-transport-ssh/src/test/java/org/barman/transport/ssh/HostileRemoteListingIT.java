package org.barman.transport.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.barman.api.BackupInfo;
import org.barman.api.BackupStatus;
import org.barman.api.BarmanException;
import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.backup.BackupOptions;
import org.barman.core.plugin.Plugins;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.transport.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a compromised PostgreSQL host can answer {@code transport = ssh}: its {@code find} and {@code tar} are
 * replaced by scripts first on the PATH of the remote session ({@link SshServer#startWithFakeCommands()}) that
 * list entries naming places outside the copied folder, or send a tar stream that does. Every such entry must be
 * refused with an error naming it, and nothing outside the copy's destination may change: each test plants a
 * canary folder beside the destination and compares it before and after.
 */
class HostileRemoteListingIT {

    private static final String TIME = "1700000000.5000000000";
    /** From {@code <folder>/local/base/1/data} up to {@code <folder>}. */
    private static final String UP_TO_WORKSPACE = "../../../../";

    private static SshServer sshd;

    @TempDir
    Path folder;

    private Path source;
    private Path target;
    private Path outside;
    private TreeSnapshot outsideBefore;

    @BeforeAll
    static void startSshd() {
        sshd = SshServer.startWithFakeCommands();
    }

    @AfterAll
    static void stopSshd() {
        sshd.close();
    }

    @BeforeEach
    void plantCanary() throws IOException {
        source = Files.createDirectories(folder.resolve("remote/pgdata"));
        Files.writeString(source.resolve("PG_VERSION"), "15\n");
        PostgresCluster.grantToClusterUser(folder.resolve("remote"));
        target = folder.resolve("local/base/1/data");
        Files.createDirectories(target.getParent());
        outside = Files.createDirectories(folder.resolve("outside"));
        Files.writeString(outside.resolve("canary"), "precious\n");
        Files.setPosixFilePermissions(outside.resolve("canary"), PosixFilePermissions.fromString("rw-r-----"));
        Files.createDirectories(outside.resolve("nest"));
        Files.writeString(outside.resolve("nest/egg"), "precious too\n");
        for (Path path : List.of(outside.resolve("canary"), outside.resolve("nest/egg"), outside.resolve("nest"),
                outside)) {
            Files.setLastModifiedTime(path, FileTime.from(Instant.parse("2020-02-02T02:02:02Z")));
        }
        outsideBefore = TreeSnapshot.of(outside);
    }

    @AfterEach
    void removeFakes() {
        sshd.removeFakeCommand("find");
        sshd.removeFakeCommand("tar");
        sshd.removeFakeCommand("listing");
        sshd.removeFakeCommand("stream.tar");
    }

    // ---- the listing

    @Test
    void aFolderEntryWithDotDotIsRefused() throws IOException {
        remoteFindLists(root(), folder(UP_TO_WORKSPACE + "outside"));

        assertThat(pullFails()).hasMessageContaining("'" + UP_TO_WORKSPACE + "outside'")
                .hasMessageContaining("'..'");
        assertOutsideUntouched();
    }

    @Test
    void anAbsoluteFolderEntryIsRefused() throws IOException {
        remoteFindLists(root(), folder(outside.toString()));

        assertThat(pullFails()).hasMessageContaining("'" + outside + "'").hasMessageContaining("absolute");
        assertOutsideUntouched();
    }

    @Test
    void anAbsoluteFileEntryIsRefused() throws IOException {
        remoteFindLists(root(), file(outside.resolve("canary").toString(), 8));
        remoteTarSends(tarFile(outside.resolve("canary").toString(), "tampered"));

        assertThat(pullFails()).hasMessageContaining("'" + outside.resolve("canary") + "'")
                .hasMessageContaining("absolute");
        assertOutsideUntouched();
    }

    @Test
    void anEmptyEntryOtherThanTheRootIsRefused() throws IOException {
        remoteFindLists(root(), link("", outside.toString()), file("canary", 8));
        remoteTarSends(tarFile("./canary", "tampered"));

        assertThat(pullFails()).hasMessageContaining("''").hasMessageContaining("empty");
        assertOutsideUntouched();
    }

    @Test
    void aFileEntryThroughALinkOfTheListingIsRefused() throws IOException {
        remoteFindLists(root(), link("x", outside.toString()), file("x/canary", 8));
        remoteTarSends(tarFile("./x/canary", "tampered"));

        assertThat(pullFails()).hasMessageContaining("'x/canary'").hasMessageContaining("'x'")
                .hasMessageContaining("link");
        assertOutsideUntouched();
    }

    @Test
    void aFolderEntryThroughALinkOfTheListingIsRefused() throws IOException {
        remoteFindLists(root(), link("x", outside.toString()), folder("x/planted"));

        assertThat(pullFails()).hasMessageContaining("'x/planted'").hasMessageContaining("link");
        assertOutsideUntouched();
    }

    @Test
    void anEntryWhoseParentIsNotInTheListingIsRefused() throws IOException {
        remoteFindLists(root(), file("x/y/canary", 8));
        remoteTarSends(tarFile("./x/y/canary", "tampered"));

        assertThat(pullFails()).hasMessageContaining("'x/y/canary'").hasMessageContaining("'x/y'");
        assertOutsideUntouched();
    }

    @Test
    void anEntryListedTwiceIsRefused() throws IOException {
        remoteFindLists(root(), folder("x"), link("x", outside.toString()), file("x/canary", 8));
        remoteTarSends(tarFile("./x/canary", "tampered"));

        assertThat(pullFails()).hasMessageContaining("'x'").hasMessageContaining("twice");
        assertOutsideUntouched();
    }

    @Test
    void aRetryIntoADestinationHoldingALinkNeverWritesThroughIt() throws IOException {
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("x"), outside);
        remoteFindLists(root(), folder("x"), file("x/canary", 8));
        remoteTarSends(tarFile("./x/canary", "replaced"));

        try (Transport transport = transport()) {
            transport.pull(CopyJob.of(source.toString(), target), CopyListener.NONE);
        }

        assertThat(target.resolve("x")).isDirectory();
        assertThat(target.resolve("x/canary")).hasContent("replaced");
        assertOutsideUntouched();
    }

    // ---- the tar streams

    @Test
    void aTarStreamEntryThatWasNotAskedForIsRefused() throws IOException {
        remoteFindLists(root(), file("PG_VERSION", 3));
        remoteTarSends(tarFile("./PG_VERSION", "15\n"), tarFile("./" + UP_TO_WORKSPACE + "outside/canary",
                "tampered"));

        assertThat(pullFails()).hasMessageContaining("'" + UP_TO_WORKSPACE + "outside/canary'");
        assertOutsideUntouched();
    }

    @Test
    void aTarStreamEntryThroughALinkIsRefused() throws IOException {
        remoteFindLists(root(), folder("x"), file("x/canary", 8));
        remoteTarSends(tarLink("./x", TarConstants.LF_SYMLINK, outside.toString()), tarFile("./x/canary",
                "tampered"));

        assertThat(pullFails()).hasMessageContaining("'x'");
        assertOutsideUntouched();
    }

    @Test
    void aHardLinkInTheTarStreamIsRefused() throws IOException {
        remoteFindLists(root(), file("PG_VERSION", 3));
        remoteTarSends(tarLink("./PG_VERSION", TarConstants.LF_LINK, outside.resolve("canary").toString()));

        assertThat(pullFails()).hasMessageContaining("'PG_VERSION'").hasMessageContaining("hard link");
        assertOutsideUntouched();
        assertThat(target.resolve("PG_VERSION")).doesNotExist();
    }

    // ---- a push: the listing of its destination

    @Test
    void aPushRefusesADestinationListingWithDotDot() throws IOException {
        Path backup = Files.createDirectories(folder.resolve("local/backup"));
        Files.writeString(backup.resolve("PG_VERSION"), "15\n");
        Path destination = Files.createDirectories(folder.resolve("remote/recovered"));
        Path remoteCanary = Files.writeString(folder.resolve("remote/canary"), "precious\n");
        PostgresCluster.grantToClusterUser(folder.resolve("remote"));
        remoteFindLists(root(), folder("../canary"));

        try (Transport transport = transport()) {
            assertThatThrownBy(() -> transport.push(CopyJob.of(destination.toString(), backup), CopyListener.NONE))
                    .isInstanceOf(BarmanException.class).hasMessageContaining("'../canary'")
                    .hasMessageContaining("'..'");
        }
        assertThat(remoteCanary).hasContent("precious\n");
    }

    // ---- a real backup

    @Test
    void aBackupWhoseHostListsAnEntryOutsidePgdataEndsFailedNamingIt() throws Exception {
        Path root = Files.createDirectories(folder.resolve("backup"));
        Path incoming = Files.createDirectories(root.resolve("home/main/incoming"));
        PostgresCluster.grantToClusterUser(root);
        try (PostgresCluster pg = PostgresCluster.builder().setting("archive_mode", "on")
                .setting("archive_command", "cp %p " + incoming + "/%f").start()) {
            // from <folder>/backup/home/main/base/<id>/data, six folders up: <folder>
            String hostile = "../".repeat(6) + "outside";
            sshd.fakeCommand("find", "#!/bin/sh\n/usr/bin/find \"$@\"\nstatus=$?\n"
                    + "if [ \"$PWD\" = '" + pg.dataDirectory() + "' ]; then printf 'd 700 4096 " + TIME + " "
                    + hostile + "\\000\\000'; fi\nexit $status\n");
            Path config = root.resolve("barman.conf");
            Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                    + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo()
                    + "\nssh_command = " + sshd.sshCommand("postgres") + "\ntransport = ssh\n");
            Server server = Barman.load(config, Plugins.load()).server("main");

            assertThatThrownBy(() -> server.takeBackup(new BackupOptions(Optional.of(true), Optional.empty(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1)), CopyListener.NONE))
                    .isInstanceOf(BarmanException.class).hasMessageContaining("'" + hostile + "'");

            List<BackupInfo> backups = server.catalog().oldestFirst();
            assertThat(backups).hasSize(1);
            assertThat(backups.get(0).status()).isEqualTo(BackupStatus.FAILED);
            assertThat(backups.get(0).error()).contains("'" + hostile + "'");
        }
        assertOutsideUntouched();
    }

    // ---- helpers

    private static Transport transport() {
        return new SshTransportProvider().create(PluginOptions.of(Map.of("ssh_command",
                sshd.sshCommand("postgres"))));
    }

    private BarmanException pullFails() {
        try (Transport transport = transport()) {
            Throwable thrown = catchThrowable(
                    () -> transport.pull(CopyJob.of(source.toString(), target), CopyListener.NONE));
            assertThat(thrown).as("the pull of a hostile listing").isInstanceOf(BarmanException.class);
            return (BarmanException) thrown;
        }
    }

    private void assertOutsideUntouched() throws IOException {
        TreeSnapshot.assertSame(outsideBefore, TreeSnapshot.of(outside), "the folder beside the destination");
    }

    /** One entry as {@code find -printf '%y %m %s %T@ %P\0%l\0'} prints it. */
    private static String root() {
        return folder("");
    }

    private static String folder(String path) {
        return "d 755 4096 " + TIME + " " + path + "\0\0";
    }

    private static String file(String path, long size) {
        return "f 644 " + size + " " + TIME + " " + path + "\0\0";
    }

    private static String link(String path, String linkTarget) {
        return "l 777 " + linkTarget.length() + " " + TIME + " " + path + "\0" + linkTarget + "\0";
    }

    /** The remote {@code find} prints these entries, whatever it is asked. */
    private static void remoteFindLists(String... entries) throws IOException {
        Path listing = sshd.fakeCommands().resolve("listing");
        Files.writeString(listing, String.join("", entries), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(listing, PosixFilePermissions.fromString("rw-r--r--"));
        sshd.fakeCommand("find", "#!/bin/sh\nexec cat '" + listing + "'\n");
    }

    /** One entry of a crafted tar stream and its content. */
    private record TarItem(TarArchiveEntry entry, byte[] content) {
    }

    private static TarItem tarFile(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(bytes.length);
        entry.setMode(0100644);
        return new TarItem(entry, bytes);
    }

    private static TarItem tarLink(String name, byte type, String linkTarget) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setLinkName(linkTarget);
        return new TarItem(entry, new byte[0]);
    }

    /** The remote {@code tar} sends these entries, whatever it is asked. */
    private static void remoteTarSends(TarItem... items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            for (TarItem item : items) {
                out.putArchiveEntry(item.entry());
                out.write(item.content());
                out.closeArchiveEntry();
            }
        }
        Path stream = sshd.fakeCommands().resolve("stream.tar");
        Files.write(stream, bytes.toByteArray());
        Files.setPosixFilePermissions(stream, PosixFilePermissions.fromString("rw-r--r--"));
        sshd.fakeCommand("tar", "#!/bin/sh\ncat >/dev/null\nexec cat '" + stream + "'\n");
    }
}
