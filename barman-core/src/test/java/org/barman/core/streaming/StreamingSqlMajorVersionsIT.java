package org.barman.core.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.barman.api.BarmanException;
import org.barman.core.Barman;
import org.barman.core.Server;
import org.barman.core.check.CheckResult;
import org.barman.core.plugin.Plugins;
import org.barman.core.postgres.PostgresServer;
import org.barman.core.postgres.ReplicationConnections;
import org.barman.core.wal.WalSwitch;
import org.barman.testkit.PostgresCluster;
import org.barman.testkit.TempFolders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What streaming asks of PostgreSQL, on the oldest and the newest supported majors (15 runs in the other tests):
 * slots created, read and dropped, a switch and a forced one, the replication clients with Barman's receiver
 * recognised, and the streaming checks.
 */
class StreamingSqlMajorVersionsIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 18})
    void slotsSwitchesReplicationStatusAndChecksWork(int major) throws Exception {
        Path root = Files.createTempDirectory("barman-streaming-sql-it");
        try (PostgresCluster pg = PostgresCluster.builder().majorVersion(major).start()) {
            Path config = root.resolve("barman.conf");
            Files.writeString(config, "[barman]\nbarman_home = " + root.resolve("home") + "\nbarman_user = "
                    + System.getProperty("user.name") + "\n\n[main]\nconninfo = " + pg.conninfo() + "\n"
                    + "archiver = off\nstreaming_archiver = on\nslot_name = barman\n");
            Server server = Barman.load(config, Plugins.load()).server("main");
            WalStreaming streaming = server.streaming();

            assertThat(streaming.createSlot(false)).isEqualTo(ReplicationSlots.Creation.CREATED);
            assertThat(streaming.createSlot(true)).isEqualTo(ReplicationSlots.Creation.ALREADY_EXISTS);
            try (PostgresServer postgres = PostgresServer.connect(server.config())) {
                ReplicationSlots.Slot slot = streaming.slot(postgres).orElseThrow();
                assertThat(slot.physical()).isTrue();
                assertThat(slot.active()).isFalse();
                assertThat(slot.restartLsn()).as("WAL reserved at once").isNotNull();
            }

            pg.execute("CREATE TABLE t AS SELECT generate_series(1, 1000) AS i");
            WalSwitch walSwitch = server.walSwitch();
            assertThat(walSwitch.switchWal(false).closed()).isPresent();
            assertThat(walSwitch.switchWal(true).closed()).as("forced by a CHECKPOINT").isPresent();

            try (Connection replication = ReplicationConnections.open(server.config());
                    Statement statement = replication.createStatement();
                    ResultSet rows = statement.executeQuery("IDENTIFY_SYSTEM")) {
                assertThat(rows.next()).isTrue();
                ReplicationStatus status = server.replicationStatus(ReplicationStatus.Target.ALL);
                assertThat(status.currentLsn()).isNotNull();
                assertThat(status.clients()).singleElement().satisfies(client -> {
                    assertThat(client.applicationName()).isEqualTo("barman_receive_wal");
                    assertThat(client.barmanReceiver()).isTrue();
                    assertThat(client.clientAddress()).isEqualTo("127.0.0.1");
                });
                List<String> failed = server.check().failures().stream().map(CheckResult::name).toList();
                assertThat(failed).as("on PostgreSQL %d, with no receiver installed nor running", major)
                        .contains("replication slot", "pg_receivexlog", "receive-wal running")
                        .doesNotContain("PostgreSQL", "PostgreSQL streaming", "max_wal_senders", "wal_level",
                                "check");
            }

            streaming.dropSlot();
            assertThatThrownBy(streaming::dropSlot).isInstanceOf(BarmanException.class)
                    .hasMessage("replication slot 'barman' does not exist on server main");
        } finally {
            TempFolders.deleteRecursively(root);
        }
    }
}
