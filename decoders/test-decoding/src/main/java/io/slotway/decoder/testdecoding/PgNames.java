package io.slotway.decoder.testdecoding;

import io.slotway.api.types.PgType;
import java.util.Set;

/** PostgreSQL 15's {@code quote_identifier}, {@code quote_qualified_identifier} and {@code format_type_be}. */
final class PgNames {
    private PgNames() {}

    /**
     * PostgreSQL 15's keywords that are not unreserved ({@code pg_get_keywords()} with catcode C, T or R):
     * an identifier equal to one of them is quoted. Checked against a real PostgreSQL 15 in the tests.
     */
    static final Set<String> QUOTED_KEYWORDS = Set.of((
            "all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean "
            + "both case cast char character check coalesce collate collation column concurrently constraint create "
            + "cross current_catalog current_date current_role current_schema current_time current_timestamp "
            + "current_user dec decimal default deferrable desc distinct do else end except exists extract false "
            + "fetch float for foreign freeze from full grant greatest group grouping having ilike in initially "
            + "inner inout int integer intersect interval into is isnull join lateral leading least left like limit "
            + "localtime localtimestamp national natural nchar none normalize not notnull null nullif numeric "
            + "offset on only or order out outer overlaps overlay placing position precision primary real "
            + "references returning right row select session_user setof similar smallint some substring symmetric "
            + "table tablesample then time timestamp to trailing treat trim true union unique user using values "
            + "varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists "
            + "xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable").split(" "));

    /** {@code quote_identifier}: quoted unless all lower-case letters, digits and _ (not leading digit) and no keyword. */
    static String quoteIdentifier(String ident) {
        boolean safe = !ident.isEmpty() && (isLower(ident.charAt(0)) || ident.charAt(0) == '_');
        for (int i = 0; i < ident.length() && safe; i++) {
            char c = ident.charAt(i);
            safe = isLower(c) || c >= '0' && c <= '9' || c == '_';
        }
        if (safe && !QUOTED_KEYWORDS.contains(ident)) {
            return ident;
        }
        return '"' + ident.replace("\"", "\"\"") + '"';
    }

    static String quoteQualifiedIdentifier(String schema, String name) {
        return schema == null ? quoteIdentifier(name) : quoteIdentifier(schema) + "." + quoteIdentifier(name);
    }

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
            default: return type == null ? "???" : quoteIdentifier(type.name());
        }
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }
}
