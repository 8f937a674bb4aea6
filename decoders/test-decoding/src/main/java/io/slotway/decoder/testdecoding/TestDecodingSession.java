package io.slotway.decoder.testdecoding;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.sql.PgIdentifiers;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.time.Instant;
import java.util.List;

/**
 * One stream of test_decoding: PostgreSQL's {@code TestDecodingData} (the options) and
 * {@code TestDecodingTxnData} (whether the current transaction wrote a change, for the lazy BEGIN of
 * {@code skip-empty-xacts}). Callbacks follow test_decoding.c one for one.
 */
final class TestDecodingSession implements PluginSession {
    private static final int OID_INT2 = 21;
    private static final int OID_INT4 = 23;
    private static final int OID_INT8 = 20;
    private static final int OID_OID = 26;
    private static final int OID_FLOAT4 = 700;
    private static final int OID_FLOAT8 = 701;
    private static final int OID_NUMERIC = 1700;
    private static final int OID_BIT = 1560;
    private static final int OID_VARBIT = 1562;
    private static final int OID_BOOL = 16;
    /** PostgreSQL's TimestampTz 0, what a commit record without a time would show. */
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final Options options;
    private final SessionFormat format;
    /** {@code timestamptz_to_str} always writes ISO, whatever DateStyle says, in the session TimeZone. */
    private final SessionFormat commitTimeFormat;

    /** {@code txn->output_plugin_private->xact_wrote_changes}. */
    private boolean xactWroteChanges;

    TestDecodingSession(Options options, SessionFormat format) {
        this.options = options;
        this.format = format;
        this.commitTimeFormat = new SessionFormat("ISO, MDY", format.intervalStyle(), format.timeZone(),
                format.extraFloatDigits(), format.byteaHex());
    }

    Options options() {
        return options;
    }

    @Override
    public boolean binaryOutput() {
        return options.forceBinary();
    }

    /** {@code pg_decode_filter}: with only-local, transactions replayed from an origin are not decoded at all. */
    private boolean filtered(Transaction txn) {
        return options.onlyLocal() && txn.origin() != null;
    }

    @Override
    public void begin(Transaction txn, OutputWriter out) {
        xactWroteChanges = false;
        if (filtered(txn) || options.skipEmptyXacts()) {
            return;
        }
        outputBegin(txn, out, true);
    }

    private void outputBegin(Transaction txn, OutputWriter out, boolean last) {
        out.prepareWrite(last);
        out.append(options.includeXids() ? "BEGIN " + xid(txn) : "BEGIN");
        out.write(last);
    }

    @Override
    public void commit(Transaction txn, OutputWriter out) {
        boolean wrote = xactWroteChanges;
        xactWroteChanges = false;
        if (filtered(txn) || options.skipEmptyXacts() && !wrote) {
            return;
        }
        out.prepareWrite(true);
        out.append(options.includeXids() ? "COMMIT " + xid(txn) : "COMMIT");
        if (options.includeTimestamp()) {
            Instant at = txn.commitTime() == null ? PG_EPOCH : txn.commitTime();
            out.append(" (at ").append(PgValues.toText(PgType.TIMESTAMPTZ, at, commitTimeFormat)).append(')');
        }
        out.write(true);
    }

