package io.slotway.api.sql;

import java.util.Set;

/**
 * PostgreSQL's {@code quote_identifier} and {@code quote_qualified_identifier}: how PostgreSQL writes
 * names into text it produces (output plugins, error messages), quoting those that need it.
 */
public final class PgIdentifiers {
    private PgIdentifiers() {}

    /**
     * PostgreSQL 15's keywords that are not unreserved ({@code pg_get_keywords()} with catcode C, T or R):
     * {@code quote_identifier} quotes them.
     */
    private static final Set<String> QUOTED_KEYWORDS = Set.of((
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

    /** The keywords {@code quote_identifier} quotes (unmodifiable). */
    public static Set<String> quotedKeywords() {
        return QUOTED_KEYWORDS;
    }

    /**
     * {@code quote_identifier}: the name as it is when it is all lower-case letters, digits and
     * underscores (not starting with a digit) and not a keyword, else in double quotes with embedded
     * quotes doubled.
     */
    public static String quote(String ident) {
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

    /** {@code quote_qualified_identifier}: {@code schema.name}, each quoted as needed; no schema when null. */
    public static String quoteQualified(String schema, String name) {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }
}
