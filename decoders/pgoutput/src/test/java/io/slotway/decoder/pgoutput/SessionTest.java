package io.slotway.decoder.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.decoder.testkit.Fakes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filtering, lazy BEGIN, Relation resending and errors, through the session's callbacks. */
class SessionTest {
    private static final Relation T = rel(16385, "public", "t");
    private static final Relation U = rel(16386, "public", "u");
    private static final Relation S = rel(16387, "s", "x");
    private static final Relation CATALOG = rel(1259, "pg_catalog", "pg_class");

    private static Relation rel(long oid, String schema, String name) {
        return new Relation(oid, schema, name, 'd', List.of(new Column("a", PgType.INT4.oid(), -1, true, true)));
    }

    private static Publication pub(String name, Set<Long> tables, boolean insert, boolean update, boolean delete,
                                   boolean truncate) {
        return new Publication(20000 + name.length(), name, false, tables, Set.of(), insert, update, delete, truncate, false);
    }

    private static final Publication ALL_TU = pub("p", Set.of(T.oid(), U.oid()), true, true, true, true);

    private final Fakes.Writer out = new Fakes.Writer();
    private long xid = 700;
    private long lsn = 0x1000;

    private PluginSession start(TestContext context) throws PgException {
        return new PgOutput().startup(context);
    }

    private static TestContext context(String pubs, Publication... defined) {
        return new TestContext("proto_version", "1", "publication_names", pubs).with(defined);
    }

    private void txn(PluginSession s, String origin, Change... changes) throws PgException {
        Transaction txn = new Transaction(++xid, Lsn.of(lsn), Lsn.of(lsn + 0x80), Lsn.of(lsn + 0xA0), Instant.EPOCH, origin);
        s.begin(txn, out);
        for (Change c : changes) {
            s.change(txn, Lsn.of(lsn += 8), c, out);
        }
        s.commit(txn, out);
        lsn += 0x100;
    }

    private void txn(PluginSession s, Change... changes) throws PgException {
        txn(s, null, changes);
    }

    private List<String> lines() {
        return new Render(true).all(out.messages);
    }

    private static Change ins(Relation r, int v) {
        return new Change.Insert(r, new Tuple(v));
    }

    private static String kinds(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l, 0, l.indexOf(' ')).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void sendsNothingForATransactionWithNothingPublished() throws Exception {
        PluginSession s = start(context("p", pub("p", Set.of(T.oid()), true, false, false, false)));
        txn(s, new Change.Update(T, null, false, new Tuple(1)), new Change.Delete(T, new Tuple(1), true), ins(U, 1),
                new Change.Truncate(List.of(T), false, false), new Change.Message(true, "m", new byte[0]));
        assertThat(out.messages).isEmpty();
        txn(s, ins(U, 1), ins(T, 2));
        assertThat(kinds(lines())).isEqualTo("BEGIN RELATION INSERT COMMIT");
    }

    @Test
    void beginAndOriginAreTwoMessages() throws Exception {
        PluginSession s = start(context("p", ALL_TU));
        txn(s, "node_a", ins(T, 1));
        assertThat(kinds(lines())).isEqualTo("BEGIN ORIGIN RELATION INSERT COMMIT");
        assertThat(lines().get(1)).isEqualTo("ORIGIN lsn=0/0 name=node_a");
        assertThat(out.lastFlags).containsExactly(false, true, false, true, true);
    }