    @Override
    public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) {
        if (filtered(txn)) {
            return;
        }
        if (change instanceof Change.Message m) {
            // pg_decode_message neither starts the lazy BEGIN nor counts as a change
            message(lsn, m, out);
            return;
        }
        if (options.skipEmptyXacts() && !xactWroteChanges) {
            outputBegin(txn, out, false);
        }
        xactWroteChanges = true;
        out.prepareWrite(true);
        out.append("table ");
        if (change instanceof Change.Truncate t) {
            truncate(t, out);
        } else {
            tupleChange(change, out);
        }
        out.write(true);
    }

    private void tupleChange(Change change, OutputWriter out) {
        StringBuilder s = new StringBuilder();
        if (change instanceof Change.Insert i) {
            s.append(qualifiedName(i.relation())).append(": INSERT:");
            tuple(s, i.relation(), i.newTuple(), false);
        } else if (change instanceof Change.Update u) {
            s.append(qualifiedName(u.relation())).append(": UPDATE:");
            if (u.oldTuple() != null) {
                // a key and a FULL old row look the same: only their non-null columns
                s.append(" old-key:");
                tuple(s, u.relation(), u.oldTuple(), true);
                s.append(" new-tuple:");
            }
            tuple(s, u.relation(), u.newTuple(), false);
        } else if (change instanceof Change.Delete d) {
            s.append(qualifiedName(d.relation())).append(": DELETE:");
            if (d.oldTuple() == null) {
                s.append(" (no-tuple-data)");
            } else {
                tuple(s, d.relation(), d.oldTuple(), true);
            }
        }
        out.append(s);
    }

    private static void truncate(Change.Truncate t, OutputWriter out) {
        StringBuilder s = new StringBuilder();
        List<Relation> relations = t.relations();
        for (int i = 0; i < relations.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(qualifiedName(relations.get(i)));
        }
        s.append(": TRUNCATE:");
        if (t.restartIdentity() || t.cascade()) {
            if (t.restartIdentity()) {
                s.append(" restart_seqs");
            }
            if (t.cascade()) {
                s.append(" cascade");
            }
        } else {
            s.append(" (no-flags)");
        }
        out.append(s);
    }

    @Override
    public void message(Lsn lsn, Change.Message m, OutputWriter out) {
        out.prepareWrite(true);
        out.append("message: transactional: ").append(m.transactional() ? "1" : "0")
                .append(" prefix: ").append(m.prefix())
                .append(", sz: ").append(Integer.toString(m.content().length))
                .append(" content:");
        out.appendBytes(m.content());
        out.write(true);
    }

    private static String qualifiedName(Relation r) {
        return PgIdentifiers.quoteQualified(r.schema(), r.name());
    }

    /** {@code tuple_to_stringinfo}. */
    private void tuple(StringBuilder s, Relation relation, Tuple tuple, boolean skipNulls) {
        if (tuple == null) {
            s.append(" (no-tuple-data)");
            return;
        }
        List<Column> columns = relation.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            Object value = i < tuple.size() ? tuple.get(i) : null;
            if (value == null && skipNulls) {
                continue;
            }
            s.append(' ').append(PgIdentifiers.quote(column.name()))
                    .append('[').append(PgTypeNames.formatTypeBe(column.typeOid())).append("]:");
            if (value == null) {
                s.append("null");
            } else if (value == Tuple.UNCHANGED_TOAST) {
                s.append("unchanged-toast-datum");
            } else {
                literal(s, column.typeOid(), text(column.typeOid(), value));
            }
        }
    }

    private String text(int typeOid, Object value) {
        PgType type = PgType.byOid(typeOid);
        // types Slotway does not know travel as their text form
        return type == null ? value.toString() : PgValues.toText(type, value, format);
    }

    /** {@code print_literal}: numbers raw, bits as B'..', booleans as true/false, the rest quoted. */
    private static void literal(StringBuilder s, int typeOid, String text) {
        switch (typeOid) {
            case OID_INT2, OID_INT4, OID_INT8, OID_OID, OID_FLOAT4, OID_FLOAT8, OID_NUMERIC -> s.append(text);
            case OID_BIT, OID_VARBIT -> s.append("B'").append(text).append('\'');
            case OID_BOOL -> s.append(text.equals("t") ? "true" : "false");
            default -> {
                s.append('\'');
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '\'') {
                        s.append(c);
                    }
                    s.append(c);
                }
                s.append('\'');
            }
        }
    }

    /** test_decoding prints the 32-bit TransactionId with %u. */
    private static String xid(Transaction txn) {
        return Long.toString(txn.xid() & 0xFFFFFFFFL);
    }
}
