package io.slotway.core.wal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Tuple;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * WAL record payloads: one kind byte, then a protobuf message with hand-assigned field numbers (no
 * generated code). The layouts, as .proto would write them, are in the core README ("WAL and slots");
 * field numbers are never reused. Unknown fields are skipped, so a field can be added later.
 */
final class RecordCodec {
    static final byte BEGIN = 1;
    static final byte RELATION = 2;
    static final byte CHANGE = 3;
    static final byte SCHEMA = 4;
    static final byte PREPARE = 5;
    static final byte COMMIT = 6;
    static final byte ABORT = 7;
    static final byte MESSAGE = 8;
    /** The rest of the segment is unused; the next record is at the next segment's first record. */
    static final byte SWITCH = 9;
    /** A publication created, changed or dropped inside a transaction. */
    static final byte PUBLICATION = 10;

    static final int OP_INSERT = 1;
    static final int OP_UPDATE = 2;
    static final int OP_DELETE = 3;
    static final int OP_TRUNCATE = 4;
    static final int OP_MESSAGE = 5;

    /** Tuple value kinds. */
    static final int V_BINARY = 0;
    static final int V_NULL = 1;
    static final int V_UNCHANGED_TOAST = 2;
    static final int V_TEXT = 3;

    private RecordCodec() {}

    record Begin(long xid, long sourceSeq) {}

    record Prepare(long xid, long sourceSeq, Instant commitTime, long beginLsn) {}

    /** COMMIT or ABORT of the transaction whose PREPARE is at {@code prepareLsn}. */
    record Resolution(long xid, long sourceSeq, long prepareLsn) {}

    record Schema(long relationOid, Relation after, String commandTag, String statement) {}

    /** A PUBLICATION record: {@code after} null when the publication was dropped. */
    record PublicationChange(String name, Publication after) {}

    static byte kind(byte[] payload) {
        return payload[0];
    }

    // ---- encoding ----

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(byte kind, Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            bytes.write(kind);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] begin(long xid, long sourceSeq) {
        return encode(BEGIN, out -> {
            out.writeUInt64(1, xid);
            out.writeUInt64(2, sourceSeq);
        });
    }

    static byte[] prepare(long xid, long sourceSeq, Instant commitTime, long beginLsn) {
        return encode(PREPARE, out -> {
            out.writeUInt64(1, xid);
            out.writeUInt64(2, sourceSeq);
            out.writeInt64(3, commitTime.getEpochSecond());
            out.writeInt32(4, commitTime.getNano());
            out.writeUInt64(5, beginLsn);
        });
    }

    static byte[] commit(long xid, long sourceSeq, long prepareLsn) {
        return resolution(COMMIT, xid, sourceSeq, prepareLsn);
    }

    static byte[] abort(long xid, long sourceSeq, long prepareLsn) {
        return resolution(ABORT, xid, sourceSeq, prepareLsn);
    }

    private static byte[] resolution(byte kind, long xid, long sourceSeq, long prepareLsn) {
        return encode(kind, out -> {
            out.writeUInt64(1, xid);
            out.writeUInt64(2, sourceSeq);
            out.writeUInt64(3, prepareLsn);
        });
    }

    static byte[] switchRecord() {
        return new byte[] {SWITCH};
    }

    static byte[] message(long xid, String prefix, byte[] content) {
        return encode(MESSAGE, out -> {
            out.writeString(1, prefix);
            out.writeByteArray(2, content);
            if (xid != 0) {
                out.writeUInt64(3, xid);
            }
        });
    }

