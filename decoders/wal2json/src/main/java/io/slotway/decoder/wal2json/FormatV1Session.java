package io.slotway.decoder.wal2json;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.types.PgTypeNames;
import java.util.List;

/**
 * format-version 1: one JSON document per transaction, {@code {"xid":..,"nextlsn":..,"timestamp":..,
 * "change":[...]}}, written at COMMIT, or with {@code write-in-chunks} as one message for the head, one per
 * change and one for the tail. Follows wal2json 2.5's {@code *_v1} callbacks.
 *
 * <p>Kept on purpose: the change counter ({@code nr_changes}) is reset only at BEGIN, so a
 * non-transactional message after a transaction that wrote two or more changes starts with a comma,
 * {@code {"change":[,{"kind":"message",...}]}} (invalid JSON, exactly what wal2json 2.5 sends).
 * TRUNCATE is never written (wal2json's v1 truncate callback is compiled out).
 */
final class FormatV1Session extends Wal2JsonSession {
    private final String ht;
    private final String nl;
    private final String sp;

    /** {@code nr_changes}. */
    private long nrChanges;
    /** The transaction's document while it is built ({@code ctx->out} between BEGIN and COMMIT). */
    private Buf txnOut;

    FormatV1Session(Options options, DecodingContext context) {
        super(options, context);
        ht = options.prettyPrint ? "\t" : "";
        nl = options.prettyPrint ? "\n" : "";
        sp = options.prettyPrint ? " " : "";
    }

    private String ht(int n) {
        return ht.repeat(n);
    }

    @Override
    public void begin(Transaction txn, OutputWriter out) {
        nrChanges = 0;
        Buf b = new Buf().add("{").add(nl);
        if (options.includeXids) {
            b.add(ht).add("\"xid\":").add(sp).add(xid(txn)).add(",").add(nl);
        }
        if (options.includeLsn) {
            b.add(ht).add("\"nextlsn\":").add(sp).add("\"").add(txn.endLsn().toString()).add("\",").add(nl);
        }
        if (options.includeTimestamp) {
            b.add(ht).add("\"timestamp\":").add(sp).add("\"").add(commitTime(txn)).add("\",").add(nl);
        }
        if (options.includeOrigin) {
            b.add(ht).add("\"origin\":").add(sp).add(Long.toString(originId(txn))).add(",").add(nl);
        }
        b.add(ht).add("\"change\":").add(sp).add("[");
        if (options.writeInChunks) {
            b.writeTo(out);
            txnOut = null;
        } else {
            txnOut = b;
        }
    }

    @Override
    public void commit(Transaction txn, OutputWriter out) {
        Buf b = options.writeInChunks || txnOut == null ? new Buf() : txnOut;
        if (!options.writeInChunks) {
            b.add(nl);
        }
        b.add(ht).add("]").add(nl).add("}");
        b.writeTo(out);
        txnOut = null;
    }

    /** Where a change's text goes: its own message with write-in-chunks, else the transaction's document. */
    private Buf target() {
        if (options.writeInChunks || txnOut == null) {
            return new Buf();
        }
        return txnOut;
    }

    private void done(Buf b, OutputWriter out) {
        if (b != txnOut) {
            b.writeTo(out);
        }
    }

