package io.slotway.api.types;

import io.slotway.api.sql.PgIdentifiers;

/**
 * PostgreSQL 15's type-name formatting ({@code format_type} and {@code format_type_be}), as plugins and
 * catalog functions print type names, and {@code pg_type.typname}.
 */
public final class PgTypeNames {
    private PgTypeNames() {}

    /** What {@code format_type} prints for an OID it cannot find. */
    public static final String UNKNOWN = "???";

    /** {@code pg_type.typname}, or {@link #UNKNOWN}. */
    public static String typname(int oid) {
        PgType t = PgType.byOid(oid);
        return t == null ? UNKNOWN : t.name();
    }

    /**
     * {@code format_type_be(oid)}: the SQL spelling without a modifier ({@code integer},
     * {@code character varying}, {@code character}, {@code bit}, {@code text[]}), as test_decoding prints
     * types; {@link #UNKNOWN} for a type Slotway does not know.
     */
    public static String formatTypeBe(int oid) {
        PgType t = PgType.byOid(oid);
        if (t != null && t.isArray() && t.elementType() != null) {
            return formatTypeBe(t.elementOid()) + "[]";
        }
        return switch (oid) {
            case 1560 -> "bit";
            case 1562 -> "bit varying";
            case 1042 -> "character";
            // bit and bit varying are not among Slotway's types; their arrays are
            case 1561 -> "bit[]";
            case 1563 -> "bit varying[]";
            default -> formatType(oid, -1);
        };
    }

    /**
     * {@code format_type(oid, typmod)} ({@code format_type_extended} with the typmod given): the SQL
     * spelling with the modifier ({@code character varying(20)}, {@code numeric(12,3)}, {@code timestamp(3)
     * with time zone}, {@code integer[]}); with typmod -1 the bare names PostgreSQL prints for a given but
     * absent modifier ({@code bpchar}, {@code "bit"}); {@link #UNKNOWN} for a type Slotway does not know.
     */
    public static String formatType(int oid, int typmod) {
        PgType t = PgType.byOid(oid);
        if (t == null) {
            return UNKNOWN;
        }
        boolean array = false;
        if (t.isArray()) {
            t = t.elementType();
            array = true;
            if (t == null) {
                return UNKNOWN;
            }
        }
        boolean withTypmod = typmod >= 0;
        String s = switch (t.oid()) {
            case 1560 -> withTypmod ? "bit(" + typmod + ")" : "\"bit\"";
            case 16 -> "boolean";
            case 1042 -> withTypmod ? "character" + charTypmod(typmod) : "bpchar";
            case 700 -> "real";
            case 701 -> "double precision";
            case 21 -> "smallint";
            case 23 -> "integer";
            case 20 -> "bigint";
            case 1700 -> withTypmod ? "numeric" + numericTypmod(typmod) : "numeric";
            case 1186 -> withTypmod ? "interval" + intervalTypmod(typmod) : "interval";
            case 1083 -> "time" + timeTypmod(typmod, withTypmod) + " without time zone";
            case 1266 -> "time" + timeTypmod(typmod, withTypmod) + " with time zone";
            case 1114 -> "timestamp" + timeTypmod(typmod, withTypmod) + " without time zone";
            case 1184 -> "timestamp" + timeTypmod(typmod, withTypmod) + " with time zone";
            case 1562 -> withTypmod ? "bit varying(" + typmod + ")" : "bit varying";
            case 1043 -> withTypmod ? "character varying" + charTypmod(typmod) : "character varying";
            default -> withTypmod ? PgIdentifiers.quote(t.name()) + "(" + typmod + ")" : PgIdentifiers.quote(t.name());
        };
        return array ? s + "[]" : s;
    }

    /** {@code bpchartypmodout} / {@code varchartypmodout}. */
    private static String charTypmod(int typmod) {
        return typmod > 4 ? "(" + (typmod - 4) + ")" : "";
    }

    /** {@code numerictypmodout} (PostgreSQL 15: the scale may be negative). */
    private static String numericTypmod(int typmod) {
        int t = typmod - 4;
        int precision = (t >> 16) & 0xFFFF;
        int scale = ((t & 0x7FF) ^ 1024) - 1024;
        return "(" + precision + "," + scale + ")";
    }

    private static String timeTypmod(int typmod, boolean withTypmod) {
        return withTypmod ? "(" + typmod + ")" : "";
    }

    /** {@code intervaltypmodout}: the fields, then the precision. */
    private static String intervalTypmod(int typmod) {
        int range = (typmod >> 16) & 0x7FFF;
        int precision = typmod & 0xFFFF;
        final int month = 1 << 1;
        final int year = 1 << 2;
        final int day = 1 << 3;
        final int hour = 1 << 10;
        final int minute = 1 << 11;
        final int second = 1 << 12;
        String fields;
        if (range == year) {
            fields = " year";
        } else if (range == month) {
            fields = " month";
        } else if (range == day) {
            fields = " day";
        } else if (range == hour) {
            fields = " hour";
        } else if (range == minute) {
            fields = " minute";
        } else if (range == second) {
            fields = " second";
        } else if (range == (year | month)) {
            fields = " year to month";
        } else if (range == (day | hour)) {
            fields = " day to hour";
        } else if (range == (day | hour | minute)) {
            fields = " day to minute";
        } else if (range == (day | hour | minute | second)) {
            fields = " day to second";
        } else if (range == (hour | minute)) {
            fields = " hour to minute";
        } else if (range == (hour | minute | second)) {
            fields = " hour to second";
        } else if (range == (minute | second)) {
            fields = " minute to second";
        } else {
            fields = ""; // INTERVAL_FULL_RANGE
        }
        return precision != 0xFFFF ? fields + "(" + precision + ")" : fields;
    }

}