    /** The xid of the transaction that emitted a MESSAGE record (field 3), 0 when it had none. */
    static long decodeMessageXid(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == 3) {
                return in.readUInt64();
            }
            in.skipField(tag);
        }
        return 0;
    }

    static byte[] relation(Relation r) {
        byte[] body = relationBody(r);
        byte[] payload = new byte[body.length + 1];
        payload[0] = RELATION;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }

    private static byte[] relationBody(Relation r) {
        return message(out -> {
            out.writeUInt64(1, r.oid());
            out.writeString(2, r.schema());
            out.writeString(3, r.name());
            out.writeUInt32(4, r.replicaIdentity());
            for (Column c : r.columns()) {
                out.writeByteArray(5, message(col -> {
                    col.writeString(1, c.name());
                    col.writeUInt32(2, c.typeOid());
                    col.writeSInt32(3, c.typmod());
                    col.writeBool(4, c.key());
                    col.writeBool(5, c.notNull());
                    if (c.defaultExpr() != null) {
                        col.writeString(6, c.defaultExpr());
                    }
                    // written only when it differs from key, so records of older builds read the same
                    if (c.primaryKey() != c.key()) {
                        col.writeBool(7, c.primaryKey());
                    }
                }));
            }
        });
    }

    static byte[] schema(long relationOid, Relation after, String commandTag, String statement) {
        return encode(SCHEMA, out -> {
            out.writeUInt64(1, relationOid);
            if (after != null) {
                out.writeByteArray(2, relationBody(after));
            }
            if (commandTag != null) {
                out.writeString(3, commandTag);
            }
            if (statement != null) {
                out.writeString(4, statement);
            }
        });
    }

    /** A PUBLICATION record: {@code name} created or changed to {@code after}, or dropped ({@code after} null). */
    static byte[] publication(String name, Publication after) {
        return encode(PUBLICATION, out -> {
            out.writeString(1, name);
            if (after != null) {
                out.writeByteArray(2, publicationBody(after));
            }
        });
    }

    /** Publication { uint64 oid = 1; string name = 2; bool all_tables = 3; repeated uint64 tables = 4 [packed];
     *  repeated string schemas = 5; bool insert = 6; bool update = 7; bool delete = 8; bool truncate = 9;
     *  bool via_root = 10; } */
    static byte[] publicationBody(Publication p) {
        return message(out -> {
            out.writeUInt64(1, p.oid());
            out.writeString(2, p.name());
            out.writeBool(3, p.allTables());
            if (!p.tables().isEmpty()) {
                List<Long> tables = p.tables().stream().sorted(Long::compareUnsigned).toList();
                int size = 0;
                for (long t : tables) {
                    size += CodedOutputStream.computeUInt64SizeNoTag(t);
                }
                out.writeTag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(size);
                for (long t : tables) {
                    out.writeUInt64NoTag(t);
                }
            }
            for (String schema : p.schemas().stream().sorted().toList()) {
                out.writeString(5, schema);
            }
            out.writeBool(6, p.insert());
            out.writeBool(7, p.update());
            out.writeBool(8, p.delete());
            out.writeBool(9, p.truncate());
            out.writeBool(10, p.viaRoot());
        });
    }

    /** A CHANGE record; the relations it names must have been written before it (RELATION records). */
    static byte[] change(Change change) throws PgException {
        byte[][] tuples = new byte[2][];
        if (change instanceof Change.Insert c) {
            tuples[1] = tuple(c.relation(), c.newTuple());
        } else if (change instanceof Change.Update c) {
            tuples[0] = c.oldTuple() == null ? null : tuple(c.relation(), c.oldTuple());
            tuples[1] = tuple(c.relation(), c.newTuple());
        } else if (change instanceof Change.Delete c) {
            tuples[0] = c.oldTuple() == null ? null : tuple(c.relation(), c.oldTuple());
        }
        return encode(CHANGE, out -> {
            if (change instanceof Change.Insert c) {
                out.writeUInt32(1, OP_INSERT);
                out.writeUInt64(2, c.relation().oid());
            } else if (change instanceof Change.Update c) {
                out.writeUInt32(1, OP_UPDATE);
                out.writeUInt64(2, c.relation().oid());
                out.writeBool(5, c.oldIsKey());
            } else if (change instanceof Change.Delete c) {
                out.writeUInt32(1, OP_DELETE);
                out.writeUInt64(2, c.relation().oid());
                out.writeBool(5, c.oldIsKey());
            } else if (change instanceof Change.Truncate c) {
                out.writeUInt32(1, OP_TRUNCATE);
                for (Relation r : c.relations()) {
                    out.writeUInt64(6, r.oid());
                }
                out.writeBool(7, c.cascade());
                out.writeBool(8, c.restartIdentity());
            } else if (change instanceof Change.Message c) {
                out.writeUInt32(1, OP_MESSAGE);
                out.writeString(9, c.prefix());
                out.writeByteArray(10, c.content());
            }
            if (tuples[0] != null) {
                out.writeByteArray(3, tuples[0]);
            }
            if (tuples[1] != null) {
                out.writeByteArray(4, tuples[1]);
            }
        });
    }

    /** Tuple: 1 = packed value kinds, 2 = one bytes entry per BINARY or TEXT value, in order. */
    private static byte[] tuple(Relation relation, Tuple tuple) throws PgException {
        List<Column> columns = relation.columns();
        if (tuple.size() > columns.size()) {
            throw new PgException(SqlState.INTERNAL_ERROR, "tuple has " + tuple.size() + " values but relation \""
                    + relation.name() + "\" has " + columns.size() + " columns");
        }
        int[] kinds = new int[tuple.size()];
        byte[][] data = new byte[tuple.size()][];
        for (int i = 0; i < kinds.length; i++) {
            Object v = tuple.get(i);
            if (v == null) {
                kinds[i] = V_NULL;
            } else if (v == Tuple.UNCHANGED_TOAST) {
                kinds[i] = V_UNCHANGED_TOAST;
            } else {
                PgType type = PgType.byOid(columns.get(i).typeOid());
                if (type == null) {
                    if (!(v instanceof String s)) {
                        throw badValue(relation, columns.get(i), v, null);
                    }
                    kinds[i] = V_TEXT;
                    data[i] = s.getBytes(StandardCharsets.UTF_8);
                } else {
                    kinds[i] = V_BINARY;
                    try {
                        data[i] = PgValues.toBinary(type, v);
                    } catch (RuntimeException e) {
                        throw badValue(relation, columns.get(i), v, e);
                    }
                }
            }
        }
        return message(out -> {
            int size = 0;
            for (int k : kinds) {
                size += CodedOutputStream.computeUInt32SizeNoTag(k);
            }
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(size);
            for (int k : kinds) {
                out.writeUInt32NoTag(k);
            }
            for (byte[] d : data) {
                if (d != null) {
                    out.writeByteArray(2, d);
                }
            }
        });
    }

    private static PgException badValue(Relation r, Column c, Object v, Exception cause) {
        return new PgException(SqlState.INTERNAL_ERROR, "cannot log value of class " + v.getClass().getName()
                + " for column \"" + c.name() + "\" of relation \"" + r.name() + "\" (type OID " + c.typeOid() + ")", cause);
    }

    // ---- decoding ----

    private static CodedInputStream body(byte[] payload) {
        return CodedInputStream.newInstance(payload, 1, payload.length - 1);
    }

    static Begin decodeBegin(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        long xid = 0;
        long seq = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> xid = in.readUInt64();
                case 2 -> seq = in.readUInt64();
                default -> in.skipField(tag);
            }
        }
        return new Begin(xid, seq);
    }

    static Prepare decodePrepare(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        long xid = 0;
        long seq = 0;
        long seconds = 0;
        int nanos = 0;
        long begin = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> xid = in.readUInt64();
                case 2 -> seq = in.readUInt64();
                case 3 -> seconds = in.readInt64();
                case 4 -> nanos = in.readInt32();
                case 5 -> begin = in.readUInt64();
                default -> in.skipField(tag);
            }
        }
        return new Prepare(xid, seq, Instant.ofEpochSecond(seconds, nanos), begin);
    }

    static Resolution decodeResolution(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        long xid = 0;
        long seq = 0;
        long prepare = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> xid = in.readUInt64();
                case 2 -> seq = in.readUInt64();
                case 3 -> prepare = in.readUInt64();
                default -> in.skipField(tag);
            }
        }
        return new Resolution(xid, seq, prepare);
    }

    static Change.Message decodeMessage(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        String prefix = "";
        byte[] content = new byte[0];
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> prefix = in.readString();
                case 2 -> content = in.readByteArray();
                default -> in.skipField(tag);
            }
        }
        return new Change.Message(false, prefix, content);
    }

    static Relation decodeRelation(byte[] payload) throws IOException {
        return relationFrom(body(payload));
    }

    private static Relation relationFrom(CodedInputStream in) throws IOException {
        long oid = 0;
        String schema = "";
        String name = "";
        char identity = 'd';
        List<Column> columns = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> oid = in.readUInt64();
                case 2 -> schema = in.readString();
                case 3 -> name = in.readString();
                case 4 -> identity = (char) in.readUInt32();
                case 5 -> columns.add(columnFrom(CodedInputStream.newInstance(in.readByteArray())));
                default -> in.skipField(tag);
            }
        }
        return new Relation(oid, schema, name, identity, columns);
    }

    private static Column columnFrom(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        int typmod = 0;
        boolean key = false;
        boolean notNull = false;
        String defaultExpr = null;
        Boolean primaryKey = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> type = in.readUInt32();
                case 3 -> typmod = in.readSInt32();
                case 4 -> key = in.readBool();
                case 5 -> notNull = in.readBool();
                case 6 -> defaultExpr = in.readString();
                case 7 -> primaryKey = in.readBool();
                default -> in.skipField(tag);
            }
        }
        return new Column(name, type, typmod, key, notNull, defaultExpr, primaryKey != null ? primaryKey : key);
    }

    static Schema decodeSchema(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        long oid = 0;
        Relation after = null;
        String tag0 = null;
        String statement = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> oid = in.readUInt64();
                case 2 -> after = relationFrom(CodedInputStream.newInstance(in.readByteArray()));
                case 3 -> tag0 = in.readString();
                case 4 -> statement = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Schema(oid, after, tag0, statement);
    }

    static PublicationChange decodePublication(byte[] payload) throws IOException {
        CodedInputStream in = body(payload);
        String name = "";
        Publication after = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> after = publicationFrom(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        return new PublicationChange(name, after);
    }

    static Publication publicationFrom(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        long oid = 0;
        String name = "";
        boolean allTables = false;
        Set<Long> tables = new LinkedHashSet<>();
        Set<String> schemas = new LinkedHashSet<>();
        boolean insert = false;
        boolean update = false;
        boolean delete = false;
        boolean truncate = false;
        boolean viaRoot = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> oid = in.readUInt64();
                case 2 -> name = in.readString();
                case 3 -> allTables = in.readBool();
                case 4 -> readRepeated(in, tag, CodedInputStream::readUInt64, v -> tables.add(v));
                case 5 -> schemas.add(in.readString());
                case 6 -> insert = in.readBool();
                case 7 -> update = in.readBool();
                case 8 -> delete = in.readBool();
                case 9 -> truncate = in.readBool();
                case 10 -> viaRoot = in.readBool();
                default -> in.skipField(tag);
            }
        }
        return new Publication(oid, name, allTables, tables, schemas, insert, update, delete, truncate, viaRoot);
    }

    /** Decodes a CHANGE record; {@code relations} gives the relation definitions in force at it. */
    static Change decodeChange(byte[] payload, LongFunction<Relation> relations) throws IOException, PgException {
        CodedInputStream in = body(payload);
        int op = 0;
        long oid = 0;
        byte[] oldTuple = null;
        byte[] newTuple = null;
        boolean oldIsKey = false;
        List<Long> truncated = new ArrayList<>();
        boolean cascade = false;
        boolean restartIdentity = false;
        String prefix = "";
        byte[] content = new byte[0];
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> op = in.readUInt32();
                case 2 -> oid = in.readUInt64();
                case 3 -> oldTuple = in.readByteArray();
                case 4 -> newTuple = in.readByteArray();
                case 5 -> oldIsKey = in.readBool();
                case 6 -> readRepeated(in, tag, CodedInputStream::readUInt64, v -> truncated.add(v));
                case 7 -> cascade = in.readBool();
                case 8 -> restartIdentity = in.readBool();
                case 9 -> prefix = in.readString();
                case 10 -> content = in.readByteArray();
                default -> in.skipField(tag);
            }
        }
        switch (op) {
            case OP_INSERT -> {
                Relation r = relation(relations, oid);
                return new Change.Insert(r, decodeTuple(r, newTuple));
            }
            case OP_UPDATE -> {
                Relation r = relation(relations, oid);
                return new Change.Update(r, oldTuple == null ? null : decodeTuple(r, oldTuple), oldIsKey,
                        decodeTuple(r, newTuple));
            }
            case OP_DELETE -> {
                Relation r = relation(relations, oid);
                return new Change.Delete(r, oldTuple == null ? null : decodeTuple(r, oldTuple), oldIsKey);
            }
            case OP_TRUNCATE -> {
                List<Relation> rs = new ArrayList<>();
                for (long o : truncated) {
                    rs.add(relation(relations, o));
                }
                return new Change.Truncate(rs, cascade, restartIdentity);
            }
            case OP_MESSAGE -> {
                return new Change.Message(true, prefix, content);
            }
            default -> throw new IOException("unknown change operation " + op);
        }
    }

    private static Relation relation(LongFunction<Relation> relations, long oid) throws IOException {
        Relation r = relations.apply(oid);
        if (r == null) {
            throw new IOException("change names relation " + oid + " with no RELATION record before it");
        }
        return r;
    }

    private static Tuple decodeTuple(Relation relation, byte[] bytes) throws IOException, PgException {
        if (bytes == null) {
            throw new IOException("change without its tuple");
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        List<Integer> kinds = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readRepeated(in, tag, CodedInputStream::readUInt32, v -> kinds.add((int) v));
                case 2 -> data.add(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        Object[] values = new Object[kinds.size()];
        int d = 0;
        for (int i = 0; i < values.length; i++) {
            switch (kinds.get(i)) {
                case V_NULL -> values[i] = null;
                case V_UNCHANGED_TOAST -> values[i] = Tuple.UNCHANGED_TOAST;
                case V_TEXT -> values[i] = new String(data.get(d++), StandardCharsets.UTF_8);
                case V_BINARY -> {
                    Column c = relation.columns().get(i);
                    values[i] = PgValues.fromBinary(PgType.byOid(c.typeOid()), c.typmod(), data.get(d++));
                }
                default -> throw new IOException("unknown value kind " + kinds.get(i));
            }
        }
        return new Tuple(values);
    }

    /** Reads one varint of a repeated field. */
    @FunctionalInterface
    private interface VarintReader {
        long read(CodedInputStream in) throws IOException;
    }

    /** A repeated varint field, packed (length-delimited) or one value per tag: protobuf allows both. */
    private static void readRepeated(CodedInputStream in, int tag, VarintReader read, java.util.function.LongConsumer add)
            throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                add.accept(read.read(in));
            }
            in.popLimit(limit);
        } else {
            add.accept(read.read(in));
        }
    }
}
