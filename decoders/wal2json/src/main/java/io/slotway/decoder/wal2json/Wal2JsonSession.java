package io.slotway.decoder.wal2json;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.time.Instant;

/**
 * What both output formats share: the options, the filters ({@code pg_filter_by_origin},
 * {@code pg_filter_by_action}, {@code pg_filter_by_table}, {@code pg_add_by_table}, the message prefix
 * filters), relation facts as wal2json reads them from the relcache, and how a value is written.
 */
abstract class Wal2JsonSession implements PluginSession {
    private static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    final Options options;
    final DecodingContext context;
    private final SessionFormat format;
    /** {@code timestamptz_to_str}: always ISO, in the session TimeZone. */
    private final SessionFormat commitTimeFormat;

    Wal2JsonSession(Options options, DecodingContext context) {
        this.options = options;
        this.context = context;
        this.format = context.format();
        this.commitTimeFormat = new SessionFormat("ISO, MDY", format.intervalStyle(), format.timeZone(),
                format.extraFloatDigits(), format.byteaHex());
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    /** {@code elog(WARNING, ...)}: a WARNING with SQLSTATE 01000 to the client. */
    final void warning(String message) {
        context.notice(new PgException(PgException.Severity.WARNING, SqlState.WARNING, message, null, null, 0, null));
    }

    /**
     * {@code txn->origin_id}: Slotway names origins; a numeric name is taken as the id, anything else (and
     * a local transaction) is 0 (InvalidRepOriginId).
     */
    static long originId(Transaction txn) {
        String origin = txn.origin();
        if (origin == null || origin.isEmpty() || origin.length() > 10 || !origin.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return Long.parseLong(origin) & 0xFFFFFFFFL;
    }

    /** {@code pg_filter_by_origin}: a transaction from an origin in {@code filter-origins} decodes no change. */
    final boolean filteredByOrigin(Transaction txn) {
        long id = originId(txn);
        return id != 0 && options.filterOrigins.contains(id);
    }

    /** {@code pg_filter_by_action} for INSERT, UPDATE and DELETE. */
    final boolean filteredByAction(Change change) {
        return change instanceof Change.Insert && !options.actionInsert
                || change instanceof Change.Update && !options.actionUpdate
                || change instanceof Change.Delete && !options.actionDelete;
    }

    /** {@code pg_filter_by_table}, then {@code pg_add_by_table}: whether a relation's changes are written. */
    final boolean tableSelected(Relation r) {
        for (TableSelector t : options.filterTables) {
            if (t.matches(r.schema(), r.name())) {
                return false;
            }
        }
        for (TableSelector t : options.addTables) {
            if (t.matches(r.schema(), r.name())) {
                return true;
            }
        }
        return false;
    }

    /** The prefix filters of {@code pg_decode_message}. */
    final boolean messageSelected(String prefix) {
        if (options.filterMsgPrefixes.contains(prefix)) {
            return false;
        }
        return options.addMsgPrefixes.isEmpty() || options.addMsgPrefixes.contains(prefix);
    }

    /**
     * Whether {@code rd_replidindex} is set: REPLICA IDENTITY DEFAULT with a primary key, or USING INDEX.
     * (NOTHING and FULL have none.)
     */
    static boolean hasReplicaIdentityIndex(Relation r) {
        return (r.replicaIdentity() == 'd' || r.replicaIdentity() == 'i') && r.hasKey();
    }

    /**
     * Whether a column is in {@code INDEX_ATTR_BITMAP_IDENTITY_KEY}; null means no bitmap (FULL, NOTHING),
     * which wal2json reads as "every column".
     */
    static boolean[] identityColumns(Relation r) {
        return hasReplicaIdentityIndex(r) ? keyFlags(r) : null;
    }

    /**
     * The primary key's columns ({@code rd_pkindex}, {@code INDEX_ATTR_BITMAP_PRIMARY_KEY}: whatever the
     * replica identity), or null when the table has none.
     */
    static boolean[] primaryKeyColumns(Relation r) {
        boolean[] b = new boolean[r.columns().size()];
        boolean any = false;
        for (int i = 0; i < b.length; i++) {
            b[i] = r.columns().get(i).primaryKey();
            any |= b[i];
        }
        return any ? b : null;
    }

    private static boolean[] keyFlags(Relation r) {
        boolean[] b = new boolean[r.columns().size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.columns().get(i).key();
        }
        return b;
    }

    static String xid(Transaction txn) {
        return Long.toString(txn.xid() & 0xFFFFFFFFL);
    }

    final String commitTime(Transaction txn) {
        Instant at = txn.commitTime() == null ? PG_EPOCH : txn.commitTime();
        return PgValues.toText(PgType.TIMESTAMPTZ, at, commitTimeFormat);
    }

    /**
     * A non-null value as wal2json writes it: integers, oid, floats and numeric bare (NaN and infinities as
     * {@code null}), booleans as {@code true}/{@code false}, bytea's text form without its leading two
     * characters ({@code \x}), everything else as a JSON string of its text form.
     */
    final void value(Buf out, Column column, Object value) {
        if (value == null) {
            out.add("null");
            return;
        }
        PgType type = PgType.byOid(column.typeOid());
        // types Slotway does not know travel as their text form
        String text = type == null ? value.toString() : PgValues.toText(type, value, format);
        switch (column.typeOid()) {
            case 20, 21, 23, 26, 700, 701, 1700 -> {
                if (startsWithIgnoreCase(text, "NaN") || startsWithIgnoreCase(text, "Infinity")
                        || startsWithIgnoreCase(text, "-Infinity")) {
                    out.add("null");
                } else {
                    out.add(text);
                }
            }
            case 16 -> out.add(text.equals("t") ? "true" : "false");
            case 17 -> out.json(text.substring(Math.min(2, text.length())));
            default -> out.json(text);
        }
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
