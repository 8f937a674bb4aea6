package io.slotway.decoder.wal2json;

import java.util.List;

/**
 * One entry of {@code filter-tables} or {@code add-tables} (wal2json's {@code SelectTable}):
 * {@code schema.table}, where {@code *.} means any schema, a table of exactly {@code *} any table, and a
 * backslash escapes the next character (a dot, a comma, white space, a star).
 */
record TableSelector(String schema, String table, boolean allSchemas, boolean allTables) {
    static final TableSelector ALL = new TableSelector(null, null, true, true);

    boolean matches(String schemaName, String tableName) {
        return (allSchemas || schema.equals(schemaName)) && (allTables || table.equals(tableName));
    }

    /**
     * wal2json's {@code string_to_SelectTable}: splits the value as {@code split_string_to_list} does and
     * appends each {@code schema.table} to {@code out}; false when the list or a name without a dot is invalid.
     */
    static boolean parseList(String value, List<TableSelector> out) {
        List<String> names = Lists.split(value, true);
        if (names == null) {
            return false;
        }
        for (String name : names) {
            TableSelector t = parse(name);
            if (t == null) {
                return false;
            }
            out.add(t);
        }
        return true;
    }

    /** wal2json's {@code parse_table_identifier} for one name. */
    private static TableSelector parse(String s) {
        boolean allSchemas = s.length() >= 2 && s.charAt(0) == '*' && s.charAt(1) == '.';
        StringBuilder schema = new StringBuilder();
        int p = 0;
        int n = s.length();
        while (p < n && s.charAt(p) != '.') {
            if (s.charAt(p) == '\\') {
                p++; // the backslash goes, the next character is taken as it is
                if (p == n) {
                    break;
                }
            }
            schema.append(s.charAt(p));
            p++;
        }
        if (p >= n) {
            return null; // no separator: no schema
        }
        p++;
        String rest = s.substring(p);
        boolean allTables = rest.equals("*");
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\') {
                i++;
                if (i == rest.length()) {
                    break;
                }
                c = rest.charAt(i);
            }
            table.append(c);
        }
        return new TableSelector(schema.toString(), table.toString(), allSchemas, allTables);
    }
}
