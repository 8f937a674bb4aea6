package io.slotway.decoder.testdecoding;

import io.slotway.decoder.testkit.Fakes;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Callback behaviour that the golden files and the oracle tests do not reach. */
class SessionTest {
    private static final Relation R = new Relation(1, "public", "r", 'd', List.of(
            new Column("id", PgType.INT4.oid(), -1, true, true), new Column("v", PgType.TEXT.oid(), -1, false, false)));

    private static Transaction txn(long xid, String origin) {
        return new Transaction(xid, Lsn.of(1), Lsn.of(2), Lsn.of(3), Instant.parse("2024-01-01T00:00:00Z"), origin);
    }

    private static PluginSession start(String... options) throws Exception {
        return new TestDecoding().startup(new Fakes.Context(Fakes.options(options)));
    }

    @Test
    void onlyLocalSkipsTransactionsReplayedFromAnOriginEntirely() throws Exception {
        PluginSession s = start("only-local", null);
        Fakes.Writer out = new Fakes.Writer();
        Transaction remote = txn(5, "sub_origin");
        s.begin(remote, out);
        s.change(remote, Lsn.of(1), new Change.Insert(R, new Tuple(1, "a")), out);
        s.change(remote, Lsn.of(1), new Change.Message(true, "p", new byte[0]), out);
        s.commit(remote, out);
        Transaction local = txn(6, null);
        s.begin(local, out);
        s.change(local, Lsn.of(1), new Change.Insert(R, new Tuple(2, "b")), out);
        s.commit(local, out);
        assertThat(out.lines()).containsExactly("BEGIN 6", "table public.r: INSERT: id[integer]:2 v[text]:'b'", "COMMIT 6");
    }

    @Test
    void withoutOnlyLocalTransactionsFromAnOriginAreDecoded() throws Exception {
        PluginSession s = start();
        Fakes.Writer out = new Fakes.Writer();
        Transaction remote = txn(5, "sub_origin");
        s.begin(remote, out);
        s.commit(remote, out);
        assertThat(out.lines()).containsExactly("BEGIN 5", "COMMIT 5");
    }

    @Test
    void lazyBeginIsWrittenAsANotLastMessageBeforeTheFirstChange() throws Exception {
        PluginSession s = start("skip-empty-xacts", "1");
        Fakes.Writer out = new Fakes.Writer();
        Transaction t = txn(7, null);
        s.begin(t, out);
        assertThat(out.messages).isEmpty();
        s.change(t, Lsn.of(1), new Change.Insert(R, new Tuple(1, "a")), out);
        s.change(t, Lsn.of(1), new Change.Delete(R, new Tuple(1, null), true), out);
        s.commit(t, out);
        assertThat(out.lines()).containsExactly("BEGIN 7", "table public.r: INSERT: id[integer]:1 v[text]:'a'",
                "table public.r: DELETE: id[integer]:1", "COMMIT 7");
        assertThat(out.lastFlags).containsExactly(false, true, true, true);
    }

    @Test
    void skipEmptyXactsForgetsTheWrittenStateAtEachCommit() throws Exception {
        PluginSession s = start("skip-empty-xacts", null);
        Fakes.Writer out = new Fakes.Writer();
        Transaction t1 = txn(1, null);
        s.begin(t1, out);
        s.change(t1, Lsn.of(1), new Change.Truncate(List.of(R), false, false), out);
        s.commit(t1, out);
        Transaction t2 = txn(2, null);
        s.begin(t2, out);
        s.change(t2, Lsn.of(1), new Change.Message(true, "p", "x".getBytes(StandardCharsets.UTF_8)), out);
        s.commit(t2, out);
        assertThat(out.lines()).containsExactly("BEGIN 1", "table public.r: TRUNCATE: (no-flags)", "COMMIT 1",
                "message: transactional: 1 prefix: p, sz: 1 content:x");
    }

    @Test
    void missingTuplesPrintNoTupleData() throws Exception {
        PluginSession s = start("include-xids", "0");
        Fakes.Writer out = new Fakes.Writer();
        Transaction t = txn(1, null);
        s.begin(t, out);
        s.change(t, Lsn.of(1), new Change.Insert(R, null), out);
        s.change(t, Lsn.of(1), new Change.Update(R, new Tuple(1, null), true, null), out);
        s.commit(t, out);
        assertThat(out.lines()).containsExactly("BEGIN", "table public.r: INSERT: (no-tuple-data)",
                "table public.r: UPDATE: old-key: id[integer]:1 new-tuple: (no-tuple-data)", "COMMIT");
    }

    @Test
    void xidsArePrintedAsThirtyTwoBitTransactionIds() throws Exception {
        PluginSession s = start();
        Fakes.Writer out = new Fakes.Writer();
        Transaction t = txn((3L << 32) | 4000000000L, null);
        s.begin(t, out);
        s.commit(t, out);
        assertThat(out.lines()).containsExactly("BEGIN 4000000000", "COMMIT 4000000000");
    }

    @Test
    void valuesOfTypesSlotwayDoesNotKnowArePrintedQuotedUnderAnUnknownTypeName() throws Exception {
        Relation r = new Relation(1, "public", "r", 'd', List.of(new Column("g", 600, -1, false, false)));
        PluginSession s = start();
        Fakes.Writer out = new Fakes.Writer();
        Transaction t = txn(1, null);
        s.begin(t, out);
        s.change(t, Lsn.of(1), new Change.Insert(r, new Tuple("(1,2)")), out);
        assertThat(out.lines()).contains("table public.r: INSERT: g[???]:'(1,2)'");
    }
}
