package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import org.junit.jupiter.api.Test;

class ReplicationCommandTest {

    @Test
    void parsesWhatPgRecvlogicalSends() throws PgException {
        assertThat(ReplicationCommand.parse("IDENTIFY_SYSTEM")).isInstanceOf(ReplicationCommand.IdentifySystem.class);
        var create = (ReplicationCommand.CreateSlot) ReplicationCommand.parse(
                "CREATE_REPLICATION_SLOT \"rl_slot2\" LOGICAL \"wal2json\" ( TWO_PHASE,  SNAPSHOT 'nothing')");
        assertThat(create.name()).isEqualTo("rl_slot2");
        assertThat(create.plugin()).isEqualTo("wal2json");
        assertThat(create.twoPhase()).isTrue();
        assertThat(create.snapshot()).isEqualTo("nothing");
        var start = (ReplicationCommand.StartReplication) ReplicationCommand.parse(
                "START_REPLICATION SLOT \"rl_slot\" LOGICAL 0/1956C20 (\"include-xids\" '0', \"skip-empty-xacts\" '1')");
        assertThat(start.slot()).isEqualTo("rl_slot");
        assertThat(start.physical()).isFalse();
        assertThat(start.start()).isEqualTo(Lsn.parse("0/1956C20"));
        assertThat(start.options()).containsExactly(java.util.Map.entry("include-xids", "0"),
                java.util.Map.entry("skip-empty-xacts", "1"));
        var drop = (ReplicationCommand.DropSlot) ReplicationCommand.parse("DROP_REPLICATION_SLOT \"sub1\" WAIT");
        assertThat(drop.waitForRelease()).isTrue();
    }

    @Test
    void parsesTheLegacySyntaxPgjdbcAndDebeziumSend() throws PgException {
        var create = (ReplicationCommand.CreateSlot) ReplicationCommand.parse("CREATE_REPLICATION_SLOT jdbc_pgoutput  LOGICAL pgoutput");
        assertThat(create.snapshot()).isEqualTo("export");
        assertThat(create.temporary()).isFalse();
        var tmp = (ReplicationCommand.CreateSlot) ReplicationCommand.parse(
                "CREATE_REPLICATION_SLOT s TEMPORARY LOGICAL test_decoding NOEXPORT_SNAPSHOT");
        assertThat(tmp.temporary()).isTrue();
        assertThat(tmp.snapshot()).isEqualTo("nothing");
        var start = (ReplicationCommand.StartReplication) ReplicationCommand.parse(
                "START_REPLICATION SLOT jdbc_pgoutput LOGICAL 0/0 (\"proto_version\" '1', \"publication_names\" 'pub_all')");
        assertThat(start.start().isValid()).isFalse();
        assertThat(start.options()).containsEntry("publication_names", "pub_all");
    }

    @Test
    void foldsUnquotedNamesAndKeepsQuotedOnes() throws PgException {
        var a = (ReplicationCommand.DropSlot) ReplicationCommand.parse("DROP_REPLICATION_SLOT MySlot");
        assertThat(a.name()).isEqualTo("myslot");
        var b = (ReplicationCommand.DropSlot) ReplicationCommand.parse("drop_replication_slot \"MySlot\";");
        assertThat(b.name()).isEqualTo("MySlot");
    }

    @Test
    void showsDottedParameterNames() throws PgException {
        assertThat(((ReplicationCommand.Show) ReplicationCommand.parse("SHOW my.option")).name()).isEqualTo("my.option");
        assertThat(((ReplicationCommand.Show) ReplicationCommand.parse("SHOW data_directory_mode")).name())
                .isEqualTo("data_directory_mode");
    }

    @Test
    void recognisesReplicationCommandsByTheirFirstWord() {
        assertThat(ReplicationCommand.isReplicationCommand("  identify_system")).isTrue();
        assertThat(ReplicationCommand.isReplicationCommand("SELECT 1")).isFalse();
        assertThat(ReplicationCommand.isReplicationCommand("START_REPLICATION SLOT s LOGICAL 0/0")).isTrue();
    }

    @Test
    void refusesAnUnknownSnapshotActionAsAnInvalidParameterValue() {
        assertThatThrownBy(() -> ReplicationCommand.parse("CREATE_REPLICATION_SLOT s LOGICAL p (SNAPSHOT 'bogus')"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"));
    }

    @Test
    void reportsSyntaxErrorsAsPostgresDoes() {
        for (String bad : new String[] {"CREATE_REPLICATION_SLOT", "START_REPLICATION SLOT s LOGICAL", "IDENTIFY_SYSTEM x",
                "DROP_REPLICATION_SLOT s NOW"}) {
            assertThatThrownBy(() -> ReplicationCommand.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo("42601"));
        }
    }
}
