package io.slotway.decoder.testdecoding;

import io.slotway.api.sql.PgIdentifiers;
import io.slotway.api.types.PgType;

/** PostgreSQL 15's {@code format_type_be}, as test_decoding prints type names. */
final class PgNames {
    private PgNames() {}

    /**
     * {@code format_type_be(typid)}: the SQL spelling of a type without its modifier ({@code integer},
     * {@code character varying}, {@code text[]}); other built-in types by their quoted {@code typname}
     * (all live in {@code pg_catalog}, which is always visible); a type Slotway does not know as
     * {@code ???}, as {@code format_type} prints an OID it cannot find.
     */
    static String formatType(int typeOid) {
        PgType type = PgType.byOid(typeOid);
        if (type != null && type.isArray() && type.elementType() != null) {
            return formatType(type.elementOid()) + "[]";
        }
        switch (typeOid) {
            case 1560: return "bit";
            case 16: return "boolean";
            case 1042: return "character";
            case 700: return "real";
            case 701: return "double precision";
            case 21: return "smallint";
            case 23: return "integer";
            case 20: return "bigint";
            case 1700: return "numeric";
            case 1186: return "interval";
            case 1083: return "time without time zone";
            case 1266: return "time with time zone";
            case 1114: return "timestamp without time zone";
            case 1184: return "timestamp with time zone";
            case 1562: return "bit varying";
            case 1043: return "character varying";
            // bit and bit varying are not among Slotway's types; their arrays are
            case 1561: return "bit[]";
            case 1563: return "bit varying[]";
            default: return type == null ? "???" : PgIdentifiers.quote(type.name());
        }
    }

}
