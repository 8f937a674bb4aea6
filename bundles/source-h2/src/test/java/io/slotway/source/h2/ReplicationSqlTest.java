package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.types.PgType;
import org.junit.jupiter.api.Test;

class ReplicationSqlTest extends CaptureFixture {

    static PgType[] types(Sessions.Outcome out) {
        return out.columns().stream().map(ColumnDescription::type).toArray(PgType[]::new);
    }

    @Test
    void pgCurrentWalLsnIsThePgLsnTheSinkReports() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT pg_current_wal_lsn()");
        assertThat(out.columns().get(0).name()).isEqualTo("pg_current_wal_lsn");
        assertThat(types(out)).containsExactly(PgType.PG_LSN);
        assertThat(out.rows().get(0)[0]).isEqualTo(Lsn.parse("0/16B3748").value());
        assertThat(types(Sessions.run(session, "SELECT pg_catalog.pg_current_wal_lsn() AS here"))).containsExactly(PgType.PG_LSN);
    }

    @Test
    void debeziumsWalPositionQueryIsThePgLsnOfAPrimary() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "select (case pg_is_in_recovery() when 't' then pg_last_wal_receive_lsn()"
                + " else pg_current_wal_lsn() end) AS pg_current_wal_lsn");
        assertThat(out.columns().get(0).name()).isEqualTo("pg_current_wal_lsn");
        assertThat(types(out)).containsExactly(PgType.PG_LSN);
        assertThat(out.rows().get(0)[0]).isEqualTo(Lsn.parse("0/16B3748").value());
        Sessions.Outcome txid = Sessions.run(session, "select (case pg_is_in_recovery() when 't' then 0 else txid_current() end)"
                + " AS pg_current_txid");
        assertThat(types(txid)).containsExactly(PgType.INT8);
        Sessions.Outcome plain = Sessions.run(session, "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()");
        assertThat(types(plain)).containsExactly(PgType.BOOL, PgType.PG_LSN);
        assertThat(plain.rows().get(0)).containsExactly(false, null);
    }

    @Test
    void walFunctionsWorkInATransactionThatImportedASnapshot() throws Exception {
        // Debezium asks for pg_current_wal_lsn() and txid_current() inside its snapshot transaction
        try (H2Snapshot exported = source.exportSnapshot(() -> Lsn.parse("0/1000"))) {
            session.begin(io.slotway.api.source.TransactionMode.DEFAULT);
            session.useSnapshot(exported);
            Sessions.Outcome out = Sessions.run(session, "select (case pg_is_in_recovery() when 't' then pg_last_wal_receive_lsn()"
                    + " else pg_current_wal_lsn() end) AS pg_current_wal_lsn");
            assertThat(out.rows().get(0)[0]).isEqualTo(Lsn.parse("0/16B3748").value());
            assertThat(types(Sessions.run(session, "select (case pg_is_in_recovery() when 't' then 0 else txid_current() end)")))
                    .containsExactly(PgType.INT8);
            session.commit();
        }
    }

    @Test
    void txidCurrentIsABigint() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT txid_current()");
        assertThat(types(out)).containsExactly(PgType.INT8);
        assertThat(out.columns().get(0).name()).isEqualTo("txid_current");
    }

    @Test
    void pgLogicalEmitMessageReturnsAPgLsn() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT pg_logical_emit_message(false, 'p', 'c')");
        assertThat(types(out)).containsExactly(PgType.PG_LSN);
        assertThat(out.rows().get(0)[0]).isEqualTo(42L);
    }

    @Test
    void creatingASlotFromFromGivesSlotNameAndLsnColumns() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT * FROM pg_create_logical_replication_slot('s', 'test_decoding')");
        assertThat(out.columns()).extracting(ColumnDescription::name).containsExactly("slot_name", "lsn");
        assertThat(types(out)).containsExactly(PgType.NAME, PgType.PG_LSN);
        assertThat(out.rows().get(0)).containsExactly("s", Lsn.parse("0/1A2B3C4").value());
        assertThat(functions.calls).containsExactly("create s test_decoding false false");
        assertThat(functions.contexts).containsExactly(context);
    }

    @Test
    void creatingASlotInTheSelectListGivesTheRecordAsPostgresPrintsIt() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT pg_create_logical_replication_slot('s', 'test_decoding', true)");
        assertThat(out.columns().get(0).name()).isEqualTo("pg_create_logical_replication_slot");
        assertThat(types(out)).containsExactly(PgType.RECORD);
        assertThat(out.rows().get(0)[0]).isEqualTo("(s,0/1A2B3C4)");
        assertThat(functions.calls).containsExactly("create s test_decoding true false");
    }

    @Test
    void getChangesPassesTheVariadicOptionsAndTypesItsColumns() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL, 'include-xids', '0')");
        assertThat(out.columns()).extracting(ColumnDescription::name).containsExactly("lsn", "xid", "data");
        assertThat(types(out)).containsExactly(PgType.PG_LSN, PgType.XID, PgType.TEXT);
        assertThat(out.rows()).hasSize(2);
        assertThat(out.rows().get(1)).containsExactly(Lsn.parse("0/200").value(), 944L, "COMMIT 944");
        assertThat(functions.calls).containsExactly("changes s null null false false [include-xids, 0]");
        Sessions.Outcome data = Sessions.run(session, "SELECT data FROM pg_logical_slot_peek_changes('s', '0/300', 10)");
        assertThat(types(data)).containsExactly(PgType.TEXT);
        assertThat(functions.calls.get(1)).isEqualTo("changes s 0/300 10 true false []");
    }

    @Test
    void binaryChangesHaveByteaData() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT lsn, xid, data FROM pg_logical_slot_peek_binary_changes('s', NULL, NULL)");
        assertThat(types(out)).containsExactly(PgType.PG_LSN, PgType.XID, PgType.BYTEA);
        assertThat((byte[]) out.rows().get(0)[2]).containsExactly('B', 'E');
        Sessions.run(session, "SELECT * FROM pg_logical_slot_get_binary_changes('s', NULL, NULL)");
        assertThat(functions.calls.get(1)).startsWith("changes s null null false true");
    }

    @Test
    void droppingAndAdvancingASlotCallCore() throws Exception {
        Sessions.Outcome drop = Sessions.run(session, "SELECT pg_drop_replication_slot('s')");
        assertThat(types(drop)).containsExactly(PgType.VOID);
        Sessions.Outcome adv = Sessions.run(session, "SELECT * FROM pg_replication_slot_advance('s', '0/500')");
        assertThat(types(adv)).containsExactly(PgType.NAME, PgType.PG_LSN);
        assertThat(adv.rows().get(0)).containsExactly("s", Lsn.parse("0/500").value());
        assertThat(functions.calls).containsExactly("drop s", "advance s 0/500");
    }

    @Test
    void pgReplicationSlotsListsCoresSlotsWithPostgresTypes() throws Exception {
        for (String sql : new String[] {"SELECT * FROM pg_replication_slots", "SELECT * FROM pg_catalog.pg_replication_slots"}) {
            Sessions.Outcome out = Sessions.run(session, sql);
            assertThat(out.columns()).extracting(ColumnDescription::name).containsExactly("slot_name", "plugin", "slot_type", "datoid",
                    "database", "temporary", "active", "active_pid", "xmin", "catalog_xmin", "restart_lsn", "confirmed_flush_lsn",
                    "wal_status", "safe_wal_size", "two_phase");
            assertThat(types(out)).containsExactly(PgType.NAME, PgType.NAME, PgType.TEXT, PgType.OID, PgType.NAME, PgType.BOOL,
                    PgType.BOOL, PgType.INT4, PgType.XID, PgType.XID, PgType.PG_LSN, PgType.PG_LSN, PgType.TEXT, PgType.INT8, PgType.BOOL);
            assertThat(out.rows().get(0)[0]).isEqualTo("s");
            assertThat(out.rows().get(0)[10]).isEqualTo(Lsn.parse("0/100").value());
        }
        Sessions.Outcome some = Sessions.run(session, "SELECT slot_name, confirmed_flush_lsn FROM pg_replication_slots WHERE plugin = 'test_decoding'");
        assertThat(types(some)).containsExactly(PgType.NAME, PgType.PG_LSN);
        assertThat(some.rows()).hasSize(1);
    }

    @Test
    void coresErrorsReachTheClientAsPostgresWordsThem() {
        assertThatThrownBy(() -> Sessions.run(session, "SELECT * FROM pg_create_logical_replication_slot('dup', 'test_decoding')"))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo("42710");
                    assertThat(e.getMessage()).isEqualTo("replication slot \"dup\" already exists");
                });
    }

    @Test
    void withoutCoresReplicationServiceTheFunctionsFailWithObjectNotInPrerequisiteState() throws Exception {
        session.close();
        source.stop();
        source = new H2Source();
        source.start(dir, sink, null);
        session = source.openSession(context);
        assertThatThrownBy(() -> Sessions.run(session, "SELECT * FROM pg_create_logical_replication_slot('s', 'test_decoding')"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo("55000"));
        assertThatThrownBy(() -> Sessions.run(session, "SELECT * FROM pg_replication_slots"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo("55000"));
    }
}
