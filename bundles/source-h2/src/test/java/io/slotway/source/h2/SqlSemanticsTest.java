package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.types.PgArray;
import io.slotway.api.types.PgInterval;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlSemanticsTest extends SourceFixture {
    private Sessions.Outcome run(String sql, Object... params) throws PgException {
        return Sessions.run(session, sql, params);
    }

    private String text(Sessions.Outcome out, int row, int col) {
        Object v = out.rows().get(row)[col];
        return v == null ? null : PgValues.toText(out.columns().get(col).type(), v, SessionFormat.DEFAULT);
    }

    @Test
    void serialColumnsAndSequenceFunctionsBehaveAsInPostgres() throws Exception {
        run("CREATE TABLE s (id serial PRIMARY KEY, big bigserial, v text)");
        assertThat(run("INSERT INTO s (v) VALUES ('a'), ('b') RETURNING id, big").rows())
                .containsExactly(new Object[] {1, 1L}, new Object[] {2, 2L});
        assertThat(run("CREATE SEQUENCE q START WITH 10 INCREMENT BY 5").tag()).isEqualTo("CREATE SEQUENCE");
        assertThat(run("SELECT nextval('q')").rows().get(0)[0]).isEqualTo(10L);
        assertThat(run("SELECT currval('q')").rows().get(0)[0]).isEqualTo(10L);
        assertThat(run("SELECT setval('q', 100)").rows().get(0)[0]).isEqualTo(100L);
        assertThat(run("SELECT nextval('q')").rows().get(0)[0]).isEqualTo(105L);
        run("CREATE TABLE d (id bigint DEFAULT nextval('q'), v text)");
        run("INSERT INTO d (v) VALUES ('x')");
        assertThat(run("SELECT id FROM d").rows().get(0)[0]).isEqualTo(110L);
        assertThat(run("DROP TABLE s").tag()).isEqualTo("DROP TABLE");
        assertThat(run("SELECT count(*) FROM information_schema.sequences WHERE sequence_name = 's_id_seq'").rows().get(0)[0])
                .isEqualTo(0L);
    }

    @Test
    void literalsAreReadWithTheDeclaredTypeInWritesAndComparisons() throws Exception {
        run("CREATE TABLE v (id int PRIMARY KEY, n numeric(5,2), ts timestamptz, iv interval, j jsonb, a int[], b bytea, c char(4))");
        run("INSERT INTO v VALUES (1, '1.005', 'infinity', '1 year 2 mons', '{\"b\": 2, \"a\": 1}', '{1,2,3}', '\\xdeadbeef', 'ab')");
        run("INSERT INTO v VALUES (2, 'NaN', '-infinity', '-1 days', '[]', '{}', '\\x', 'abcd')");
        Sessions.Outcome out = run("SELECT * FROM v ORDER BY id");
        assertThat(text(out, 0, 1)).isEqualTo("1.01");
        assertThat(out.rows().get(0)[2]).isEqualTo(Instant.MAX);
        assertThat(out.rows().get(0)[3]).isEqualTo(new PgInterval(14, 0, 0));
        assertThat(text(out, 0, 4)).isEqualTo("{\"a\": 1, \"b\": 2}");
        assertThat(out.rows().get(0)[5]).isEqualTo(PgArray.of(1, 2, 3));
        assertThat(text(out, 0, 6)).isEqualTo("\\xdeadbeef");
        assertThat(text(out, 0, 7)).isEqualTo("ab  ");
        assertThat(out.rows().get(1)[1]).isEqualTo(Double.NaN);
        assertThat(out.rows().get(1)[2]).isEqualTo(Instant.MIN);
        assertThat(run("SELECT id FROM v WHERE ts = 'infinity'").rows()).containsExactly(new Object[] {1});
        assertThat(run("SELECT id FROM v WHERE a = '{1,2,3}'").rows()).containsExactly(new Object[] {1});
        assertThat(run("UPDATE v SET n = '2.499' WHERE id = 1").tag()).isEqualTo("UPDATE 1");
        assertThat(text(run("SELECT n FROM v WHERE id = 1"), 0, 0)).isEqualTo("2.50");
        assertThat(run("SELECT n FROM v WHERE id = $1", 1).rows().get(0)[0]).isEqualTo(new BigDecimal("2.50"));
    }

    @Test
    void parametersTakeTheTypeOfTheColumnTheyMeet() throws Exception {
        run("CREATE TABLE p (id int PRIMARY KEY, ts timestamptz, v text)");
        try (PreparedQuery q = session.prepare("INSERT INTO p VALUES ($1, $2, $3)", new int[0])) {
            assertThat(q.parameterTypes()).containsExactly(PgType.INT4.oid(), PgType.TIMESTAMPTZ.oid(), PgType.TEXT.oid());
            q.execute(new Object[] {1, Instant.parse("2024-01-02T03:04:05Z"), "x"}).close();
        }
        try (PreparedQuery q = session.prepare("SELECT v FROM p WHERE id = $1", new int[] {PgType.INT8.oid()})) {
            assertThat(q.parameterTypes()).containsExactly(PgType.INT8.oid());
            assertThat(q.columns()).extracting(ColumnDescription::type).containsExactly(PgType.TEXT);
        }
        assertThat(run("SELECT ts FROM p").rows().get(0)[0]).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    }

    @Test
    void ddlStatementsGetPostgresTagsAndNotices() throws Exception {
        assertThat(run("CREATE SCHEMA app").tag()).isEqualTo("CREATE SCHEMA");
        assertThat(run("CREATE TABLE app.t (id int PRIMARY KEY, v varchar(10))").tag()).isEqualTo("CREATE TABLE");
        assertThat(run("CREATE UNIQUE INDEX IF NOT EXISTS t_v ON app.t USING btree (v)").tag()).isEqualTo("CREATE INDEX");
        assertThat(run("CREATE INDEX ON app.t (v DESC)").tag()).isEqualTo("CREATE INDEX");
        assertThat(run("CREATE VIEW app.tv AS SELECT id, v FROM app.t").tag()).isEqualTo("CREATE VIEW");
        assertThat(run("COMMENT ON TABLE app.t IS 'the table'").tag()).isEqualTo("COMMENT");
        assertThat(run("COMMENT ON COLUMN app.t.v IS 'a value'").tag()).isEqualTo("COMMENT");
        assertThat(run("ALTER TABLE app.t REPLICA IDENTITY FULL").tag()).isEqualTo("ALTER TABLE");
        assertThat(run("ALTER TABLE app.t REPLICA IDENTITY USING INDEX t_v").tag()).isEqualTo("ALTER TABLE");
        assertThat(Catalog.load(((H2Session) session).connection(), "app", "t").replicaIdentity()).isEqualTo('i');
        run("INSERT INTO app.t VALUES (1, 'a')");
        Sessions.Outcome view = run("SELECT * FROM app.tv");
        assertThat(view.columns().get(1).type()).isEqualTo(PgType.VARCHAR);
        assertThat(view.columns().get(1).typmod()).isEqualTo(14);
        assertThat(run("TRUNCATE app.t").tag()).isEqualTo("TRUNCATE TABLE");
        assertThat(run("DROP VIEW app.tv").tag()).isEqualTo("DROP VIEW");
        assertThat(run("DROP TABLE IF EXISTS nosuch, app.t").tag()).isEqualTo("DROP TABLE");
        assertThat(context.notices).extracting(Throwable::getMessage).containsExactly("table \"nosuch\" does not exist, skipping");
        assertThat(run("DROP SCHEMA app").tag()).isEqualTo("DROP SCHEMA");
    }

    @Test
    void returningRowsComeBackWithTheRightTag() throws Exception {
        run("CREATE TABLE r (id int PRIMARY KEY, v text)");
        Sessions.Outcome ins = run("INSERT INTO r VALUES (1, 'a'), (2, 'b') RETURNING *");
        assertThat(ins.tag()).isEqualTo("INSERT 0 2");
        assertThat(ins.columns().get(0).tableOid()).isGreaterThanOrEqualTo(16384);
        Sessions.Outcome upd = run("UPDATE r SET v = v || '!' WHERE id = 2 RETURNING v");
        assertThat(upd.rows()).containsExactly(new Object[] {"b!"});
        assertThat(upd.tag()).isEqualTo("UPDATE 1");
        Sessions.Outcome del = run("DELETE FROM r RETURNING id");
        assertThat(del.tag()).isEqualTo("DELETE 2");
        assertThat(run("INSERT INTO r VALUES (1, 'a') ON CONFLICT DO NOTHING").tag()).isEqualTo("INSERT 0 1");
        assertThat(run("INSERT INTO r VALUES (1, 'a') ON CONFLICT DO NOTHING").tag()).isEqualTo("INSERT 0 0");
    }

    @Test
    void transactionsCommitAndRollBackAndSavepointsUndoPartOfThem() throws Exception {
        run("CREATE TABLE x (id int PRIMARY KEY)");
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO x VALUES (1)");
        session.savepoint("s1");
        run("INSERT INTO x VALUES (2)");
        session.rollbackToSavepoint("s1");
        session.savepoint("s2");
        run("INSERT INTO x VALUES (3)");
        session.releaseSavepoint("s2");
        session.commit();
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO x VALUES (4)");
        session.rollback();
        assertThat(run("SELECT id FROM x ORDER BY id").rows()).containsExactly(new Object[] {1}, new Object[] {3});
        try (SqlSession other = source.openSession(new FakeContext())) {
            other.begin(TransactionMode.DEFAULT);
            Sessions.run(other, "INSERT INTO x VALUES (5)");
        } // close rolls back
        assertThat(run("SELECT count(*) FROM x").rows().get(0)[0]).isEqualTo(2L);
        session.begin(new TransactionMode("read committed", true, false));
        assertThatThrownBy(() -> run("INSERT INTO x VALUES (6)")).isInstanceOf(PgException.class)
                .hasMessage("cannot execute INSERT in a read-only transaction");
        session.rollback();
    }

    @Test
    void cancelStopsARunningStatementWith57014() throws Exception {
        PreparedQuery q = session.prepare("SELECT count(*) FROM system_range(1, 100000) a, system_range(1, 100000) b", new int[0]);
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
            try {
                return q.execute(new Object[0]).next();
            } catch (PgException e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Object result = null;
        while (System.nanoTime() < deadline) {
            session.cancel();
            try {
                result = running.get(50, TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException notYet) {
                // keep asking
            }
        }
        assertThat(result).isInstanceOf(PgException.class);
        PgException e = (PgException) result;
        assertThat(e.sqlState()).isEqualTo("57014");
        assertThat(e.getMessage()).isEqualTo("canceling statement due to user request");
        q.close();
    }

    @Test
    void restartKeepsRowsDeclaredTypesAndOids() throws Exception {
        run("CREATE TABLE keep (id int PRIMARY KEY, t timestamptz, j json, c char(3))");
        run("INSERT INTO keep VALUES (1, '2024-02-29 13:14:15+02', '{\"b\":1,  \"a\":2}', 'x')");
        List<ColumnDescription> before = run("SELECT * FROM keep").columns();
        session.close();
        source.stop();
        source = new H2Source();
        source.start(dir);
        session = source.openSession(context);
        Sessions.Outcome after = run("SELECT * FROM keep");
        assertThat(after.columns()).isEqualTo(before);
        assertThat(text(after, 0, 1)).isEqualTo("2024-02-29 11:14:15+00");
        assertThat(text(after, 0, 2)).isEqualTo("{\"b\":1,  \"a\":2}");
        assertThat(text(after, 0, 3)).isEqualTo("x  ");
        run("CREATE TABLE another (id int)");
        assertThat(run("SELECT * FROM another").columns().get(0).tableOid()).isGreaterThan(before.get(0).tableOid());
    }

    @Test
    void unsupportedStatementsFailWithFeatureNotSupported() {
        for (String sql : List.of("CREATE PUBLICATION p FOR TABLE t (id)",
                "CREATE MATERIALIZED VIEW mv AS SELECT 1",
                "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET id = 2")) {
            assertThatThrownBy(() -> run(sql)).isInstanceOf(PgException.class)
                    .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo("0A000"))
                    .hasMessageContaining("not supported");
        }
    }

    @Test
    void escapeAndUnicodeStringsAndPostgresTypeSpellingsAreAccepted() throws Exception {
        run("CREATE TABLE w (id int4 PRIMARY KEY, a varchar(5) ARRAY, t timestamp(3) without time zone, d double precision, b bool)");
        run("INSERT INTO w VALUES (1, ARRAY['x', 'y'], timestamp with time zone '2024-01-01 00:00:00+00', 1e3, 't')");
        Sessions.Outcome out = run("SELECT U&'d\\0061t\\+000061' AS u, E'a\\tb' AS e, $$dollar's$$ AS q, a, t, d FROM w");
        assertThat(out.rows().get(0)[0]).isEqualTo("data");
        assertThat(out.rows().get(0)[1]).isEqualTo("a\tb");
        assertThat(out.rows().get(0)[2]).isEqualTo("dollar's");
        assertThat(out.columns().get(3).type()).isEqualTo(PgType.VARCHAR_ARRAY);
        assertThat(text(out, 0, 4)).isEqualTo("2024-01-01 00:00:00");
        assertThat(text(out, 0, 5)).isEqualTo("1000");
        assertThatThrownBy(() -> run("DROP TABLE nosuch")).isInstanceOf(PgException.class)
                .hasMessage("table \"nosuch\" does not exist")
                .satisfies(e -> assertThat(((PgException) e).sqlState()).isEqualTo("42P01"));
    }
}
