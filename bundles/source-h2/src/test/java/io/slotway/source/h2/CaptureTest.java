package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CaptureTest extends CaptureFixture {

    @Test
    void aRolledBackTransactionLeavesNothingAndItsLogIsAborted() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY, v text)");
        int before = sink.committed.size();
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO t VALUES (1, 'a')");
        run("UPDATE t SET v = 'b'");
        session.rollback();
        assertThat(sink.committed).hasSize(before);
        assertThat(sink.aborted).hasSize(1);
        assertThat(sink.pending).isEmpty();
    }

    @Test
    void changesAfterARolledBackSavepointAreDiscardedAndTheRestCommits() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY, v text)");
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO t VALUES (1, 'kept')");
        session.savepoint("a");
        run("INSERT INTO t VALUES (2, 'gone')");
        session.savepoint("b");
        run("INSERT INTO t VALUES (3, 'gone too')");
        session.rollbackToSavepoint("a");
        run("INSERT INTO t VALUES (4, 'after')");
        session.savepoint("c");
        run("INSERT INTO t VALUES (5, 'released')");
        session.releaseSavepoint("c");
        session.commit();
        assertThat(lastChanges()).extracting(c -> ((Change.Insert) c).newTuple().get(0)).containsExactly(1, 4, 5);
    }

    @Test
    void aFailedStatementTakesBackTheRowsItHadAlreadyWritten() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY)");
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO t VALUES (1)");
        session.savepoint("s");
        assertThatThrownBy(() -> run("INSERT INTO t VALUES (2), (3), (1)")).isInstanceOf(PgException.class);
        session.rollbackToSavepoint("s");
        run("INSERT INTO t VALUES (4)");
        session.commit();
        assertThat(lastChanges()).extracting(c -> ((Change.Insert) c).newTuple().get(0)).containsExactly(1, 4);
    }

    @Test
    void aFailedStatementInAnImplicitTransactionLogsNothing() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY)");
        run("INSERT INTO t VALUES (1)");
        int before = sink.committed.size();
        assertThatThrownBy(() -> run("INSERT INTO t VALUES (2), (3), (1)")).isInstanceOf(PgException.class);
        assertThat(sink.committed).hasSize(before);
        run("INSERT INTO t VALUES (2)");
        assertThat(lastChanges()).hasSize(1);
    }

    @Test
    void aReadOnlyTransactionAndTxidCurrentAloneLogNothing() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY)");
        int before = sink.committed.size();
        session.begin(TransactionMode.DEFAULT);
        run("SELECT * FROM t");
        session.commit();
        session.begin(TransactionMode.DEFAULT);
        Object xid = Sessions.run(session, "SELECT txid_current()").rows().get(0)[0];
        Object again = Sessions.run(session, "SELECT txid_current()").rows().get(0)[0];
        session.commit();
        assertThat(xid).isEqualTo(again).isInstanceOf(Long.class);
        assertThat(sink.committed).hasSize(before);
    }

    @Test
    void txidCurrentIsTheXidTheTransactionCommitsUnder() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY)");
        session.begin(TransactionMode.DEFAULT);
        Object xid = Sessions.run(session, "SELECT txid_current()").rows().get(0)[0];
        run("INSERT INTO t VALUES (1)");
        session.commit();
        assertThat(sink.last().xid).isEqualTo(xid);
        assertThat(sink.last().commitTime).isNotNull();
    }

    @Test
    void aTableCreatedLaterIsCapturedAndARenamedTableStreamsUnderItsNewName() throws Exception {
        run("CREATE TABLE a (id integer PRIMARY KEY)");
        run("INSERT INTO a VALUES (1)");
        long oid = ((Change.Insert) lastChanges().get(0)).relation().oid();
        run("ALTER TABLE a RENAME TO b");
        FakeSink.Tx ddl = sink.last();
        assertThat(ddl.schemaChanges).hasSize(1);
        assertThat(ddl.schemaChanges.get(0).oid()).isEqualTo(oid);
        assertThat(ddl.schemaChanges.get(0).after().name()).isEqualTo("b");
        assertThat(ddl.schemaChanges.get(0).tag()).isEqualTo("ALTER TABLE");
        run("INSERT INTO b VALUES (2)");
        Change.Insert ins = (Change.Insert) lastChanges().get(0);
        assertThat(ins.relation().name()).isEqualTo("b");
        assertThat(ins.relation().oid()).isEqualTo(oid);
    }

    @Test
    void ddlIsATransactionOfItsOwnWithTheRelationAfterIt() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY, v text)");
        FakeSink.Tx create = sink.last();
        assertThat(create.changes).isEmpty();
        assertThat(create.schemaChanges).singleElement().satisfies(sc -> {
            assertThat(sc.tag()).isEqualTo("CREATE TABLE");
            assertThat(sc.statement()).isEqualTo("CREATE TABLE t (id integer PRIMARY KEY, v text)");
            assertThat(sc.after().columns()).extracting(c -> c.name() + ":" + c.key() + ":" + c.notNull())
                    .containsExactly("id:true:true", "v:false:false");
        });
        run("ALTER TABLE t ADD COLUMN w integer");
        assertThat(sink.last().changes).isEmpty();
        assertThat(sink.last().schemaChanges.get(0).after().columns()).hasSize(3);
        run("ALTER TABLE t REPLICA IDENTITY FULL");
        assertThat(sink.last().schemaChanges.get(0).after().replicaIdentity()).isEqualTo('f');
        run("CREATE INDEX t_v ON t (v)");
        assertThat(sink.last().schemaChanges).isEmpty(); // an empty BEGIN/COMMIT, as PostgreSQL shows it
        run("DROP TABLE t");
        assertThat(sink.last().schemaChanges).singleElement().satisfies(sc -> {
            assertThat(sc.after()).isNull();
            assertThat(sc.tag()).isEqualTo("DROP TABLE");
        });
    }

    @Test
    void dmlBeforeDdlInABlockIsCommittedAsItsOwnTransactionBeforeTheDdl() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY)");
        int before = sink.committed.size();
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO t VALUES (1)");
        run("CREATE TABLE u (id integer)");
        run("INSERT INTO u VALUES (2)");
        session.commit();
        List<FakeSink.Tx> txs = sink.committed.subList(before, sink.committed.size());
        assertThat(txs).hasSize(3);
        assertThat(txs.get(0).changes).hasSize(1);
        assertThat(txs.get(1).schemaChanges).hasSize(1);
        assertThat(((Change.Insert) txs.get(2).changes.get(0)).relation().name()).isEqualTo("u");
    }

    @Test
    void replicaIdentityUsingIndexLogsThatIndexsColumnsAsTheOldKey() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY, code text NOT NULL, v text)");
        run("CREATE UNIQUE INDEX t_code ON t (code)");
        run("ALTER TABLE t REPLICA IDENTITY USING INDEX t_code");
        run("INSERT INTO t VALUES (1, 'x', 'a')");
        run("UPDATE t SET v = 'b'");
        assertThat(((Change.Update) lastChanges().get(0)).oldTuple()).isNull();
        run("UPDATE t SET code = 'y'");
        Change.Update u = (Change.Update) lastChanges().get(0);
        assertThat(u.oldIsKey()).isTrue();
        assertThat(values(u.oldTuple())).containsExactly(null, "x", null);
        run("DELETE FROM t");
        Change.Delete d = (Change.Delete) lastChanges().get(0);
        assertThat(values(d.oldTuple())).containsExactly(null, "y", null);
        assertThat(d.relation().columns()).extracting(c -> c.key()).containsExactly(false, true, false);
    }

    @Test
    void truncateCarriesItsRestartIdentityFlag() throws Exception {
        run("CREATE TABLE t (id serial PRIMARY KEY)");
        run("INSERT INTO t DEFAULT VALUES");
        run("TRUNCATE t RESTART IDENTITY");
        Change.Truncate tr = (Change.Truncate) lastChanges().get(0);
        assertThat(tr.restartIdentity()).isTrue();
        assertThat(tr.cascade()).isFalse();
        assertThat(tr.relations()).extracting(r -> r.name()).containsExactly("t");
    }

    @Test
    void aNonTransactionalMessageIsWrittenEvenIfItsTransactionRollsBack() throws Exception {
        session.begin(TransactionMode.DEFAULT);
        run("SELECT pg_logical_emit_message(false, 'p', 'kept')");
        run("SELECT pg_logical_emit_message(true, 'p', 'gone')");
        session.rollback();
        assertThat(sink.messages).singleElement().satisfies(m -> assertThat(new String(m.content())).isEqualTo("kept"));
        assertThat(sink.committed).isEmpty();
    }

    @Test
    void concurrentWritersTransactionsArriveWholeAndInCommitOrder() throws Exception {
        run("CREATE TABLE t (writer integer, n integer)");
        int before = sink.committed.size();
        int writers = 4;
        int txPerWriter = 25;
        int rowsPerTx = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                try (SqlSession s = source.openSession(new FakeContext())) {
                    start.await();
                    for (int k = 0; k < txPerWriter; k++) {
                        s.begin(TransactionMode.DEFAULT);
                        for (int r = 0; r < rowsPerTx; r++) {
                            Sessions.run(s, "INSERT INTO t VALUES (" + writer + ", " + (k * rowsPerTx + r) + ")");
                        }
                        s.commit();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<FakeSink.Tx> txs = new ArrayList<>(sink.committed.subList(before, sink.committed.size()));
        assertThat(txs).hasSize(writers * txPerWriter);
        int[] next = new int[writers];
        long lastSeq = 0;
        for (FakeSink.Tx tx : txs) {
            assertThat(tx.seq).isGreaterThan(lastSeq);
            lastSeq = tx.seq;
            assertThat(tx.changes).hasSize(rowsPerTx);
            int writer = (Integer) ((Change.Insert) tx.changes.get(0)).newTuple().get(0);
            for (Change c : tx.changes) {
                Object[] v = ((Change.Insert) c).newTuple().values();
                assertThat(v[0]).isEqualTo(writer);
                assertThat(v[1]).isEqualTo(next[writer]++);
            }
        }
        assertThat(next).containsOnly(txPerWriter * rowsPerTx);
        assertThat(Arrays.stream(next).sum()).isEqualTo(writers * txPerWriter * rowsPerTx);
    }

    // ---- changes beyond the in-memory buffer go to the log at once and are taken back there (invariant 6)

    @Test
    void aStatementLargerThanTheBufferThatFailsLeavesNothing() throws Exception {
        run("CREATE TABLE big (id integer PRIMARY KEY)");
        run("INSERT INTO big VALUES (" + (3 * TxCapture.BUFFER_LIMIT) + ")");
        int before = sink.committed.size();
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO big VALUES (-1)");
        session.savepoint("s");
        // fails on its last row, after more rows than the buffer holds went to the log
        assertThatThrownBy(() -> run("INSERT INTO big SELECT g FROM generate_series(1, " + (3 * TxCapture.BUFFER_LIMIT) + ") g"))
                .isInstanceOf(PgException.class);
        session.rollbackToSavepoint("s");
        run("INSERT INTO big VALUES (-2)");
        session.commit();
        assertThat(sink.committed).hasSize(before + 1);
        assertThat(lastChanges()).extracting(c -> ((Change.Insert) c).newTuple().get(0)).containsExactly(-1, -2);
    }

    @Test
    void aSavepointRolledBackAfterALargeBatchKeepsExactlyWhatCameBeforeIt() throws Exception {
        run("CREATE TABLE big (id integer PRIMARY KEY)");
        int n = 2 * TxCapture.BUFFER_LIMIT + 7;
        session.begin(TransactionMode.DEFAULT);
        run("INSERT INTO big SELECT g FROM generate_series(1, " + n + ") g");
        session.savepoint("s");
        run("INSERT INTO big SELECT g FROM generate_series(" + (n + 1) + ", " + (3 * n) + ") g");
        session.rollbackToSavepoint("s");
        run("INSERT INTO big VALUES (0)");
        session.commit();
        List<Change> changes = lastChanges();
        assertThat(changes).hasSize(n + 1);
        assertThat(((Change.Insert) changes.get(n - 1)).newTuple().get(0)).isEqualTo(n);
        assertThat(((Change.Insert) changes.get(n)).newTuple().get(0)).isEqualTo(0);
    }
}
