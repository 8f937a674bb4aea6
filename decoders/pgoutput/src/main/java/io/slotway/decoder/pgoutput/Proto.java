package io.slotway.decoder.pgoutput;

import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The wire encoding of PostgreSQL's "Logical Replication Message Formats" (protocol versions 1 to 3, as
 * PostgreSQL 15 writes them outside streamed transactions, so without the xid field): one method per
 * message, writing its body into an already prepared output message. Integers are in network byte order,
 * strings UTF-8 with a terminating zero byte.
 */
final class Proto {
    private Proto() {}

    static final byte BEGIN = 'B';
    static final byte COMMIT = 'C';
    static final byte ORIGIN = 'O';
    static final byte RELATION = 'R';
    static final byte TYPE = 'Y';
    static final byte INSERT = 'I';
    static final byte UPDATE = 'U';
    static final byte DELETE = 'D';
    static final byte TRUNCATE = 'T';
    static final byte MESSAGE = 'M';

    static final byte TUPLE_NEW = 'N';
    static final byte TUPLE_KEY = 'K';
    static final byte TUPLE_OLD = 'O';

    static final byte COLUMN_NULL = 'n';
    static final byte COLUMN_UNCHANGED_TOAST = 'u';
    static final byte COLUMN_TEXT = 't';
    static final byte COLUMN_BINARY = 'b';

    /** Relation column flag: part of the replica identity. */
    static final int FLAG_KEY = 1;
    static final int TRUNCATE_CASCADE = 1;
    static final int TRUNCATE_RESTART_IDENTITY = 2;
    static final int MESSAGE_TRANSACTIONAL = 1;

    /** 2000-01-01 00:00:00 UTC, PostgreSQL's epoch, in Unix seconds. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    /** Begin: the commit LSN (PostgreSQL's final_lsn), the commit time, the xid. */
    static void begin(OutputWriter out, Transaction txn) {
        out.appendByte(BEGIN);
        out.appendInt64(txn.commitLsn().value());
        out.appendInt64(timestamp(txn.commitTime()));
        out.appendInt32((int) txn.xid());
    }

    /** Commit: flags (none defined), the commit LSN, the end LSN, the commit time. */
    static void commit(OutputWriter out, Transaction txn) {
        out.appendByte(COMMIT);
        out.appendByte(0);
        out.appendInt64(txn.commitLsn().value());
        out.appendInt64(txn.endLsn().value());
        out.appendInt64(timestamp(txn.commitTime()));
    }

    /** Origin: the commit LSN on the origin server, the origin's name. */
    static void origin(OutputWriter out, Lsn originLsn, String name) {
        out.appendByte(ORIGIN);
        out.appendInt64(originLsn.value());
        string(out, name);
    }

    /**
     * Relation: OID, namespace, name, replica identity, then each column's flags, name, type OID and type
     * modifier. Key flags as {@code logicalrep_write_attrs} sets them: every column for REPLICA IDENTITY
     * FULL, none for NOTHING, else the identity key's columns.
     */
    static void relation(OutputWriter out, Relation rel) {
        out.appendByte(RELATION);
        out.appendInt32((int) rel.oid());
        string(out, namespace(rel.schema()));
        string(out, rel.name());
        out.appendByte(rel.replicaIdentity());
        List<Column> columns = rel.columns();
        out.appendInt16(columns.size());
        for (Column c : columns) {
            boolean key = switch (rel.replicaIdentity()) {
                case 'f' -> true;
                case 'n' -> false;
                default -> c.key();
            };
            out.appendByte(key ? FLAG_KEY : 0);
            string(out, c.name());
            out.appendInt32(c.typeOid());
            out.appendInt32(c.typmod());
        }
    }

    /** Type: OID, namespace and name of a type that is not built in. */
    static void type(OutputWriter out, int oid, String namespace, String name) {
        out.appendByte(TYPE);
        out.appendInt32(oid);
        string(out, namespace(namespace));
        string(out, name);
    }

