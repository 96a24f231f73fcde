package org.barman.transport.rsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.barman.api.CopyJob;
import org.barman.api.CopyListener;
import org.barman.api.PluginOptions;
import org.barman.api.Transport;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.SshServer;
import org.barman.testkit.transport.SampleTree;
import org.barman.testkit.transport.TreeSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compromised PostgreSQL host answering the rsync transport with the real rsync, but not with the folder asked
 * for: its {@code rsync} is a script first on the PATH of the remote session that serves one tree to the listing
 * ({@code --list-only}: {@code x} a folder holding {@code x/authorized_keys}) and another to the copies ({@code x} a
 * link to a folder of the backup host). The rsync of the backup host refuses what would leave the destination
 * itself (absolute names, {@code ..}: "ABORTING due to unsafe pathname from sender"), so the names stay relative;
 * what this checks is that neither the folders this transport creates from the listing nor the copies ever write
 * through the link: the folder it points to (readable by the remote user, so that the remote rsync follows the
 * link to read {@code x/authorized_keys} for a parallel group) is compared before and after.
 */
class HostileRemoteRsyncIT {

    private static SshServer sshd;

    @TempDir
    Path workspace;

    private Path asked;
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
    void hostileHost() throws IOException {
        outside = SampleTree.at(workspace.resolve("outside"), 1)
                .file("authorized_keys", "ssh-ed25519 AAAA the backup host's own key\n", "rw-------")
                .file("canary", "precious\n", "rw-r-----")
                .seal().root();
        PostgresCluster.grantToClusterUser(outside);
        outsideBefore = TreeSnapshot.of(outside);
        asked = SampleTree.at(workspace.resolve("remote/pgdata"), 2).file("PG_VERSION", "15\n", "rw-------")
                .seal().root();
        Path listed = SampleTree.at(workspace.resolve("remote/listed"), 3)
                .file("PG_VERSION", "15\n", "rw-------")
                .folder("x", "rwx------")
                .file("x/authorized_keys", "ssh-ed25519 AAAA the attacker's key\n", "rw-------")
                .seal().root();
        Path copied = SampleTree.at(workspace.resolve("remote/copied"), 4)
                .file("PG_VERSION", "15\n", "rw-------")
                .link("x", outside.toString())
                .seal().root();
        PostgresCluster.grantToClusterUser(workspace.resolve("remote"));
        sshd.fakeCommand("rsync", "#!/bin/bash\n"
                + "args=(\"$@\")\n"
                + "tree='" + copied + "/'\n"
                + "for a in \"$@\"; do [[ $a == --list-only ]] && tree='" + listed + "/'; done\n"
                + "args[$# - 1]=\"$tree\"\n"
                + "PATH=${PATH#*:} exec rsync \"${args[@]}\"\n");
    }

    /**
     * With parallel jobs this transport creates the listed folders itself, {@code x} among them; a group copies
     * {@code x/authorized_keys} into that folder (the remote rsync reads it through its own link), and the last pass,
     * which leaves what exists alone, keeps the folder.
     */
    @Test
    void aHostWhoseListingAndCopiesDifferNeverGetsAWriteThroughALinkWithParallelJobs() throws IOException {
        Path destination = pull(2);

        TreeSnapshot.assertSame(outsideBefore, TreeSnapshot.of(outside), "the folder the hostile link points to");
        assertThat(destination.resolve("x")).as("x, the folder this transport made from the listing")
                .isDirectory();
        assertThat(Files.isSymbolicLink(destination.resolve("x"))).isFalse();
    }

    /** With one job the copy follows the copies' tree only: {@code x} is copied as the link it is there. */
    @Test
    void aHostWhoseListingAndCopyDifferNeverGetsAWriteThroughALinkWithOneJob() throws IOException {
        Path destination = pull(1);

        TreeSnapshot.assertSame(outsideBefore, TreeSnapshot.of(outside), "the folder the hostile link points to");
        assertThat(Files.readSymbolicLink(destination.resolve("x"))).as("x, copied as the link the copy saw")
                .isEqualTo(outside);
    }

    private Path pull(int parallelJobs) {
        Path destination = workspace.resolve("local/base/1/data");
        try (Transport transport = new RsyncTransportProvider().create(PluginOptions.of(Map.of("ssh_command",
                sshd.sshCommand("postgres"), "parallel_jobs", Integer.toString(parallelJobs))))) {
            transport.pull(CopyJob.of(asked.toString(), destination), CopyListener.NONE);
        }
        return destination;
    }
}