    @Override
    public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) {
        if (filteredByOrigin(txn)) {
            return;
        }
        if (change instanceof Change.Message m) {
            if (messageSelected(m.prefix())) {
                writeMessage(m, out);
            }
            return;
        }
        if (change instanceof Change.Truncate) {
            return;
        }
        if (filteredByAction(change)) {
            return;
        }
        Relation r = relation(change);
        if (!tableSelected(r)) {
            return;
        }
        boolean identityIndex = hasReplicaIdentityIndex(r);
        if (change instanceof Change.Insert i && i.newTuple() == null) {
            warning("no tuple data for INSERT in table \"" + r.name() + "\"");
            return;
        }
        if (change instanceof Change.Update u) {
            if (!identityIndex && r.replicaIdentity() != 'f') {
                warning("table \"" + r.name() + "\" without primary key or replica identity is nothing");
                return;
            }
            if (u.newTuple() == null) {
                warning("no tuple data for UPDATE in table \"" + r.name() + "\"");
                return;
            }
        }
        if (change instanceof Change.Delete d) {
            if (!identityIndex && r.replicaIdentity() != 'f') {
                warning("table \"" + r.name() + "\" without primary key or replica identity is nothing");
                return;
            }
            if (d.oldTuple() == null) {
                warning("no tuple data for DELETE in table \"" + r.name() + "\"");
                return;
            }
        }
        nrChanges++;
        Buf b = target();
        if (!options.writeInChunks) {
            b.add(nl);
        }
        b.add(ht(2));
        if (nrChanges > 1) {
            b.add(',');
        }
        b.add("{").add(nl);
        String kind = change instanceof Change.Insert ? "insert" : change instanceof Change.Update ? "update" : "delete";
        b.add(ht(3)).add("\"kind\":").add(sp).add("\"").add(kind).add("\",").add(nl);
        if (options.includeSchemas) {
            b.add(ht(3)).add("\"schema\":").add(sp).json(r.schema()).add(",").add(nl);
        }
        b.add(ht(3)).add("\"table\":").add(sp).json(r.name()).add(",").add(nl);
        boolean pk = options.includePk && identityIndex && r.replicaIdentity() == 'd';
        boolean[] pkColumns = primaryKeyColumns(r);
        if (change instanceof Change.Insert i) {
            columns(b, r, i.newTuple(), null, false, pk);
            if (pk) {
                primaryKey(b, r, pkColumns, false);
            }
        } else if (change instanceof Change.Update u) {
            columns(b, r, u.newTuple(), null, false, true);
            if (pk) {
                primaryKey(b, r, pkColumns, true);
            }
            if (u.oldTuple() == null) {
                columns(b, r, u.newTuple(), identityColumns(r), true, false);
            } else {
                columns(b, r, u.oldTuple(), null, true, false);
            }
        } else if (change instanceof Change.Delete d) {
            if (pk) {
                primaryKey(b, r, pkColumns, true);
            }
            columns(b, r, d.oldTuple(), identityColumns(r), true, false);
        }
        b.add(ht(2)).add("}");
        done(b, out);
    }

    private static Relation relation(Change change) {
        if (change instanceof Change.Insert i) {
            return i.relation();
        }
        if (change instanceof Change.Update u) {
            return u.relation();
        }
        return ((Change.Delete) change).relation();
    }

    /**
     * {@code tuple_to_stringinfo}: the new row ({@code columnnames}, {@code columntypes}, ...,
     * {@code columnvalues}) or, with {@code replident}, the identity ({@code "oldkeys":{"keynames",
     * "keytypes","keyvalues"}}, NULL columns left out). Unchanged TOAST columns are left out of both.
     */
    private void columns(Buf out, Relation r, Tuple tuple, boolean[] only, boolean replident, boolean addComma) {
        Buf names = new Buf();
        Buf types = new Buf();
        Buf typeOids = new Buf();
        Buf positions = new Buf();
        Buf notNulls = new Buf();
        Buf defaults = new Buf();
        Buf values = new Buf();
        if (replident) {
            names.add(ht(3)).add("\"oldkeys\":").add(sp).add("{").add(nl);
            names.add(ht(4)).add("\"keynames\":").add(sp).add("[");
            types.add(ht(4)).add("\"keytypes\":").add(sp).add("[");
            typeOids.add(ht(4)).add("\"keytypeoids\":").add(sp).add("[");
            values.add(ht(4)).add("\"keyvalues\":").add(sp).add("[");
        } else {
            names.add(ht(3)).add("\"columnnames\":").add(sp).add("[");
            types.add(ht(3)).add("\"columntypes\":").add(sp).add("[");
            typeOids.add(ht(3)).add("\"columntypeoids\":").add(sp).add("[");
            positions.add(ht(3)).add("\"columnpositions\":").add(sp).add("[");
            notNulls.add(ht(3)).add("\"columnoptionals\":").add(sp).add("[");
            defaults.add(ht(3)).add("\"columndefaults\":").add(sp).add("[");
            values.add(ht(3)).add("\"columnvalues\":").add(sp).add("[");
        }
        String comma = "";
        List<Column> columns = r.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (only != null && !only[i]) {
                continue;
            }
            Object value = i < tuple.size() ? tuple.get(i) : null;
            if (value == null && replident) {
                continue;
            }
            if (value == Tuple.UNCHANGED_TOAST) {
                continue;
            }
            names.add(comma).json(c.name());
            if (options.includeTypes) {
                String type = options.includeTypmod ? PgTypeNames.formatType(c.typeOid(), c.typmod()) : PgTypeNames.typname(c.typeOid());
                types.add(comma);
                if (type.startsWith("\"") && !type.endsWith("]")) {
                    types.add(type);
                } else {
                    types.json(type);
                }
                if (!replident && options.includeNotNull) {
                    notNulls.add(comma).add(c.notNull() ? "false" : "true");
                }
            }
            if (options.includeTypeOids) {
                typeOids.add(comma).add(Integer.toUnsignedString(c.typeOid()));
            }
            if (!replident && options.includeColumnPositions) {
                positions.add(comma).add(Integer.toString(i + 1));
            }
            if (!replident && options.includeDefault) {
                defaults.add(comma);
                if (c.defaultExpr() == null) {
                    defaults.add("null");
                } else {
                    defaults.json(c.defaultExpr());
                }
            }
            values.add(comma);
            value(values, c, value);
            comma = "," + sp;
        }
        names.add("],").add(nl);
        if (options.includeTypes) {
            types.add("],").add(nl);
        }
        if (options.includeTypeOids) {
            typeOids.add("],").add(nl);
        }
        if (replident) {
            values.add("]").add(nl).add(ht(3)).add("}").add(nl);
        } else {
            if (options.includeColumnPositions) {
                positions.add("],").add(nl);
            }
            if (options.includeNotNull) {
                notNulls.add("],").add(nl);
            }
            if (options.includeDefault) {
                defaults.add("],").add(nl);
            }
            values.add(addComma ? "]," : "]").add(nl);
        }
        out.add(names);
        if (options.includeTypes) {
            out.add(types);
        }
        if (options.includeTypeOids) {
            out.add(typeOids);
        }
        if (!replident) {
            if (options.includeColumnPositions) {
                out.add(positions);
            }
            if (options.includeNotNull) {
                out.add(notNulls);
            }
            if (options.includeDefault) {
                out.add(defaults);
            }
        }
        out.add(values);
    }

    /** {@code pk_to_stringinfo}: {@code "pk":{"pknames":[...],"pktypes":[...]}}. */
    private void primaryKey(Buf out, Relation r, boolean[] only, boolean addComma) {
        Buf names = new Buf().add(ht(3)).add("\"pk\":").add(sp).add("{").add(nl)
                .add(ht(4)).add("\"pknames\":").add(sp).add("[");
        Buf types = new Buf().add(ht(4)).add("\"pktypes\":").add(sp).add("[");
        String comma = "";
        List<Column> columns = r.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (only != null && !only[i]) {
                continue;
            }
            names.add(comma).json(c.name());
            if (options.includeTypes) {
                String type = options.includeTypmod ? PgTypeNames.formatType(c.typeOid(), c.typmod()) : PgTypeNames.typname(c.typeOid());
                types.add(comma);
                // unlike the column types, wal2json writes any name format_type quoted as it is here
                if (type.startsWith("\"")) {
                    types.add(type);
                } else {
                    types.json(type);
                }
            }
            comma = "," + sp;
        }
        names.add("],").add(nl);
        types.add("]").add(nl).add(ht(3)).add(addComma ? "}," : "}").add(nl);
        out.add(names).add(types);
    }

    @Override
    public void message(Lsn lsn, Change.Message m, OutputWriter out) {
        if (messageSelected(m.prefix())) {
            writeMessage(m, out);
        }
    }

    /** {@code pg_decode_message_v1}. */
    private void writeMessage(Change.Message m, OutputWriter out) {
        boolean transactional = m.transactional();
        Buf b = options.writeInChunks || !transactional || txnOut == null ? new Buf() : txnOut;
        if (transactional) {
            nrChanges++;
        }
        if (!options.writeInChunks && transactional) {
            b.add(nl);
        }
        if (!transactional) {
            b.add("{").add(nl).add(ht).add("\"change\":").add(sp).add("[").add(nl);
        }
        b.add(ht(2));
        if (nrChanges > 1) {
            b.add(',');
        }
        b.add("{").add(nl).add(ht(3)).add("\"kind\":").add(sp).add("\"message\",").add(nl);
        b.add(ht(3)).add("\"transactional\":").add(sp).add(transactional ? "true," : "false,").add(nl);
        b.add(ht(3)).add("\"prefix\":").add(sp).json(m.prefix()).add(",").add(nl);
        b.add(ht(3)).add("\"content\":").add(sp).json(m.content());
        b.add(nl).add(ht(2)).add("}");
        if (!transactional) {
            b.add(nl).add(ht).add("]").add(nl).add("}");
        }
        if (b != txnOut) {
            b.writeTo(out);
        }
    }
}
