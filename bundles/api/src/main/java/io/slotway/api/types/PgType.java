package io.slotway.api.types;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A PostgreSQL built-in type, as {@code pg_type} describes it: OID, name, length ({@code typlen}; -1 for
 * varlena), category ({@code typcategory}), and the OIDs of its array type or element type.
 */
public final class PgType {
    private static final Map<Integer, PgType> BY_OID = new LinkedHashMap<>();
    private static final Map<String, PgType> BY_NAME = new LinkedHashMap<>();

    public static final PgType BOOL = scalar(16, "bool", 1, 'B', 1000);
    public static final PgType BYTEA = scalar(17, "bytea", -1, 'U', 1001);
    public static final PgType CHAR = scalar(18, "char", 1, 'Z', 1002);
    public static final PgType NAME = scalar(19, "name", 64, 'S', 1003);
    public static final PgType INT8 = scalar(20, "int8", 8, 'N', 1016);
    public static final PgType INT2 = scalar(21, "int2", 2, 'N', 1005);
    public static final PgType INT4 = scalar(23, "int4", 4, 'N', 1007);
    public static final PgType REGPROC = scalar(24, "regproc", 4, 'N', 1008);
    public static final PgType TEXT = scalar(25, "text", -1, 'S', 1009);
    public static final PgType OID = scalar(26, "oid", 4, 'N', 1028);
    public static final PgType XID = scalar(28, "xid", 4, 'U', 1011);
    public static final PgType JSON = scalar(114, "json", -1, 'U', 199);
    public static final PgType FLOAT4 = scalar(700, "float4", 4, 'N', 1021);
    public static final PgType FLOAT8 = scalar(701, "float8", 8, 'N', 1022);
    public static final PgType UNKNOWN = scalar(705, "unknown", -2, 'X', 0);
    public static final PgType BPCHAR = scalar(1042, "bpchar", -1, 'S', 1014);
    public static final PgType VARCHAR = scalar(1043, "varchar", -1, 'S', 1015);
    public static final PgType DATE = scalar(1082, "date", 4, 'D', 1182);
    public static final PgType TIME = scalar(1083, "time", 8, 'D', 1183);
    public static final PgType TIMESTAMP = scalar(1114, "timestamp", 8, 'D', 1115);
    public static final PgType TIMESTAMPTZ = scalar(1184, "timestamptz", 8, 'D', 1185);
    public static final PgType INTERVAL = scalar(1186, "interval", 16, 'T', 1187);
    public static final PgType TIMETZ = scalar(1266, "timetz", 12, 'D', 1270);
    public static final PgType NUMERIC = scalar(1700, "numeric", -1, 'N', 1231);
    public static final PgType REGCLASS = scalar(2205, "regclass", 4, 'N', 2210);
    public static final PgType REGTYPE = scalar(2206, "regtype", 4, 'N', 2211);
    public static final PgType UUID = scalar(2950, "uuid", 16, 'U', 2951);
    public static final PgType PG_LSN = scalar(3220, "pg_lsn", 8, 'U', 3221);
    public static final PgType JSONB = scalar(3802, "jsonb", -1, 'U', 3807);
    public static final PgType VOID = scalar(2278, "void", 4, 'P', 0);
    public static final PgType RECORD = scalar(2249, "record", -1, 'P', 2287);
    public static final PgType INT2VECTOR = scalar(22, "int2vector", -1, 'A', 1006);
    public static final PgType OIDVECTOR = scalar(30, "oidvector", -1, 'A', 1013);
    public static final PgType PG_NODE_TREE = scalar(194, "pg_node_tree", -1, 'Z', 0);
    public static final PgType ACLITEM = scalar(1033, "aclitem", 12, 'U', 1034);
    public static final PgType REGNAMESPACE = scalar(4089, "regnamespace", 4, 'N', 4090);
    /** {@code inet}: canonical value is its text form ({@code 127.0.0.1}, {@code ::1/64}). */
    public static final PgType INET = scalar(869, "inet", -1, 'I', 1041);

