package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One stream of pgoutput (its {@code output_plugin_private} and the transaction's {@code PGOutputTxnData}):
 * BEGIN is sent only before the first change that is sent, so a transaction with nothing published sends
 * nothing, not even its COMMIT; a relation's Relation message goes before its first change and again after
 * its definition changed or it was truncated.
 */
final class PgOutputSession implements PluginSession {
    /** {@code FirstGenbkiObjectId}: types below it are built in; others get a Type message. */
    static final int FIRST_GENBKI_OBJECT_ID = 10000;

    private final Options options;
    private final RelationCache cache;
    private final Proto.Values values;
    /** {@code PGOutputTxnData.sent_begin_txn}. */
    private boolean sentBegin;
    /** Relations truncated in the current transaction: their relcache entries are invalidated at commit. */
    private final Set<Long> truncated = new LinkedHashSet<>();

    PgOutputSession(Options options, DecodingContext context) {
        this.options = options;
        this.cache = new RelationCache(options.publicationNames, context);
        this.values = new Proto.Values(options.binary, context.format());
    }

    @Override
    public boolean binaryOutput() {
        return true;
    }

    @Override
    public void begin(Transaction txn, OutputWriter out) {
        sentBegin = false;
        truncated.clear();
    }

    @Override
    public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) throws PgException {
        if (change instanceof Change.Insert i) {
            insert(txn, i, out);
        } else if (change instanceof Change.Update u) {
            update(txn, u, out);
        } else if (change instanceof Change.Delete d) {
            delete(txn, d, out);
        } else if (change instanceof Change.Truncate t) {
            truncate(txn, t, out);
        } else if (change instanceof Change.Message m) {
            message(txn, lsn, m, out);
        }
    }

    @Override
    public void commit(Transaction txn, OutputWriter out) {
        // the truncating transaction's invalidations run when it has been decoded
        for (long oid : truncated) {
            cache.invalidate(oid);
        }
        truncated.clear();
        if (!sentBegin) {
            return;
        }
        out.prepareWrite(true);
        Proto.commit(out, txn);
        out.write(true);
    }

    @Override
    public void message(Lsn lsn, Change.Message message, OutputWriter out) {
        if (!options.messages) {
            return;
        }
        out.prepareWrite(true);
        Proto.message(out, lsn, false, message.prefix(), message.content());
        out.write(true);
    }

    private void insert(Transaction txn, Change.Insert i, OutputWriter out) throws PgException {
        Relation rel = i.relation();
        send(txn, rel, e -> e.insert, out, w -> Proto.insert(w, rel, i.newTuple(), values));
    }

    private void update(Transaction txn, Change.Update u, OutputWriter out) throws PgException {
        Relation rel = u.relation();
        send(txn, rel, e -> e.update, out, w -> Proto.update(w, rel, u.oldTuple(), u.newTuple(), values));
    }

    private void delete(Transaction txn, Change.Delete d, OutputWriter out) throws PgException {
        Relation rel = d.relation();
        // PostgreSQL skips a DELETE without an old tuple ("didn't send DELETE change because of missing oldtuple")
        send(txn, rel, e -> e.delete && d.oldTuple() != null, out, w -> Proto.delete(w, rel, d.oldTuple(), values));
    }

    /**
     * A row change of {@code rel}, when it is a publishable table whose entry says {@code sent}: BEGIN if
     * not yet sent, the Relation if not yet sent, then the message {@code body} writes.
     */
    private void send(Transaction txn, Relation rel, Predicate<RelationCache.Entry> sent, OutputWriter out,
                      Consumer<OutputWriter> body) throws PgException {
        if (!RelationCache.publishable(rel)) {
            return;
        }
        RelationCache.Entry e = cache.get(rel);
        if (!sent.test(e)) {
            return;
        }
        sendBegin(txn, out);
        sendSchema(e, out);
        out.prepareWrite(true);
        body.accept(out);
        out.write(true);
    }

    private void truncate(Transaction txn, Change.Truncate t, OutputWriter out) throws PgException {
        // TRUNCATE gives each relation a new file: the relcache invalidations of the transaction run before
        // its truncate record is decoded, so the Relation messages go out again first
        for (Relation rel : t.relations()) {
            truncated.add(rel.oid());
        }
        for (long oid : truncated) {
            cache.invalidate(oid);
        }
        List<Long> oids = new ArrayList<>();
        for (Relation rel : t.relations()) {
            if (!RelationCache.publishable(rel)) {
                continue;
            }
            RelationCache.Entry e = cache.get(rel);
            if (!e.truncate) {
                continue;
            }
            oids.add(rel.oid());
            sendBegin(txn, out);
            sendSchema(e, out);
        }
        if (!oids.isEmpty()) {
            out.prepareWrite(true);
            Proto.truncate(out, oids, t.cascade(), t.restartIdentity());
            out.write(true);
        }
    }

    private void message(Transaction txn, Lsn lsn, Change.Message m, OutputWriter out) {
        if (!options.messages) {
            return;
        }
        if (m.transactional()) {
            sendBegin(txn, out);
        }
        out.prepareWrite(true);
        Proto.message(out, lsn, m.transactional(), m.prefix(), m.content());
        out.write(true);
    }

    /** {@code pgoutput_send_begin}: BEGIN, and ORIGIN as a message of its own when the transaction has one. */
    private void sendBegin(Transaction txn, OutputWriter out) {
        if (sentBegin) {
            return;
        }
        boolean origin = txn.origin() != null;
        out.prepareWrite(!origin);
        Proto.begin(out, txn);
        sentBegin = true;
        if (origin) {
            out.write(false);
            out.prepareWrite(true);
            // Slotway keeps no commit LSN of the origin server: sent as invalid (0/0)
            Proto.origin(out, Lsn.INVALID, txn.origin());
        }
        out.write(true);
    }

    /** {@code maybe_send_schema}: Type messages for columns of types that are not built in, then Relation. */
    private void sendSchema(RelationCache.Entry e, OutputWriter out) {
        if (e.schemaSent) {
            return;
        }
        for (Column c : e.relation.columns()) {
            if (Integer.compareUnsigned(c.typeOid(), FIRST_GENBKI_OBJECT_ID) < 0) {
                continue;
            }
            out.prepareWrite(false);
            // Slotway's model names no type that is not built in: written as format_type names an unknown one
            Proto.type(out, c.typeOid(), "", "???");
            out.write(false);
        }
        out.prepareWrite(false);
        Proto.relation(out, e.relation);
        out.write(false);
        e.schemaSent = true;
    }
}
