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
 * format-version 2: one JSON object per message: {@code {"action":"B"}}, {@code "I"}, {@code "U"},
 * {@code "D"}, {@code "T"} (one per truncated table), {@code "M"}, {@code "C"}. Follows wal2json 2.5's
 * {@code *_v2} callbacks and {@code pg_decode_write_change}/{@code pg_decode_write_tuple}.
 */
final class FormatV2Session extends Wal2JsonSession {
    private enum Kind { CHANGE, IDENTITY, PK }

    FormatV2Session(Options options, DecodingContext context) {
        super(options, context);
    }

    @Override
    public void begin(Transaction txn, OutputWriter out) {
        if (options.includeTransaction) {
            transactionObject("B", txn, txn.commitLsn(), out);
        }
    }

    @Override
    public void commit(Transaction txn, OutputWriter out) {
        if (options.includeTransaction) {
            transactionObject("C", txn, txn.commitLsn(), out);
        }
    }

    private void transactionObject(String action, Transaction txn, Lsn lsn, OutputWriter out) {
        Buf b = new Buf().add("{\"action\":\"").add(action).add("\"");
        if (options.includeXids) {
            b.add(",\"xid\":").add(xid(txn));
        }
        if (options.includeTimestamp) {
            b.add(",\"timestamp\":\"").add(commitTime(txn)).add("\"");
        }
        if (options.includeOrigin) {
            b.add(",\"origin\":").add(Long.toString(originId(txn)));
        }
        if (options.includeLsn) {
            b.add(",\"lsn\":\"").add(lsn.toString()).add("\"");
            b.add(",\"nextlsn\":\"").add(txn.endLsn().toString()).add("\"");
        }
        b.add("}").writeTo(out);
    }

    /** The fields every change object starts with after its action. */
    private void head(Buf b, Transaction txn, Lsn lsn) {
        if (options.includeXids) {
            b.add(",\"xid\":").add(xid(txn));
        }
        if (options.includeTimestamp) {
            b.add(",\"timestamp\":\"").add(commitTime(txn)).add("\"");
        }
        if (options.includeOrigin) {
            b.add(",\"origin\":").add(Long.toString(originId(txn)));
        }
        if (options.includeLsn) {
            b.add(",\"lsn\":\"").add(lsn.toString()).add("\"");
        }
    }

    private void table(Buf b, Relation r) {
        if (options.includeSchemas) {
            b.add(",\"schema\":").json(r.schema());
        }
        b.add(",\"table\":").json(r.name());
    }