    public static final PgType BOOL_ARRAY = array(BOOL);
    public static final PgType BYTEA_ARRAY = array(BYTEA);
    public static final PgType CHAR_ARRAY = array(CHAR);
    public static final PgType NAME_ARRAY = array(NAME);
    public static final PgType INT8_ARRAY = array(INT8);
    public static final PgType INT2_ARRAY = array(INT2);
    public static final PgType INT4_ARRAY = array(INT4);
    public static final PgType REGPROC_ARRAY = array(REGPROC);
    public static final PgType TEXT_ARRAY = array(TEXT);
    public static final PgType OID_ARRAY = array(OID);
    public static final PgType XID_ARRAY = array(XID);
    public static final PgType JSON_ARRAY = array(JSON);
    public static final PgType FLOAT4_ARRAY = array(FLOAT4);
    public static final PgType FLOAT8_ARRAY = array(FLOAT8);
    public static final PgType BPCHAR_ARRAY = array(BPCHAR);
    public static final PgType VARCHAR_ARRAY = array(VARCHAR);
    public static final PgType DATE_ARRAY = array(DATE);
    public static final PgType TIME_ARRAY = array(TIME);
    public static final PgType TIMESTAMP_ARRAY = array(TIMESTAMP);
    public static final PgType TIMESTAMPTZ_ARRAY = array(TIMESTAMPTZ);
    public static final PgType INTERVAL_ARRAY = array(INTERVAL);
    public static final PgType TIMETZ_ARRAY = array(TIMETZ);
    public static final PgType NUMERIC_ARRAY = array(NUMERIC);
    public static final PgType REGCLASS_ARRAY = array(REGCLASS);
    public static final PgType REGTYPE_ARRAY = array(REGTYPE);
    public static final PgType UUID_ARRAY = array(UUID);
    public static final PgType PG_LSN_ARRAY = array(PG_LSN);
    public static final PgType JSONB_ARRAY = array(JSONB);
    public static final PgType RECORD_ARRAY = array(RECORD);
    public static final PgType INT2VECTOR_ARRAY = array(INT2VECTOR);
    public static final PgType OIDVECTOR_ARRAY = array(OIDVECTOR);
    public static final PgType ACLITEM_ARRAY = array(ACLITEM);
    public static final PgType REGNAMESPACE_ARRAY = array(REGNAMESPACE);
    public static final PgType INET_ARRAY = array(INET);

    private final int oid;
    private final String name;
    private final int length;
    private final char category;
    private final int arrayOid;
    private final int elementOid;

    private PgType(int oid, String name, int length, char category, int arrayOid, int elementOid) {
        this.oid = oid;
        this.name = name;
        this.length = length;
        this.category = category;
        this.arrayOid = arrayOid;
        this.elementOid = elementOid;
    }

    private static PgType scalar(int oid, String name, int length, char category, int arrayOid) {
        return register(new PgType(oid, name, length, category, arrayOid, 0));
    }

    private static PgType array(PgType element) {
        return register(new PgType(element.arrayOid, "_" + element.name, -1, 'A', 0, element.oid));
    }

    private static PgType register(PgType t) {
        BY_OID.put(t.oid, t);
        BY_NAME.put(t.name, t);
        return t;
    }

    /** The built-in type with this OID, or null. */
    public static PgType byOid(int oid) {
        return BY_OID.get(oid);
    }

    /** The built-in type with this {@code pg_type.typname} (e.g. {@code int4}, {@code _text}), or null. */
    public static PgType byName(String typname) {
        return BY_NAME.get(typname.toLowerCase(Locale.ROOT));
    }

    public static Collection<PgType> all() {
        return Collections.unmodifiableCollection(BY_OID.values());
    }

    public int oid() { return oid; }
    /** {@code pg_type.typname}: {@code int4}, {@code _text}, ... */
    public String name() { return name; }
    /** {@code pg_type.typlen}: bytes for fixed-length types, -1 for varlena, -2 for C strings. */
    public int length() { return length; }
    public char category() { return category; }
    /** OID of the array type whose elements are this type, or 0. */
    public int arrayOid() { return arrayOid; }
    /** OID of the element type if this is an array type, else 0. */
    public int elementOid() { return elementOid; }
    public boolean isArray() { return elementOid != 0; }
    public PgType elementType() { return elementOid == 0 ? null : BY_OID.get(elementOid); }
    public PgType arrayType() { return arrayOid == 0 ? null : BY_OID.get(arrayOid); }

    @Override
    public String toString() {
        return name;
    }
}
