package io.slotway.core.catalog;

import io.slotway.api.PgException;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.sql.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a statement is the catalog engine's, and turns the PostgreSQL syntax clients use in
 * catalog queries into H2's, token by token ({@link PgLexer}): {@code pg_catalog.} and
 * {@code information_schema.} to the engine's schemas, casts ({@code ::regclass} in and out,
 * {@code ::pg_catalog.int2}, {@code ::oid}), {@code OPERATOR(pg_catalog.~)}, {@code COLLATE} clauses,
 * {@code E''} strings, {@code $n} parameters, 0-based subscripts of int2vector/oidvector columns, catalog
 * function names, and {@code LATERAL pg_get_publication_tables(...)}. It also names and types the
 * outermost select list as PostgreSQL would, since H2's result metadata cannot tell a {@code name} from a
 * {@code text}.
 */
final class CatalogSql {
    /** Functions only the source (with core's replication services) can run: a statement calling one is the source's. */
    private static final Set<String> SOURCE_FUNCTIONS = Set.of("set_config", "pg_current_wal_lsn", "pg_last_wal_receive_lsn",
            "txid_current", "pg_create_logical_replication_slot", "pg_drop_replication_slot", "pg_logical_slot_get_changes",
            "pg_logical_slot_peek_changes", "pg_logical_slot_get_binary_changes", "pg_logical_slot_peek_binary_changes",
            "pg_replication_slot_advance", "pg_logical_emit_message", "nextval", "currval", "setval", "lastval",
            "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn", "txid_current_snapshot", "pg_export_snapshot",
            "pg_current_xact_id", "current_query", "pg_sleep");
    /** Functions usable in FROM without making the statement the source's. */
    private static final Set<String> TABLE_FUNCTIONS = Set.of("generate_series", "unnest", "pg_get_publication_tables",
            "pg_partition_ancestors", "_pg_expandarray");
    /** Functions whose argument syntax has a FROM of its own ({@code trim(both '"' from x)}). */
    private static final Set<String> FROM_SYNTAX_CALLS = Set.of("trim", "extract", "substring", "overlay", "position");
    /** Upper bound of the series that stands in for a set-returning function over an outer row's array (H2 cannot correlate table functions). */
    private static final int SERIES_BOUND = 1024;
    /** Words H2 reserves that PostgreSQL takes as a name after {@code AS} or in a qualified name ({@code e.values}). */
    private static final Set<String> H2_RESERVED = Set.of("values", "value", "key", "year", "month", "day", "hour", "minute",
            "second", "top", "minus", "qualify", "regexp", "rownum", "groups", "uescape", "system_user", "_rowid_");
    /** int2vector and oidvector columns: PostgreSQL subscripts them from 0. */
    private static final Set<String> ZERO_BASED = Set.of("indkey", "indoption", "indclass", "indcollation", "stxkeys",
            "tgattr", "partattrs", "partclass", "partcollation", "proargtypes");

    /** One column of the outermost select list: its PostgreSQL name and type (typname), either may be null. */
    record Item(String name, String type) {}

    /** A statement for the engine: the H2 text, and the select list when it could be analysed (null with {@code *}). */
    record Rewritten(String sql, List<Item> items, Set<String> relations) {}

    private final List<Token> t;
    private final String[] out;

    private CatalogSql(List<Token> significant) {
        this.t = significant;
        this.out = new String[significant.size()];
    }

    /** The engine's form of {@code sql}, or null when the statement is not the engine's. */
    static Rewritten rewrite(String sql) throws PgException {
        List<Token> all = PgLexer.significant(sql);
        if (all.isEmpty()) {
            return null;
        }
        Token first = all.get(0);
        if (!(first.isWord("select") || first.isWord("with") || first.is("("))) {
            return null;
        }
        CatalogSql r = new CatalogSql(all);
        Set<String> relations = new HashSet<>();
        if (!r.classify(relations)) {
            return null;
        }
        List<Item> items = r.items();
        return new Rewritten(r.emit(), items, relations);
    }

    // ------------------------------------------------------------------------------------------- classification

