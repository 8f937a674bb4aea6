package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.SchemaWatcher;
import io.slotway.api.watch.WatcherContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema-change watchers: activation, what they are told, what they add, and their errors; recorded routines. */
class WatchersTest extends CaptureFixture {

    /** Records what it is told and, like DMS's trigger, writes and deletes an audit row in the DDL's transaction. */
    static final class AuditWatcher implements SchemaWatcher {
        final List<SchemaChange> told = new ArrayList<>();
        volatile boolean fail;

        @Override
        public void activate(WatcherContext context) throws PgException {
            context.execute("CREATE TABLE IF NOT EXISTS audit (k bigserial PRIMARY KEY, tag varchar(24), who text, txn text, q text)");
        }

        @Override
        public void schemaChanged(SchemaChange change, WatcherContext context) throws PgException {
            told.add(change);
            context.execute("INSERT INTO audit VALUES (default, $1, current_user, cast(txid_current() as varchar(16)), $2)",
                    change.commandTag(), change.query());
            List<List<String>> rows = context.execute("SELECT count(*) FROM audit");
            context.message("test.ddl", rows.get(0).get(0).getBytes(StandardCharsets.UTF_8));
            context.execute("DELETE FROM audit");
            if (fail) {
                throw new PgException("P0001", "watcher says no");
            }
        }
    }

    private AuditWatcher deploy() {
        AuditWatcher w = new AuditWatcher();
        source.watchers.added(w, "audit", "test.bundle", "1.2.3");
        return w;
    }