    static void insert(OutputWriter out, Relation rel, Tuple newTuple, Values values) {
        out.appendByte(INSERT);
        out.appendInt32((int) rel.oid());
        out.appendByte(TUPLE_NEW);
        tuple(out, rel, newTuple, values);
    }

    /** Update: the old tuple (K for a key, O for REPLICA IDENTITY FULL's whole row) if any, then the new. */
    static void update(OutputWriter out, Relation rel, Tuple oldTuple, Tuple newTuple, Values values) {
        out.appendByte(UPDATE);
        out.appendInt32((int) rel.oid());
        if (oldTuple != null) {
            out.appendByte(rel.replicaIdentity() == 'f' ? TUPLE_OLD : TUPLE_KEY);
            tuple(out, rel, oldTuple, values);
        }
        out.appendByte(TUPLE_NEW);
        tuple(out, rel, newTuple, values);
    }

    static void delete(OutputWriter out, Relation rel, Tuple oldTuple, Values values) {
        out.appendByte(DELETE);
        out.appendInt32((int) rel.oid());
        out.appendByte(rel.replicaIdentity() == 'f' ? TUPLE_OLD : TUPLE_KEY);
        tuple(out, rel, oldTuple, values);
    }

    static void truncate(OutputWriter out, List<Long> relationOids, boolean cascade, boolean restartIdentity) {
        out.appendByte(TRUNCATE);
        out.appendInt32(relationOids.size());
        out.appendByte((cascade ? TRUNCATE_CASCADE : 0) | (restartIdentity ? TRUNCATE_RESTART_IDENTITY : 0));
        for (long oid : relationOids) {
            out.appendInt32((int) oid);
        }
    }

    static void message(OutputWriter out, Lsn lsn, boolean transactional, String prefix, byte[] content) {
        out.appendByte(MESSAGE);
        out.appendByte(transactional ? MESSAGE_TRANSACTIONAL : 0);
        out.appendInt64(lsn.value());
        string(out, prefix);
        out.appendInt32(content.length);
        out.appendBytes(content);
    }

    /** How column values are written: text output under the session's settings, or binary send format. */
    record Values(boolean binary, SessionFormat format) {}

    /** TupleData: the column count, then each column as n, u, t (text) or b (binary). */
    static void tuple(OutputWriter out, Relation rel, Tuple tuple, Values values) {
        List<Column> columns = rel.columns();
        out.appendInt16(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Object v = i < tuple.size() ? tuple.get(i) : null;
            if (v == null) {
                out.appendByte(COLUMN_NULL);
            } else if (v == Tuple.UNCHANGED_TOAST) {
                out.appendByte(COLUMN_UNCHANGED_TOAST);
            } else {
                PgType type = PgType.byOid(columns.get(i).typeOid());
                byte[] data;
                // Every built-in type Slotway knows has a send function; a type it does not know is
                // carried as its text form and can only be sent as text.
                if (values.binary() && type != null) {
                    out.appendByte(COLUMN_BINARY);
                    data = PgValues.toBinary(type, v);
                } else {
                    out.appendByte(COLUMN_TEXT);
                    String text = type != null ? PgValues.toText(type, v, values.format()) : v.toString();
                    data = text.getBytes(StandardCharsets.UTF_8);
                }
                out.appendInt32(data.length);
                out.appendBytes(data);
            }
        }
    }

    /** {@code logicalrep_write_namespace}: pg_catalog is sent as the empty string. */
    static String namespace(String name) {
        return "pg_catalog".equals(name) ? "" : name;
    }

    /** Microseconds since 2000-01-01 00:00:00 UTC. */
    static long timestamp(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), t.getNano() / 1_000);
    }

    private static void string(OutputWriter out, String s) {
        out.appendBytes(s.getBytes(StandardCharsets.UTF_8));
        out.appendByte(0);
    }
}