    /** True when the statement reads only catalog relations and calls no source function (and reads or calls something of the catalog's). */
    private boolean classify(Set<String> catalogRelations) throws PgException {
        Set<String> ctes = new HashSet<>();
        boolean userRelation = false;
        boolean catalogThing = false;
        int depth = 0;
        Map<Integer, Boolean> inFrom = new HashMap<>();
        Set<Integer> fromSyntaxCalls = new HashSet<>(); // depths opened by trim( extract( ...: their FROM is an argument
        boolean relationNext = false;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("(")) {
                depth++;
                if (i > 0 && FROM_SYNTAX_CALLS.contains(t.get(i - 1).value()) && t.get(i - 1).kind() == Token.Kind.IDENTIFIER) {
                    fromSyntaxCalls.add(depth);
                }
                relationNext = false;
                continue;
            }
            if (k.is(")")) {
                inFrom.remove(depth);
                fromSyntaxCalls.remove(depth);
                depth--;
                continue;
            }
            if (k.isWord("from") && fromSyntaxCalls.contains(depth)) {
                continue;
            }
            if (k.isWord("with") || (k.is(",") && i + 2 < t.size() && t.get(i + 2).isWord("as") && ctes.size() > 0 && !inFrom.getOrDefault(depth, false))) {
                if (i + 1 < t.size() && isName(t.get(i + 1))) {
                    ctes.add(t.get(i + 1).value());
                }
            }
            if (k.isWord("recursive") && i + 1 < t.size()) {
                ctes.add(t.get(i + 1).value());
            }
            if (k.isWord("from")) {
                inFrom.put(depth, true);
                relationNext = true;
                continue;
            }
            if (k.isWord("where") || k.isWord("group") || k.isWord("order") || k.isWord("having") || k.isWord("limit")
                    || k.isWord("union") || k.isWord("except") || k.isWord("intersect") || k.isWord("offset")
                    || k.isWord("window")) {
                inFrom.put(depth, false);
                relationNext = false;
                continue;
            }
            if (k.isWord("join")) {
                relationNext = true;
                continue;
            }
            if (k.is(",") && inFrom.getOrDefault(depth, false)) {
                relationNext = true;
                continue;
            }
            if (k.isWord("lateral") || k.isWord("only")) {
                continue;
            }
            if (isName(k)) {
                // a name chain a.b or a.b.c
                int j = i;
                List<String> chain = new ArrayList<>();
                chain.add(k.value());
                while (j + 2 < t.size() && t.get(j + 1).is(".") && isName(t.get(j + 2))) {
                    chain.add(t.get(j + 2).value());
                    j += 2;
                }
                boolean call = j + 1 < t.size() && t.get(j + 1).is("(");
                String name = chain.get(chain.size() - 1);
                String schema = chain.size() > 1 ? chain.get(chain.size() - 2) : null;
                if (call) {
                    if (SOURCE_FUNCTIONS.contains(name)) {
                        return false;
                    }
                    if (relationNext && !TABLE_FUNCTIONS.contains(name)) {
                        return false;
                    }
                    if (CatalogFunctions.PG_NAMES.containsKey(name) || TABLE_FUNCTIONS.contains(name)) {
                        catalogThing = true;
                    }
                } else if (relationNext) {
                    boolean catalog = "pg_catalog".equals(schema) || "information_schema".equals(schema)
                            || (schema == null && (CatalogTables.TABLES.containsKey(name) || name.startsWith("pg_")));
                    if (catalog) {
                        catalogThing = true;
                        catalogRelations.add(name);
                    } else if (!(schema == null && ctes.contains(name))) {
                        userRelation = true;
                    }
                }
                relationNext = false;
                i = j;
                continue;
            }
            relationNext = false;
        }
        return catalogThing && !userRelation;
    }

    private static boolean isName(Token k) {
        return k.kind() == Token.Kind.IDENTIFIER || k.kind() == Token.Kind.QUOTED_IDENTIFIER;
    }

    // ------------------------------------------------------------------------------------------------ rewriting

    /** A condition (and optionally a join) to attach to the FROM/WHERE of the query level that holds token {@code at}. */
    private record Attach(int at, int depth, String join, String condition) {}

    private String emit() {
        for (int i = 0; i < t.size(); i++) {
            out[i] = plain(t.get(i));
            if (t.get(i).kind() == Token.Kind.IDENTIFIER && H2_RESERVED.contains(t.get(i).value())
                    && (i > 0 && (t.get(i - 1).is(".") || t.get(i - 1).isWord("as")) || i + 1 < t.size() && t.get(i + 1).is("."))) {
                out[i] = '"' + t.get(i).value() + '"'; // a column label or qualified name in PostgreSQL, a keyword to H2
            }
        }
        Set<String> zeroBased = new HashSet<>(ZERO_BASED);
        for (int i = 0; i + 2 < t.size(); i++) {
            if (isName(t.get(i)) && ZERO_BASED.contains(t.get(i).value()) && t.get(i + 1).isWord("as") && isName(t.get(i + 2))) {
                zeroBased.add(t.get(i + 2).value()); // i.indoption AS I_INDOPTION: still subscripted from 0
            }
        }
        int depth = 0;
        int series = 0;
        List<String[]> laterals = new ArrayList<>(); // alias, argument text, depth
        List<Attach> attaches = new ArrayList<>();
        List<int[]> bitands = new ArrayList<>();
        List<int[]> arrayCats = new ArrayList<>();
        List<String[]> references = new ArrayList<>(); // scope start, scope end, alias, column or null, replacement
        Map<String, String> expanded = new HashMap<>(); // _pg_expandarray argument @ select → series alias
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("(")) {
                depth++;
            } else if (k.is(")")) {
                depth--;
            }
            if (k.isWord("information_schema") && i + 3 < t.size() && t.get(i + 1).is(".")
                    && t.get(i + 2).isWord("_pg_expandarray") && t.get(i + 3).is("(")) {
                // a set-returning function in the select list: one row per element, as a join on a series
                int close = match(i + 3);
                String arg = raw(i + 4, close);
                String key = arg + "@" + owningSelect(i);
                String alias = expanded.get(key);
                if (alias == null) {
                    // calls with the same argument in one select list run in lockstep: one series for them all
                    alias = "sw_ea" + (++series);
                    expanded.put(key, alias);
                    attaches.add(new Attach(i, depth, "generate_series(1, " + SERIES_BOUND + ") " + alias + "(n)",
                            alias + ".n <= CARDINALITY(COALESCE(" + arg + ", ARRAY[]))"));
                }
                out[i] = "CAST(ROW(" + element("(" + arg + ")", alias + ".n") + ", " + alias + ".n) AS ROW(x INTEGER, n INTEGER))";
                for (int j = i + 1; j <= close; j++) {
                    out[j] = "";
                }
                i = close;
                continue;
            }
            int srf = setReturningInFrom(i);
            if (srf >= 0) {
                i = seriesForFunction(i, srf, depth, ++series, attaches, references);
                continue;
            }
            if (k.kind() == Token.Kind.STRING && k.value().startsWith("{") && k.value().endsWith("}")
                    && ((i > 0 && comparison(t.get(i - 1))) || (i + 1 < t.size() && comparison(t.get(i + 1))))) {
                out[i] = arrayLiteral(k.value()); // pol.polroles = '{0}'
                continue;
            }
            if (k.kind() == Token.Kind.OPERATOR && k.text().equals("||") && i + 2 < t.size() && t.get(i + 1).isWord("array")
                    && (t.get(i + 2).is("(") || t.get(i + 2).is("["))) {
                // x || ARRAY(...): array_cat, which takes a NULL side as empty (H2's || gives NULL)
                arrayCats.add(new int[] {operandStart(i), i});
            }
            if (k.kind() == Token.Kind.OPERATOR && k.text().equals("&")) {
                bitands.add(new int[] {operandStart(i), i, operandEnd(i + 1)});
                continue;
            }
            if (k.is("]")) {
                int open = matchBack(i);
                if (isSubscript(open)) {
                    int start = operandStart(open);
                    boolean zero = isName(t.get(open - 1)) && zeroBased.contains(t.get(open - 1).value());
                    String index = join(open + 1, i);
                    out[start] = element(join(start, open), zero ? "(" + index + ") + 1" : index);
                    for (int j = start + 1; j <= i; j++) {
                        out[j] = "";
                    }
                }
                continue;
            }
            if ((k.isWord("pg_catalog") || k.isWord("information_schema")) && i + 2 < t.size() && t.get(i + 1).is(".")) {
                String target = t.get(i + 2).value();
                boolean call = i + 3 < t.size() && t.get(i + 3).is("(");
                if (call && CatalogFunctions.PG_NAMES.containsKey(target)) {
                    out[i] = "";
                    out[i + 1] = "";
                    continue; // the name itself is renamed below
                }
                if (call && k.isWord("information_schema") && target.equals("_pg_expandarray")) {
                    out[i] = "";
                    out[i + 1] = "";
                    continue;
                }
                out[i] = k.isWord("pg_catalog") ? (call ? "" : CatalogTables.PG_CATALOG) : CatalogTables.INFORMATION_SCHEMA;
                if (call && k.isWord("pg_catalog")) {
                    out[i + 1] = "";
                }
                continue;
            }
            if (k.kind() == Token.Kind.IDENTIFIER && i + 1 < t.size() && t.get(i + 1).is("(")
                    && CatalogFunctions.PG_NAMES.containsKey(k.value()) && !(i > 0 && t.get(i - 1).is(".") && out[i - 1].equals("."))) {
                out[i] = CatalogTables.PG_CATALOG + "." + CatalogFunctions.PG_NAMES.get(k.value());
                continue;
            }
            if ((k.isWord("current_user") || k.isWord("session_user") || k.isWord("current_role"))
                    && !(i + 1 < t.size() && t.get(i + 1).is("("))) {
                out[i] = CatalogTables.PG_CATALOG + ".sw_current_user()";
                continue;
            }
            if (k.isWord("current_schema") && !(i + 1 < t.size() && t.get(i + 1).is("("))) {
                out[i] = CatalogTables.PG_CATALOG + ".sw_current_schema()";
                continue;
            }
            if (k.isWord("operator") && i + 1 < t.size() && t.get(i + 1).is("(")) {
                int close = match(i + 1);
                StringBuilder op = new StringBuilder(" ");
                for (int j = i + 2; j < close; j++) {
                    Token x = t.get(j);
                    if (x.kind() == Token.Kind.OPERATOR) {
                        op.append(x.text());
                    }
                }
                for (int j = i; j <= close; j++) {
                    out[j] = "";
                }
                out[i] = op.append(' ').toString();
                i = close;
                continue;
            }
            if (k.isWord("collate") && i + 1 < t.size()) {
                out[i] = "";
                int j = i + 1;
                out[j] = "";
                while (j + 2 < t.size() && t.get(j + 1).is(".")) {
                    out[j + 1] = "";
                    out[j + 2] = "";
                    j += 2;
                }
                i = j;
                continue;
            }
            if (k.is("::")) {
                i = cast(i);
                continue;
            }
            if (k.isWord("lateral") && i + 2 < t.size() && t.get(i + 1).isWord("pg_get_publication_tables") && t.get(i + 2).is("(")) {
                int close = match(i + 2);
                StringBuilder arg = new StringBuilder();
                for (int j = i + 3; j < close; j++) {
                    arg.append(out[j]).append(' ');
                    out[j] = "";
                }
                int a = close + 1;
                if (a < t.size() && t.get(a).isWord("as")) {
                    a++;
                }
                String alias = a < t.size() && isName(t.get(a)) ? t.get(a).value() : "pg_get_publication_tables";
                out[i] = "";
                out[i + 1] = CatalogTables.PG_CATALOG + ".slotway_publication_tables";
                out[i + 2] = "";
                out[close] = "";
                if (!(a < t.size() && isName(t.get(a)))) {
                    out[close] = " " + alias;
                }
                laterals.add(new String[] {alias, arg.toString(), String.valueOf(depth)});
                i = close;
                continue;
            }
            if ((k.isWord("generate_series") || k.isWord("unnest")) && i + 1 < t.size() && t.get(i + 1).is("(")
                    && i > 0 && (t.get(i - 1).isWord("from") || t.get(i - 1).is(",") || t.get(i - 1).isWord("join")
                    || (t.get(i - 1).is(".") && i > 1 && (t.get(i - 2).isWord("pg_catalog"))))) {
                int close = match(i + 1);
                int a = close + 1;
                if (a < t.size() && t.get(a).isWord("as")) {
                    a++;
                }
                if (a < t.size() && isName(t.get(a)) && !isKeyword(t.get(a)) && !(a + 1 < t.size() && t.get(a + 1).is("("))) {
                    out[a] = out[a] + "(" + out[a] + ")";
                }
            }
        }
        for (String[] l : laterals) {
            addCondition(l[0] + ".pubname = " + l[1], Integer.parseInt(l[2]));
        }
        for (String[] r : references) {
            replaceReferences(Integer.parseInt(r[0]), Integer.parseInt(r[1]), r[2], r[3], r[4]);
        }
        for (Attach a : attaches) {
            attach(a);
        }
        for (int[] b : arrayCats) {
            // COALESCE(x, ARRAY[]) || ARRAY(...): array_cat takes a NULL side as empty (an ARRAY(...) is never NULL)
            out[b[0]] = "COALESCE(" + out[b[0]];
            out[b[1] - 1] = out[b[1] - 1] + ", ARRAY[])";
        }
        for (int[] b : bitands) {
            out[b[0]] = "BITAND(" + out[b[0]];
            out[b[1]] = ",";
            out[b[2]] = out[b[2]] + ")";
        }
        StringBuilder b = new StringBuilder();
        for (String s : out) {
            if (!s.isEmpty()) {
                b.append(s).append(' ');
            }
        }
        return b.toString();
    }

    /** {@code arr[index]}, NULL when out of range as in PostgreSQL (H2 raises an error). */
    private static String element(String array, String index) {
        return "CASE WHEN (" + index + ") BETWEEN 1 AND CARDINALITY(" + array + ") THEN (" + array + ")[" + index + "] END";
    }

    /** The tokens [from, to) as written (strings re-quoted, parameters renumbered), for text that is repeated. */
    private String raw(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int j = from; j < to; j++) {
            b.append(plain(t.get(j))).append(' ');
        }
        return b.toString().trim();
    }

    /** The rewritten text of tokens [from, to). */
    private String join(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int j = from; j < to; j++) {
            if (!out[j].isEmpty()) {
                b.append(out[j]).append(' ');
            }
        }
        return b.toString().trim();
    }

    private boolean isSubscript(int open) {
        if (open <= 0 || !t.get(open).is("[")) {
            return false;
        }
        Token before = t.get(open - 1);
        if (before.isWord("array")) {
            return false;
        }
        for (int j = open + 1; j < t.size() && !t.get(j).is("]"); j++) {
            if (t.get(j).is(":")) {
                return false; // a slice
            }
        }
        return isName(before) || before.is(")") || before.is("]");
    }

    private static boolean comparison(Token k) {
        return k.kind() == Token.Kind.OPERATOR && (k.text().equals("=") || k.text().equals("<>") || k.text().equals("!="));
    }

    /** An array literal's text ({@code '{0}'}) as an H2 array constructor. */
    private static String arrayLiteral(String text) {
        String body = text.substring(1, text.length() - 1).trim();
        if (body.isEmpty()) {
            return "ARRAY[]";
        }
        StringBuilder b = new StringBuilder("ARRAY[");
        String[] parts = body.split(",");
        for (int j = 0; j < parts.length; j++) {
            String e = parts[j].trim();
            if (e.startsWith("\"") && e.endsWith("\"") && e.length() >= 2) {
                e = e.substring(1, e.length() - 1);
            }
            b.append(j == 0 ? "" : ", ");
            if (e.equalsIgnoreCase("null")) {
                b.append("NULL");
            } else if (e.matches("-?[0-9]+")) {
                b.append(e);
            } else {
                b.append('\'').append(e.replace("'", "''")).append('\'');
            }
        }
        return b.append(']').toString();
    }

    /**
     * At a set-returning function in a FROM list that H2 cannot run as a table function (its argument refers to
     * an outer row, or it has WITH ORDINALITY, or it is pg_partition_ancestors): the index of the function's
     * name, else -1.
     */
    private int setReturningInFrom(int i) {
        int name = i;
        if (t.get(i).isWord("pg_catalog") && i + 2 < t.size() && t.get(i + 1).is(".")) {
            name = i + 2;
        }
        Token n = t.get(name);
        if (!(n.isWord("unnest") || n.isWord("pg_partition_ancestors")) || name + 1 >= t.size() || !t.get(name + 1).is("(")) {
            return -1;
        }
        if (i == 0 || !(t.get(i - 1).isWord("from") || t.get(i - 1).is(",") || t.get(i - 1).isWord("join"))) {
            return -1;
        }
        int close = match(name + 1);
        boolean ordinality = close + 2 < t.size() && t.get(close + 1).isWord("with") && t.get(close + 2).isWord("ordinality");
        boolean correlated = false;
        for (int j = name + 2; j < close; j++) {
            correlated |= t.get(j).is(".");
        }
        return ordinality || correlated || n.isWord("pg_partition_ancestors") ? name : -1;
    }

    /**
     * {@code f(args) [WITH ORDINALITY] [AS] a[(value, ord)]} becomes {@code generate_series(1, N) a(ord)} with
     * {@code ord <= CARDINALITY(array)} added to the level's WHERE, and each reference to the value becomes the array's
     * element: the same rows, without a table function correlated to an outer row. Returns the last token used.
     */
    private int seriesForFunction(int i, int name, int depth, int n, List<Attach> attaches, List<String[]> references) {
        int close = match(name + 1);
        String args = raw(name + 2, close);
        String array = t.get(name).isWord("unnest") ? "(" + args + ")"
                : CatalogTables.PG_CATALOG + ".sw_pg_partition_ancestors_array(" + args + ")";
        int j = close + 1;
        boolean ordinality = false;
        if (j + 1 < t.size() && t.get(j).isWord("with") && t.get(j + 1).isWord("ordinality")) {
            ordinality = true;
            j += 2;
        }
        if (j < t.size() && t.get(j).isWord("as")) {
            j++;
        }
        boolean named = j < t.size() && isName(t.get(j)) && !isKeyword(t.get(j));
        String alias = named ? t.get(j).value() : t.get(name).value();
        int last = named ? j : j - 1;
        List<String> cols = new ArrayList<>();
        if (named && j + 1 < t.size() && t.get(j + 1).is("(")) {
            int c = match(j + 1);
            for (int x = j + 2; x < c; x++) {
                if (isName(t.get(x))) {
                    cols.add(t.get(x).value());
                }
            }
            last = c;
        }
        String series = ordinality ? alias : alias + "_sw" + n;
        String ord = ordinality && cols.size() > 1 ? cols.get(1) : "n";
        String value = cols.isEmpty() ? alias : cols.get(0);
        for (int x = i; x <= last; x++) {
            out[x] = "";
        }
        out[i] = "generate_series(1, " + SERIES_BOUND + ") " + series + "(" + ord + ")";
        // COALESCE: H2 fails ("Unexpected code path") on CARDINALITY of an outer-joined NULL array here
        attaches.add(new Attach(i, depth, null, series + "." + ord + " <= CARDINALITY(COALESCE(" + array + ", ARRAY[]))"));
        int scopeStart = 0;
        int scopeEnd = t.size();
        if (depth > 0) {
            int d = 0;
            for (int x = i; x >= 0; x--) {
                if (t.get(x).is(")")) {
                    d++;
                } else if (t.get(x).is("(") && --d < 0) {
                    scopeStart = x;
                    scopeEnd = match(x);
                    break;
                }
            }
        }
        String element = element(array, series + "." + ord);
        for (String[] range : new String[][] {{String.valueOf(scopeStart), String.valueOf(i)},
                {String.valueOf(last + 1), String.valueOf(scopeEnd)}}) {
            references.add(new String[] {range[0], range[1], alias, value, element});
            if (cols.isEmpty()) {
                references.add(new String[] {range[0], range[1], alias, null, element});
            }
        }
        return last;
    }

    /** Replaces {@code alias.column} (or, with a null column, a bare {@code alias}) in [from, to) by {@code text}. */
    private void replaceReferences(int from, int to, String alias, String column, String text) {
        for (int j = from; j < to && j < t.size(); j++) {
            Token k = t.get(j);
            if (!isName(k) || !k.value().equals(alias) || (j > 0 && t.get(j - 1).is(".")) || out[j].isEmpty()) {
                continue;
            }
            boolean qualified = j + 2 < t.size() && t.get(j + 1).is(".");
            if (column != null && qualified && t.get(j + 2).value().equals(column)) {
                out[j] = text;
                out[j + 1] = "";
                out[j + 2] = "";
            } else if (column == null && !qualified && !(j + 1 < t.size() && t.get(j + 1).is("("))) {
                out[j] = text;
            }
        }
    }

    /** Adds a join to the FROM list and a condition to the WHERE clause of the query level holding token {@code a.at()}. */
    /** The SELECT whose query level holds token {@code at}. */
    private int owningSelect(int at) {
        int rel = 0;
        for (int j = at; j >= 0; j--) {
            Token k = t.get(j);
            if (k.is(")")) {
                rel++;
            } else if (k.is("(") && rel > 0) {
                rel--;
            } else if (rel == 0 && k.isWord("select")) {
                return j;
            }
        }
        return 0;
    }

    private void attach(Attach a) {
        // the SELECT owning the position: back to the nearest SELECT not inside a parenthesis closed before it
        int select = 0;
        int level = a.depth();
        int rel = 0;
        for (int j = a.at(); j >= 0; j--) {
            Token k = t.get(j);
            if (k.is(")")) {
                rel++;
            } else if (k.is("(")) {
                if (rel == 0) {
                    level--;
                } else {
                    rel--;
                }
            } else if (rel == 0 && k.isWord("select")) {
                select = j;
                break;
            }
        }
        int d = level;
        int where = -1;
        int end = t.size();
        for (int j = select; j < t.size(); j++) {
            Token k = t.get(j);
            if (k.is("(")) {
                d++;
            } else if (k.is(")")) {
                if (d == level) {
                    end = j;
                    break;
                }
                d--;
            } else if (d == level) {
                if (k.isWord("where") && where < 0) {
                    where = j;
                } else if (k.isWord("group") || k.isWord("order") || k.isWord("limit") || k.isWord("union") || k.isWord("having")
                        || k.isWord("except") || k.isWord("intersect") || k.isWord("offset") || k.isWord("window") || k.is(";")) {
                    end = j;
                    break;
                }
            }
        }
        String join = a.join() == null ? "" : " CROSS JOIN " + a.join() + " ";
        if (where >= 0) {
            out[where] = join + "WHERE " + a.condition() + " AND (" + out[where].substring("where".length()).trim();
            out[end - 1] = out[end - 1] + ")";
        } else {
            out[end - 1] = out[end - 1] + join + " WHERE " + a.condition();
        }
    }

    /** The last token of the operand starting at {@code j} (names, calls, parentheses, subscripts, casts). */
    private int operandEnd(int j) {
        int p = j;
        if (t.get(p).is("(")) {
            p = match(p);
        } else {
            while (p + 2 < t.size() && t.get(p + 1).is(".") && isName(t.get(p + 2))) {
                p += 2;
            }
            if (isName(t.get(p)) && p + 1 < t.size() && t.get(p + 1).is("(")) {
                p = match(p + 1);
            }
        }
        while (true) {
            if (p + 1 < t.size() && t.get(p + 1).is("[")) {
                p = matchBracket(p + 1);
            } else if (p + 1 < t.size() && t.get(p + 1).is("::")) {
                p = castEnd(p + 1);
            } else {
                return p;
            }
        }
    }

    /** The last token of the type of the cast at {@code i} ({@code ::}). */
    private int castEnd(int i) {
        int j = i + 1;
        if (j + 1 < t.size() && t.get(j).isWord("pg_catalog") && t.get(j + 1).is(".")) {
            j += 2;
        }
        if (j + 1 < t.size() && (t.get(j).isWord("character") && t.get(j + 1).isWord("varying")
                || t.get(j).isWord("double") && t.get(j + 1).isWord("precision"))) {
            j++;
        }
        if (j + 1 < t.size() && t.get(j + 1).is("(")) {
            j = match(j + 1);
        }
        if (j + 2 < t.size() && t.get(j + 1).is("[") && t.get(j + 2).is("]")) {
            j += 2;
        }
        return Math.min(j, t.size() - 1);
    }

    private static boolean isKeyword(Token k) {
        if (k.kind() != Token.Kind.IDENTIFIER) {
            return false;
        }
        return switch (k.value()) {
            case "where", "join", "left", "right", "inner", "outer", "cross", "on", "order", "group", "limit", "union",
                 "with", "and", "or", "full", "natural", "using", "having", "window", "offset", "except", "intersect" -> true;
            default -> false;
        };
    }

    /** Adds {@code cond} to the WHERE clause at {@code depth} (after the LATERAL's position). */
    private void addCondition(String cond, int depth) {
        int d = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("(")) {
                d++;
            } else if (k.is(")")) {
                d--;
            } else if (d == depth && k.isWord("where")) {
                int end = i + 1;
                int dd = d;
                for (; end < t.size(); end++) {
                    Token x = t.get(end);
                    if (x.is("(")) {
                        dd++;
                    } else if (x.is(")")) {
                        if (dd == d) {
                            break;
                        }
                        dd--;
                    } else if (dd == d && (x.isWord("group") || x.isWord("order") || x.isWord("limit") || x.isWord("union")
                            || x.isWord("having") || x.is(";"))) {
                        break;
                    }
                }
                out[i] = "WHERE " + cond + " AND (";
                out[end - 1] = out[end - 1] + ")";
                return;
            }
        }
    }

    private int match(int open) {
        return closing(open, "(", ")");
    }

    private int matchBracket(int open) {
        return closing(open, "[", "]");
    }

    /** The token closing the {@code opening} at {@code open} (nested pairs skipped), or the last token. */
    private int closing(int open, String opening, String closing) {
        int d = 0;
        for (int j = open; j < t.size(); j++) {
            if (t.get(j).is(opening)) {
                d++;
            } else if (t.get(j).is(closing) && --d == 0) {
                return j;
            }
        }
        return t.size() - 1;
    }

    private int matchBack(int close) {
        int d = 0;
        for (int j = close; j >= 0; j--) {
            if (t.get(j).is(")") || t.get(j).is("]")) {
                d++;
            } else if ((t.get(j).is("(") || t.get(j).is("[")) && --d == 0) {
                return j;
            }
        }
        return 0;
    }

    /** Where the operand ending just before {@code end} (exclusive) begins. */
    private int operandStart(int end) {
        int p = end - 1;
        while (true) {
            Token k = t.get(p);
            if (k.is(")") || k.is("]")) {
                p = matchBack(p);
                if (p > 0 && (isName(t.get(p - 1))) && t.get(p).is("(")) {
                    p--;
                } else if (p > 0 && t.get(p).is("[")) {
                    p--;
                    continue;
                }
            }
            while (p >= 2 && t.get(p - 1).is(".") && isName(t.get(p - 2))) {
                p -= 2;
            }
            if (p >= 2 && t.get(p - 1).is("::")) {
                p = operandStart(p - 1); // x::regnamespace::text: the operand of the cast before
            }
            return p;
        }
    }

    /** The cast at {@code i} ({@code ::}); returns the index of its last token. */
    private int cast(int i) {
        int j = i + 1;
        if (j + 1 < t.size() && t.get(j).isWord("pg_catalog") && t.get(j + 1).is(".")) {
            out[j] = "";
            out[j + 1] = "";
            j += 2;
        }
        if (j >= t.size()) {
            return i;
        }
        String type = t.get(j).value().toLowerCase(Locale.ROOT);
        int last = j;
        if (type.equals("character") && j + 1 < t.size() && t.get(j + 1).isWord("varying")) {
            out[j + 1] = "";
            type = "varchar";
            last = j + 1;
        } else if (type.equals("double") && j + 1 < t.size() && t.get(j + 1).isWord("precision")) {
            out[j + 1] = "";
            type = "float8";
            last = j + 1;
        }
        if (last + 1 < t.size() && t.get(last + 1).is("(")) {
            int close = match(last + 1);
            for (int k = last + 1; k <= close; k++) {
                out[k] = "";
            }
            last = close;
        }
        boolean array = false;
        if (last + 2 < t.size() && t.get(last + 1).is("[") && t.get(last + 2).is("]")) {
            array = true;
            out[last + 1] = "";
            out[last + 2] = "";
            last += 2;
        }
        int start = operandStart(i);
        boolean literal = t.get(start).kind() == Token.Kind.STRING && start == i - 1;
        boolean numberLiteral = t.get(start).kind() == Token.Kind.NUMBER && start == i - 1;
        String wrapIn = null;
        String h2 = null;
        switch (array ? type + "[]" : type) {
            case "regclass" -> wrapIn = literal || numberLiteral ? "sw_regclass_in" : "sw_regclass_name";
            case "regtype" -> wrapIn = literal || numberLiteral ? "sw_regtype_in" : "sw_regtype_name";
            case "regnamespace" -> wrapIn = literal || numberLiteral ? null : "sw_regnamespace_name";
            case "regproc", "regprocedure" -> h2 = "";
            case "oid", "xid", "int8", "bigint" -> h2 = "BIGINT";
            case "int4", "integer", "int" -> h2 = "INTEGER";
            case "int2", "smallint" -> h2 = "SMALLINT";
            case "text", "varchar", "name", "char", "bpchar" -> h2 = "VARCHAR";
            case "bool", "boolean" -> h2 = "BOOLEAN";
            case "float4", "real" -> h2 = "REAL";
            case "float8" -> h2 = "DOUBLE PRECISION";
            case "numeric" -> h2 = "NUMERIC";
            case "int2[]", "smallint[]", "int2vector" -> h2 = "SMALLINT ARRAY";
            case "oid[]", "int8[]", "oidvector" -> h2 = "BIGINT ARRAY";
            case "int4[]", "integer[]" -> h2 = "INTEGER ARRAY";
            case "text[]", "name[]", "varchar[]", "char[]" -> h2 = "VARCHAR ARRAY";
            default -> h2 = null;
        }
        if (wrapIn != null) {
            out[start] = CatalogTables.PG_CATALOG + "." + wrapIn + "(" + out[start];
            out[i] = ")";
            for (int k = i + 1; k <= last; k++) {
                out[k] = "";
            }
            return last;
        }
        if ((type.equals("regproc") || type.equals("regprocedure")) && literal
                && t.get(start).value().startsWith("pg_catalog.")) {
            // built-in functions are held by their bare name ('pg_catalog.array_in'::regproc is array_in)
            out[start] = "'" + t.get(start).value().substring("pg_catalog.".length()).replace("'", "''") + "'";
        }
        if ((type.equals("regnamespace") || type.equals("regproc") || type.equals("regprocedure"))) {
            for (int k = i; k <= last; k++) {
                out[k] = "";
            }
            return last;
        }
        if (h2 != null) {
            out[i] = "";
            for (int k = i + 1; k <= last; k++) {
                out[k] = "";
            }
            out[start] = "CAST(" + out[start];
            out[last] = " AS " + h2 + ")";
            return last;
        }
        return last;
    }

    private static String plain(Token k) {
        switch (k.kind()) {
            case STRING:
                return "'" + k.value().replace("'", "''") + "'";
            case PARAMETER:
                return "?" + k.value();
            case QUOTED_IDENTIFIER:
                return k.text();
            default:
                return k.text();
        }
    }

    // ----------------------------------------------------------------------------------------- the select list

    /** Names and types of the outermost select list, or null when it has {@code *} or cannot be found. */
    private List<Item> items() {
        int start = -1;
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("(")) {
                depth++;
            } else if (k.is(")")) {
                depth--;
            } else if (depth == 0 && k.isWord("select")) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        return itemsAt(start);
    }

    /** The select list starting at token {@code start} (just after its SELECT); see {@link #items()}. */
    private List<Item> itemsAt(int start) {
        int depth;
        if (start < t.size() && t.get(start).isWord("distinct")) {
            start++;
            if (start < t.size() && t.get(start).isWord("on")) {
                start = match(start + 1) + 1;
            }
        } else if (start < t.size() && t.get(start).isWord("all")) {
            start++;
        }
        int end = t.size();
        depth = 0;
        for (int i = start; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.is("(") || k.is("[")) {
                depth++;
            } else if ((k.is(")") || k.is("]")) && depth == 0) {
                end = i; // the end of a derived table's select list
                break;
            } else if (k.is(")") || k.is("]")) {
                depth--;
            } else if (depth == 0 && (k.isWord("from") || k.isWord("union") || k.isWord("where") || k.isWord("order")
                    || k.isWord("limit") || k.isWord("except") || k.isWord("intersect") || k.isWord("group") || k.is(";"))) {
                end = i;
                break;
            }
        }
        if (end == start + 1 && t.get(start).is("*") && end + 2 < t.size() && t.get(end).isWord("from") && t.get(end + 1).is("(")
                && t.get(end + 2).isWord("select")) {
            int close = match(end + 1);
            boolean single = close + 1 >= t.size() || !(t.get(close + 1).is(",") || t.get(close + 2 < t.size() ? close + 2 : close).is(",")
                    || t.get(close + 1).isWord("join") || (close + 2 < t.size() && t.get(close + 2).isWord("join")));
            if (single) {
                return itemsAt(end + 3); // SELECT * FROM (SELECT ...) alias: the inner select list, as PostgreSQL types it
            }
        }
        Map<String, String> aliases = aliases(end);
        List<Item> items = new ArrayList<>();
        int from = start;
        depth = 0;
        for (int i = start; i <= end; i++) {
            Token k = i < end ? t.get(i) : null;
            if (k != null && (k.is("(") || k.is("["))) {
                depth++;
            } else if (k != null && (k.is(")") || k.is("]"))) {
                depth--;
            } else if (k == null || (depth == 0 && k.is(","))) {
                Item item = item(from, i, aliases);
                if (item == null) {
                    return null;
                }
                items.add(item);
                from = i + 1;
            }
        }
        return items;
    }

    /** alias → catalog table name, from the FROM clause after {@code fromIndex}, at any depth (good enough for naming). */
    private Map<String, String> aliases(int fromIndex) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (!isName(k)) {
                continue;
            }
            String name = k.value();
            int closing = i > 0 && t.get(i - 1).is(")") ? i - 1 : i > 1 && t.get(i - 1).isWord("as") && t.get(i - 2).is(")") ? i - 2 : -1;
            if (closing > 0 && !isKeyword(k) && !k.isWord("as")) {
                int open = matchBack(closing);
                if (open + 1 < t.size() && t.get(open + 1).isWord("select")) {
                    derived.put(name, open); // (SELECT ...) alias: its columns typed by the inner list
                }
            }
            if (name.equals("generate_series") && i + 1 < t.size() && t.get(i + 1).is("(")) {
                int a = match(i + 1) + 1;
                if (a < t.size() && t.get(a).isWord("as")) {
                    a++;
                }
                if (a < t.size() && isName(t.get(a)) && !isKeyword(t.get(a))) {
                    map.put(t.get(a).value(), SERIES); // generate_series(int, int): its column is int4
                }
                continue;
            }
            if (!CatalogTables.TABLES.containsKey(name) || (i + 1 < t.size() && t.get(i + 1).is("("))) {
                continue;
            }
            map.putIfAbsent(name, name);
            int a = i + 1;
            if (a < t.size() && t.get(a).isWord("as")) {
                a++;
            }
            if (a < t.size() && isName(t.get(a)) && !isKeyword(t.get(a))) {
                map.put(t.get(a).value(), name);
            }
        }
        return map;
    }

    /** The alias map's mark for a generate_series alias. */
    private static final String SERIES = "#series";
    /** Derived tables' aliases → the index of their opening parenthesis. */
    private final Map<String, Integer> derived = new HashMap<>();
    /** Derived tables whose select list is being typed (a guard against cycles). */
    private final Set<Integer> resolving = new HashSet<>();

    private Item item(int from, int to, Map<String, String> aliases) {
        if (from >= to) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (t.get(i).is("*") && (i == from || t.get(i - 1).is("."))) {
                return null;
            }
        }
        String alias = null;
        int exprEnd = to;
        Token last = t.get(to - 1);
        if (to - from >= 2 && isName(last) && t.get(to - 2).isWord("as")) {
            alias = last.value();
            exprEnd = to - 2;
        } else if (to - from >= 2 && isName(last) && !t.get(to - 2).is(".") && !t.get(to - 2).is("::")
                && !isKeyword(last) && !last.isWord("end") && t.get(to - 2).kind() != Token.Kind.OPERATOR
                && !t.get(to - 2).is(",") && !t.get(to - 2).is("(") && !(t.get(to - 2).isWord("pg_catalog"))) {
            alias = last.value();
            exprEnd = to - 1;
        }
        String[] nt = expression(from, exprEnd, aliases);
        return new Item(alias != null ? alias : nt[0], nt[1]);
    }

    /** {name, type} of the expression in [from, to). */
    private String[] expression(int from, int to, Map<String, String> aliases) {
        // trailing cast
        for (int i = to - 1; i > from; i--) {
            Token k = t.get(i);
            if (k.is(")") || k.is("]")) {
                i = matchBack(i);
                continue;
            }
            if (k.is("::")) {
                if (operandStart(i) != from) {
                    break; // a cast of the last operand only (a = 'x'::regproc), not of the whole item
                }
                int j = i + 1;
                if (j + 1 < to && t.get(j).isWord("pg_catalog")) {
                    j += 2;
                }
                String type = t.get(j).value().toLowerCase(Locale.ROOT);
                boolean array = to - 2 > j && t.get(to - 1).is("]") && t.get(to - 2).is("[");
                String typname = typname(type, array);
                String[] inner = expression(from, i, aliases);
                String name = inner[0].equals("?column?") ? typname : inner[0];
                if (type.equals("character") || type.equals("double")) {
                    name = inner[0].equals("?column?") ? typname : inner[0];
                }
                return new String[] {name, typname};
            }
        }
        Token first = t.get(from);
        // a call covering the whole expression
        int nameEnd = from;
        while (nameEnd + 2 < to && t.get(nameEnd + 1).is(".") && isName(t.get(nameEnd + 2))) {
            nameEnd += 2;
        }
        if (isName(first) && nameEnd + 1 < to && t.get(nameEnd + 1).is("(")) {
            int close = match(nameEnd + 1);
            if (close == to - 1) {
                String fn = t.get(nameEnd).value();
                String type = CatalogFunctions.RESULT_TYPES.get(fn);
                if (type == null && (fn.equals("nullif") || fn.equals("coalesce") || fn.equals("greatest") || fn.equals("least")
                        || fn.equals("array_agg") || fn.equals("min") || fn.equals("max"))) {
                    int argEnd = nameEnd + 2;
                    for (int d = 0; argEnd < close; argEnd++) {
                        Token x = t.get(argEnd);
                        if (x.is("(") || x.is("[")) {
                            d++;
                        } else if (x.is(")") || x.is("]")) {
                            d--;
                        } else if (d == 0 && x.is(",")) {
                            break;
                        }
                    }
                    type = argEnd > nameEnd + 2 ? expression(nameEnd + 2, argEnd, aliases)[1] : null;
                    if (fn.equals("array_agg")) {
                        type = type == null || type.startsWith("_") ? null : "_" + type;
                    }
                }
                return new String[] {fn, type};
            }
            if (close + 1 < to && t.get(close + 1).isWord("over") && match(close + 2) == to - 1) {
                String fn = t.get(nameEnd).value();
                return new String[] {fn, CatalogFunctions.RESULT_TYPES.get(fn)};
            }
        }
        if (first.isWord("case") && t.get(to - 1).isWord("end")) {
            // FigureColnameInternal: a CASE is named after its ELSE result when that has a name of its own
            int depth = 0;
            int nested = 0;
            for (int i = from + 1; i < to - 1; i++) {
                Token x = t.get(i);
                if (x.is("(") || x.is("[")) {
                    depth++;
                } else if (x.is(")") || x.is("]")) {
                    depth--;
                } else if (depth == 0 && x.isWord("case")) {
                    nested++;
                } else if (depth == 0 && x.isWord("end")) {
                    nested--;
                } else if (depth == 0 && nested == 0 && x.isWord("else")) {
                    String[] e = expression(i + 1, to - 1, aliases);
                    return new String[] {e[0].equals("?column?") ? "case" : e[0], e[1] != null ? e[1] : thenType(from, to, aliases)};
                }
            }
            return new String[] {"case", thenType(from, to, aliases)};
        }
        if (first.is("(") && from + 1 < to && t.get(from + 1).isWord("select") && match(from) == to - 1) {
            // a scalar subquery: named and typed as its one select item
            List<Item> inner = itemsAt(from + 2);
            if (inner != null && inner.size() == 1) {
                return new String[] {inner.get(0).name() == null ? "?column?" : inner.get(0).name(), inner.get(0).type()};
            }
            return new String[] {"?column?", null};
        }
        if (first.is("(") && match(from) == to - 1) {
            String[] inner = expression(from + 1, to - 1, aliases);
            return inner;
        }
        if ((first.isWord("current_user") || first.isWord("session_user") || first.isWord("current_schema")
                || first.isWord("current_role") || first.isWord("user")) && to - from == 1) {
            return new String[] {first.value(), "name"};
        }
        // column reference
        if (isName(first) && nameEnd == to - 1 && !isKeywordValue(first)) {
            String col = t.get(nameEnd).value();
            String type = null;
            if (nameEnd > from && SERIES.equals(aliases.get(t.get(nameEnd - 2).value()))) {
                return new String[] {col, "int4"};
            }
            Integer open = nameEnd > from ? derived.get(t.get(nameEnd - 2).value()) : null;
            if (open != null && (from < open || from > match(open)) && resolving.add(open)) {
                // a column of a derived table, referenced from outside it
                List<Item> inner;
                try {
                    inner = itemsAt(open + 2);
                } finally {
                    resolving.remove(open);
                }
                if (inner != null) {
                    for (Item it : inner) {
                        if (it.name() != null && it.name().equalsIgnoreCase(col)) {
                            return new String[] {col, it.type()};
                        }
                    }
                }
            }
            if (nameEnd > from) {
                String table = aliases.get(t.get(nameEnd - 2).value());
                CatalogTables.Table tb = table == null ? null : CatalogTables.TABLES.get(table);
                CatalogTables.Col c = tb == null ? null : tb.column(col);
                if (c != null) {
                    type = c.type();
                }
            }
            if (type == null) {
                type = CatalogTables.typeOfColumnName(col);
            }
            return new String[] {col, type};
        }
        if (first.isWord("array") && to - from > 1 && t.get(from + 1).is("(")) {
            return new String[] {"array", null};
        }
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token x = t.get(i);
            if (x.is("(") || x.is("[")) {
                depth++;
            } else if (x.is(")") || x.is("]")) {
                depth--;
            } else if (depth == 0 && (x.kind() == Token.Kind.OPERATOR && Set.of("=", "<>", "!=", "<", ">", "<=", ">=", "~", "!~",
                    "~~", "!~~").contains(x.text()) || x.isWord("and") || x.isWord("or") || x.isWord("like") || x.isWord("is")
                    || x.isWord("in") || x.isWord("between") || (i == from && x.isWord("not")))) {
                return new String[] {"?column?", "bool"}; // a predicate
            }
        }
        return new String[] {"?column?", null};
    }

    /** The type of a CASE's first THEN result (what PostgreSQL resolves it to when nothing else says). */
    private String thenType(int from, int to, Map<String, String> aliases) {
        int depth = 0;
        int nested = 0;
        int then = -1;
        for (int i = from + 1; i < to - 1; i++) {
            Token x = t.get(i);
            if (x.is("(") || x.is("[")) {
                depth++;
            } else if (x.is(")") || x.is("]")) {
                depth--;
            } else if (depth == 0 && x.isWord("case")) {
                nested++;
            } else if (depth == 0 && x.isWord("end")) {
                nested--;
            } else if (depth == 0 && nested == 0 && x.isWord("then") && then < 0) {
                then = i;
            } else if (depth == 0 && nested == 0 && then >= 0 && (x.isWord("when") || x.isWord("else"))) {
                return then + 1 < i ? expression(then + 1, i, aliases)[1] : null;
            }
        }
        return then >= 0 && then + 1 < to - 1 ? expression(then + 1, to - 1, aliases)[1] : null;
    }

    private static boolean isKeywordValue(Token k) {
        return k.isWord("null") || k.isWord("true") || k.isWord("false");
    }

    private static String typname(String type, boolean array) {
        String base = switch (type) {
            case "integer", "int" -> "int4";
            case "smallint" -> "int2";
            case "bigint" -> "int8";
            case "boolean" -> "bool";
            case "character", "varchar" -> "varchar";
            case "double" -> "float8";
            case "real" -> "float4";
            default -> type;
        };
        return array ? "_" + base : base;
    }
}