    @Test
    void aMissingPublicationIsAnErrorOfTheFirstChangeOnAPublishableTable() throws Exception {
        TestContext context = context("p, nope", ALL_TU);
        context.with(pub("q", Set.of(), true, true, true, true));
        PluginSession s = start(context);
        s.message(Lsn.of(1), new Change.Message(false, "m", new byte[0]), out);
        txn(s, ins(CATALOG, 1));
        assertThat(out.messages).isEmpty();
        assertThatThrownBy(() -> txn(s, ins(U, 1))).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("42704");
            assertThat(e.getMessage()).isEqualTo("publication \"nope\" does not exist");
        });
    }

    @Test
    void aPublicationDroppedLaterIsAnErrorThen() throws Exception {
        TestContext context = context("p", ALL_TU);
        PluginSession s = start(context);
        txn(s, ins(T, 1));
        context.publications.clear();
        assertThatThrownBy(() -> txn(s, ins(T, 2))).isInstanceOf(PgException.class)
                .hasMessage("publication \"p\" does not exist");
    }

    @Test
    void relationIsSentOnceUntilItsDefinitionChanges() throws Exception {
        PluginSession s = start(context("p", ALL_TU));
        txn(s, ins(T, 1), ins(T, 2));
        txn(s, ins(T, 3));
        Relation t2 = new Relation(T.oid(), "public", "t", 'f', T.columns());
        txn(s, new Change.Insert(t2, new Tuple(4)));
        txn(s, new Change.Insert(t2, new Tuple(5)));
        assertThat(kinds(lines())).isEqualTo("BEGIN RELATION INSERT INSERT COMMIT BEGIN INSERT COMMIT "
                + "BEGIN RELATION INSERT COMMIT BEGIN INSERT COMMIT");
        assertThat(lines().get(9)).contains("replident=f");
    }

    @Test
    void aChangedPublicationSendsEveryRelationAgain() throws Exception {
        TestContext context = context("p", ALL_TU);
        PluginSession s = start(context);
        txn(s, ins(T, 1), ins(U, 1));
        context.with(pub("p", Set.of(T.oid(), U.oid()), true, false, false, false));
        txn(s, ins(U, 2));
        txn(s, ins(T, 2));
        txn(s, ins(T, 3));
        assertThat(kinds(lines())).isEqualTo("BEGIN RELATION INSERT RELATION INSERT COMMIT BEGIN RELATION INSERT COMMIT "
                + "BEGIN RELATION INSERT COMMIT BEGIN INSERT COMMIT");
    }

    @Test
    void truncateSendsTheTruncatedRelationsAgainBeforeAndAfter() throws Exception {
        // as PostgreSQL 15 does: BEGIN; INSERT t; TRUNCATE u; INSERT t; COMMIT, then u is sent again once more
        PluginSession s = start(context("p", ALL_TU));
        txn(s, ins(U, 0));
        txn(s, ins(T, 4), new Change.Truncate(List.of(U), false, false), ins(T, 5));
        txn(s, ins(T, 6));
        txn(s, ins(U, 1), new Change.Truncate(List.of(U), true, true), ins(U, 2));
        txn(s, ins(U, 3));
        txn(s, ins(U, 4));
        List<String> l = lines();
        assertThat(kinds(l)).isEqualTo("BEGIN RELATION INSERT COMMIT "
                + "BEGIN RELATION INSERT RELATION TRUNCATE INSERT COMMIT "
                + "BEGIN INSERT COMMIT "
                + "BEGIN RELATION INSERT RELATION TRUNCATE INSERT COMMIT "
                + "BEGIN RELATION INSERT COMMIT "
                + "BEGIN INSERT COMMIT");
        assertThat(l.get(5)).startsWith("RELATION 16385 public.t");
        assertThat(l.get(7)).startsWith("RELATION 16386 public.u");
        assertThat(l).contains("TRUNCATE options=3 (1=CASCADE,2=RESTART IDENTITY) rels=16386");
    }

    @Test
    void truncateListsOnlyRelationsPublishedForTruncate() throws Exception {
        PluginSession s = start(context("p,q", pub("p", Set.of(T.oid()), true, true, true, false),
                pub("q", Set.of(U.oid()), false, false, false, true)));
        txn(s, new Change.Truncate(List.of(T, CATALOG, U), false, false));
        txn(s, new Change.Truncate(List.of(T), false, false));
        assertThat(lines()).hasSize(4);
        assertThat(lines().get(2)).isEqualTo("TRUNCATE options=0 (1=CASCADE,2=RESTART IDENTITY) rels=16386");
    }

    @Test
    void deleteWithoutOldTupleIsNotSent() throws Exception {
        PluginSession s = start(context("p", ALL_TU));
        txn(s, new Change.Delete(T, null, false));
        assertThat(out.messages).isEmpty();
        txn(s, new Change.Delete(T, new Tuple(1), true));
        assertThat(kinds(lines())).isEqualTo("BEGIN RELATION DELETE COMMIT");
    }

    @Test
    void publicationsForAllTablesAndForSchemasInclude() throws Exception {
        Publication schema = new Publication(1, "sch", false, Set.of(), Set.of("s"), true, false, false, false, false);
        PluginSession s = start(context("sch", schema));
        txn(s, ins(T, 1), ins(S, 1));
        assertThat(lines()).filteredOn(l -> l.startsWith("INSERT")).containsExactly("INSERT 16387 new=[t:1]");
        Publication all = new Publication(2, "all", true, Set.of(), Set.of(), true, false, false, false, false);
        Fakes.Writer w = new Fakes.Writer();
        PluginSession s2 = start(context("all", all));
        Transaction txn = new Transaction(1, Lsn.of(1), Lsn.of(2), Lsn.of(3), Instant.EPOCH, null);
        s2.begin(txn, w);
        s2.change(txn, Lsn.of(2), ins(CATALOG, 1), w);
        s2.change(txn, Lsn.of(2), ins(T, 1), w);
        s2.change(txn, Lsn.of(2), ins(S, 1), w);
        s2.commit(txn, w);
        assertThat(new Render(true).all(w.messages)).filteredOn(l -> l.startsWith("INSERT")).hasSize(2);
    }

    @Test
    void typesThatAreNotBuiltInGetATypeMessageBeforeTheRelation() throws Exception {
        Relation r = new Relation(16390, "public", "e", 'd', List.of(new Column("a", PgType.INT4.oid(), -1, true, true),
                new Column("m", 16400, -1, false, false), new Column("x", 9999, -1, false, false)));
        PluginSession s = start(context("p", pub("p", Set.of(r.oid()), true, true, true, true)));
        txn(s, new Change.Insert(r, new Tuple(1, "happy", "y")));
        assertThat(kinds(lines())).isEqualTo("BEGIN TYPE RELATION INSERT COMMIT");
        assertThat(lines().get(1)).isEqualTo("TYPE oid=16400 .???");
        assertThat(out.lastFlags.subList(1, 3)).containsExactly(false, false);
    }

    @Test
    void messagesOnlyWithTheOptionAndTransactionalOnesOpenTheTransaction() throws Exception {
        Change.Message tx = new Change.Message(true, "pfx", "c".getBytes(StandardCharsets.UTF_8));
        PluginSession off = start(context("p", ALL_TU));
        txn(off, tx);
        off.message(Lsn.of(5), new Change.Message(false, "pfx", new byte[0]), out);
        assertThat(out.messages).isEmpty();
        PluginSession on = start(new TestContext("proto_version", "1", "publication_names", "p", "messages", "on").with(ALL_TU));
        txn(on, tx);
        on.message(Lsn.of(5), new Change.Message(false, "pfx", new byte[] {1}), out);
        assertThat(lines()).hasSize(4);
        assertThat(kinds(lines())).isEqualTo("BEGIN MESSAGE COMMIT MESSAGE");
        assertThat(lines().get(1)).isEqualTo("MESSAGE transactional=1 lsn=0/1110 prefix=pfx content=63");
        assertThat(lines().get(3)).isEqualTo("MESSAGE transactional=0 lsn=0/5 prefix=pfx content=01");
    }

    @Test
    void streamingChangesNothingSinceOnlyCommittedTransactionsAreDecoded() throws Exception {
        PluginSession plain = start(new TestContext("proto_version", "2", "publication_names", "p").with(ALL_TU));
        txn(plain, ins(T, 1), new Change.Update(T, new Tuple(1), true, new Tuple(2)));
        List<byte[]> expected = List.copyOf(out.messages);
        out.messages.clear();
        xid = 700;
        lsn = 0x1000;
        PluginSession streaming = start(new TestContext("proto_version", "2", "publication_names", "p", "streaming", "on",
                "two_phase", "off").with(ALL_TU));
        txn(streaming, ins(T, 1), new Change.Update(T, new Tuple(1), true, new Tuple(2)));
        assertThat(out.messages).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(out.messages.get(i)).isEqualTo(expected.get(i));
        }
    }

    @Test
    void outputIsBinary() throws Exception {
        assertThat(start(context("p", ALL_TU)).binaryOutput()).isTrue();
    }
}