    @Override
    public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) {
        if (filteredByOrigin(txn)) {
            return;
        }
        if (change instanceof Change.Message m) {
            if (messageSelected(m.prefix())) {
                writeMessage(txn, lsn, m, out);
            }
            return;
        }
        if (change instanceof Change.Truncate t) {
            truncate(txn, lsn, t, out);
            return;
        }
        if (filteredByAction(change)) {
            return;
        }
        Relation r = change instanceof Change.Insert i ? i.relation()
                : change instanceof Change.Update u ? u.relation() : ((Change.Delete) change).relation();
        if (!tableSelected(r)) {
            return;
        }
        writeChange(txn, lsn, r, change, out);
    }

    private String qualified(Relation r) {
        return "\"" + r.schema() + "\".\"" + r.name() + "\"";
    }

    /** {@code pg_decode_write_change}. */
    private void writeChange(Transaction txn, Lsn lsn, Relation r, Change change, OutputWriter out) {
        Tuple newTuple = null;
        Tuple oldTuple = null;
        String action;
        boolean identityIndex = hasReplicaIdentityIndex(r);
        if (change instanceof Change.Insert i) {
            newTuple = i.newTuple();
            action = "I";
            if (newTuple == null) {
                warning("no tuple data for INSERT in table " + qualified(r));
                return;
            }
        } else if (change instanceof Change.Update u) {
            newTuple = u.newTuple();
            oldTuple = u.oldTuple();
            action = "U";
            if (newTuple == null) {
                warning("no tuple data for UPDATE in table " + qualified(r));
                return;
            }
            if (oldTuple == null && !identityIndex && r.replicaIdentity() != 'f') {
                warning("no tuple identifier for UPDATE in table " + qualified(r));
                return;
            }
        } else {
            oldTuple = ((Change.Delete) change).oldTuple();
            action = "D";
            if (oldTuple == null && !identityIndex && r.replicaIdentity() != 'f') {
                warning("no tuple identifier for DELETE in table " + qualified(r));
                return;
            }
        }
        boolean[] pkColumns = primaryKeyColumns(r);
        Buf b = new Buf().add("{\"action\":\"").add(action).add("\"");
        head(b, txn, lsn);
        table(b, r);
        if (newTuple != null) {
            b.add(",\"columns\":[");
            tuple(b, r, newTuple, Kind.CHANGE);
            b.add("]");
        }
        if (oldTuple != null) {
            b.add(",\"identity\":[");
            tuple(b, r, oldTuple, Kind.IDENTITY);
            b.add("]");
        } else {
            if (change instanceof Change.Update) {
                if (identityIndex || (r.hasKey() && r.replicaIdentity() != 'i')) {
                    b.add(",\"identity\":[");
                    tuple(b, r, newTuple, Kind.IDENTITY);
                    b.add("]");
                } else {
                    warning("no old tuple data for UPDATE in table " + qualified(r));
                }
            }
            if (change instanceof Change.Delete) {
                warning("no old tuple data for DELETE in table " + qualified(r));
            }
        }
        if (options.includePk) {
            b.add(",\"pk\":[");
            if (pkColumns != null) {
                tuple(b, r, oldTuple != null ? oldTuple : newTuple, Kind.PK);
            }
            b.add("]");
        }
        b.add("}").writeTo(out);
    }

    /** {@code pg_decode_write_tuple}. */
    private void tuple(Buf b, Relation r, Tuple tuple, Kind kind) {
        boolean[] only = switch (kind) {
            case IDENTITY -> identityColumns(r);
            case PK -> primaryKeyColumns(r);
            case CHANGE -> null;
        };
        boolean sep = false;
        List<Column> columns = r.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (only != null && !only[i]) {
                continue;
            }
            Object value = tuple == null || i >= tuple.size() ? null : tuple.get(i);
            if (value == Tuple.UNCHANGED_TOAST) {
                continue;
            }
            if (sep) {
                b.add(",");
            }
            sep = true;
            b.add("{\"name\":").json(c.name());
            if (options.includeTypes) {
                String type = PgTypeNames.formatType(c.typeOid(), c.typmod());
                b.add(",\"type\":");
                if (type.startsWith("\"") && !type.endsWith("]")) {
                    b.add(type);
                } else {
                    b.json(type);
                }
            }
            if (options.includeTypeOids) {
                b.add(",\"typeoid\":").add(Integer.toString(c.typeOid()));
            }
            if (kind != Kind.PK) {
                b.add(",\"value\":");
                value(b, c, value);
            }
            if (kind == Kind.CHANGE && options.includeNotNull) {
                b.add(c.notNull() ? ",\"optional\":false" : ",\"optional\":true");
            }
            if (kind == Kind.CHANGE && options.includeColumnPositions) {
                b.add(",\"position\":").add(Integer.toString(i + 1));
            }
            if (kind == Kind.CHANGE && options.includeDefault) {
                b.add(",\"default\":");
                if (c.defaultExpr() == null) {
                    b.add("null");
                } else {
                    b.json(c.defaultExpr());
                }
            }
            b.add("}");
        }
    }

    /** {@code pg_decode_truncate_v2}: one object per selected table. */
    private void truncate(Transaction txn, Lsn lsn, Change.Truncate t, OutputWriter out) {
        if (!options.actionTruncate) {
            return;
        }
        for (Relation r : t.relations()) {
            if (!tableSelected(r)) {
                continue;
            }
            Buf b = new Buf().add("{\"action\":\"T\"");
            head(b, txn, lsn);
            table(b, r);
            b.add("}").writeTo(out);
        }
    }

    @Override
    public void message(Lsn lsn, Change.Message m, OutputWriter out) {
        if (messageSelected(m.prefix())) {
            writeMessage(null, lsn, m, out);
        }
    }

    /** {@code pg_decode_message_v2}: a non-transactional message has null xid, timestamp and origin. */
    private void writeMessage(Transaction txn, Lsn lsn, Change.Message m, OutputWriter out) {
        boolean transactional = m.transactional() && txn != null;
        Buf b = new Buf().add("{\"action\":\"M\"");
        if (options.includeXids) {
            b.add(",\"xid\":").add(transactional ? xid(txn) : "null");
        }
        if (options.includeTimestamp) {
            b.add(",\"timestamp\":").add(transactional ? "\"" + commitTime(txn) + "\"" : "null");
        }
        if (options.includeOrigin) {
            b.add(",\"origin\":").add(transactional ? Long.toString(originId(txn)) : "null");
        }
        if (options.includeLsn) {
            b.add(",\"lsn\":\"").add(lsn.toString()).add("\"");
        }
        b.add(m.transactional() ? ",\"transactional\":true" : ",\"transactional\":false");
        b.add(",\"prefix\":").json(m.prefix());
        b.add(",\"content\":").json(m.content());
        b.add("}").writeTo(out);
    }
}