    @Test
    void aWatcherIsActivatedReportedAndToldOfEachSchemaChangeInItsOwnTransaction() throws Exception {
        run("CREATE TABLE before_watcher (id int PRIMARY KEY)");
        AuditWatcher w = deploy();
        assertThat(w.told).isEmpty(); // its own audit table is not reported to it
        assertThat(sink.messages).last().satisfies(m -> {
            assertThat(m.prefix()).isEqualTo(Watchers.PREFIX);
            assertThat(new String(m.content(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"event\":\"activated\",\"watcher\":\"audit\",\"bundle\":\"test.bundle\",\"version\":\"1.2.3\"}");
        });

        run("CREATE TABLE t (id int PRIMARY KEY, v text)");
        FakeSink.Tx tx = sink.last();
        assertThat(w.told).hasSize(1);
        SchemaChange c = w.told.get(0);
        assertThat(c.commandTag()).isEqualTo("CREATE TABLE");
        assertThat(c.statement()).isEqualTo("CREATE TABLE t (id int PRIMARY KEY, v text)");
        assertThat(c.xid()).isEqualTo(tx.xid);
        assertThat(c.currentSchema()).isEqualTo("public");
        assertThat(c.objects()).hasSize(1);
        assertThat(c.objects().get(0).before()).isNull();
        assertThat(c.objects().get(0).after().name()).isEqualTo("t");
        // the DDL's own transaction: schema change, then the watcher's insert, message and delete
        assertThat(tx.schemaChanges).hasSize(1);
        assertThat(tx.changes).hasSize(3);
        Change.Insert ins = (Change.Insert) tx.changes.get(0);
        assertThat(ins.relation().name()).isEqualTo("audit");
        assertThat(values(ins.newTuple()).subList(1, 4)).containsExactly("CREATE TABLE", context.user(), String.valueOf(tx.xid));
        assertThat(new String(((Change.Message) tx.changes.get(1)).content(), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(tx.changes.get(2)).isInstanceOf(Change.Delete.class);

        run("ALTER TABLE t ADD COLUMN w int");
        SchemaChange alter = w.told.get(1);
        assertThat(alter.commandTag()).isEqualTo("ALTER TABLE");
        assertThat(alter.objects().get(0).before().columns()).hasSize(2);
        assertThat(alter.objects().get(0).after().columns()).hasSize(3);
        run("CREATE TABLE t2 AS SELECT 1 AS x");
        assertThat(w.told.get(2).commandTag()).isEqualTo("CREATE TABLE AS");
        run("DROP TABLE t2");
        assertThat(w.told.get(3).objects().get(0).after()).isNull();
        assertThat(w.told.get(3).objects().get(0).before().name()).isEqualTo("t2");

        source.watchers.removed(w);
        assertThat(new String(sink.messages.get(sink.messages.size() - 1).content(), StandardCharsets.UTF_8)).contains("\"removed\"");
        run("CREATE TABLE after_watcher (id int)");
        assertThat(w.told).hasSize(4);
        assertThat(sink.last().changes).isEmpty();
    }

    @Test
    void aFailingWatcherFailsTheStatementButTheSchemaChangeIsStillLoggedWithoutItsRows() throws Exception {
        AuditWatcher w = deploy();
        w.fail = true;
        assertThatThrownBy(() -> run("CREATE TABLE t (id int)")).isInstanceOf(PgException.class).hasMessage("watcher says no");
        FakeSink.Tx tx = sink.last();
        assertThat(tx.schemaChanges).hasSize(1);
        assertThat(tx.changes).isEmpty();
        w.fail = false;
        run("SELECT count(*) FROM audit");
        assertThat(Sessions.run(session, "SELECT count(*) FROM audit").rows().get(0)[0]).isEqualTo(0L);
    }

    @Test
    void dmsSetupScriptIsRecordedWithPostgresChecks() throws Exception {
        run("CREATE TABLE public.awsdms_ddl_audit (c_key bigserial primary key, c_ddlqry text)");
        run("CREATE OR REPLACE FUNCTION public.awsdms_intercept_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER"
                + " AS $$ BEGIN delete from public.awsdms_ddl_audit; END; $$");
        run("CREATE EVENT TRIGGER awsdms_intercept_ddl ON ddl_command_end EXECUTE PROCEDURE public.awsdms_intercept_ddl()");
        run("grant all on public.awsdms_ddl_audit to public");
        run("grant all on public.awsdms_ddl_audit_c_key_seq to public");
        assertThat(Sessions.run(session, "SELECT evtname, evtevent, evtenabled FROM slotway_meta.event_triggers").rows())
                .containsExactly(new Object[] {"awsdms_intercept_ddl", "ddl_command_end", "O"});

        assertError("CREATE EVENT TRIGGER awsdms_intercept_ddl ON ddl_command_end EXECUTE FUNCTION public.awsdms_intercept_ddl()",
                "42710", "event trigger \"awsdms_intercept_ddl\" already exists");
        assertError("CREATE EVENT TRIGGER x ON ddl_command_middle EXECUTE FUNCTION awsdms_intercept_ddl()",
                "42601", "unrecognized event name \"ddl_command_middle\"");
        assertError("CREATE EVENT TRIGGER x ON ddl_command_end EXECUTE FUNCTION nope()", "42883", "function nope() does not exist");
        run("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        assertError("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "42723",
                "function \"f\" already exists with same argument types");
        assertError("CREATE EVENT TRIGGER x ON ddl_command_end EXECUTE FUNCTION f()", "42P17", "function f must return type event_trigger");
        assertError("CREATE FUNCTION g() RETURNS int LANGUAGE plperl AS 'x'", "42704", "language \"plperl\" does not exist");
        assertError("DROP FUNCTION awsdms_intercept_ddl()", "2BP01",
                "cannot drop function awsdms_intercept_ddl() because other objects depend on it");
        run("ALTER EVENT TRIGGER awsdms_intercept_ddl DISABLE");
        run("DROP EVENT TRIGGER awsdms_intercept_ddl");
        assertError("DROP EVENT TRIGGER awsdms_intercept_ddl", "42704", "event trigger \"awsdms_intercept_ddl\" does not exist");
        run("DROP EVENT TRIGGER IF EXISTS awsdms_intercept_ddl");
        run("DROP FUNCTION awsdms_intercept_ddl()");
        run("DROP FUNCTION IF EXISTS awsdms_intercept_ddl()");
        assertError("DROP FUNCTION awsdms_intercept_ddl()", "42883", "function awsdms_intercept_ddl() does not exist");
    }

    private void assertError(String sql, String state, String message) {
        assertThatThrownBy(() -> run(sql)).isInstanceOf(PgException.class)
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo(state))
                .hasMessage(message);
    }
}
