package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one PostgreSQL statement into a {@link Plan} for H2, working on PostgreSQL's tokens: literals are
 * re-spelt (E'', U&'', dollar quotes), literals stored in or compared with typed columns are read with the
 * PostgreSQL input function of the column's declared type, type names are mapped, and DDL is rewritten
 * with its metadata kept beside it ({@link Ddl}).
 */
final class Rewriter {
    private static final Set<String> COMPARISON = Set.of("=", "<>", "!=", "<", ">", "<=", ">=");
    private static final Set<String> RESERVED_SCHEMAS = Set.of("information_schema", "pg_catalog", Catalog.SCHEMA);
    private static final Map<String, String> FUNCTION_RENAMES = Map.of(
            "decode", "pg_decode", "encode", "pg_encode", "setval", "pg_setval", "gen_random_uuid", "random_uuid");

    final H2Session session;
    final String sql;
    final List<Token> t;
    /** Literal (or sign) token index → the type the literal is read as. */
    final Map<Integer, ColumnType> literalTargets = new HashMap<>();
    final Plan plan = new Plan();

    Rewriter(H2Session session, String sql) throws PgException {
        this.session = session;
        this.sql = sql;
        plan.sql = sql;
        List<Token> tokens = PgLexer.significant(sql);
        // A trailing semicolon is not part of the statement.
        while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).is(";")) {
            tokens = tokens.subList(0, tokens.size() - 1);
        }
        this.t = tokens;
    }

    Plan plan() throws PgException, SQLException {
        if (t.isEmpty()) {
            plan.kind = Plan.Kind.UTILITY;
            plan.verb = "";
            plan.writes = false;
            plan.utility = s -> -1;
            return plan;
        }
        for (Token tok : t) {
            if (tok.is(";")) {
                throw new PgException(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
            }
        }
        String first = t.get(0).kind() == Token.Kind.IDENTIFIER ? t.get(0).value() : t.get(0).text();
        switch (first) {
            case "select", "values", "with", "(":
                return query();
            case "table":
                return table();
            case "insert":
                return insert();
            case "update":
                return update();
            case "delete":
                return delete();
            case "merge":
                return dml("MERGE");
            case "create", "alter", "drop", "truncate", "comment", "grant", "revoke", "vacuum", "analyze", "checkpoint":
                return new Ddl(this).plan();
            default:
                if (!STATEMENT_KEYWORDS.contains(first)) {
                    // Not a statement PostgreSQL knows: its parser stops at the first word.
                    throw new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + t.get(0).text() + "\"")
                            .withPosition(sql.codePointCount(0, t.get(0).start()) + 1);
                }
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        first.toUpperCase(Locale.ROOT) + " is not supported by the H2 source");
        }
    }

    /** The words a PostgreSQL 15 statement can start with. */
    private static final java.util.Set<String> STATEMENT_KEYWORDS = java.util.Set.of(
            "abort", "alter", "analyze", "analyse", "begin", "call", "checkpoint", "close", "cluster", "comment",
            "commit", "copy", "create", "deallocate", "declare", "delete", "discard", "do", "drop", "end", "execute",
            "explain", "fetch", "grant", "import", "insert", "listen", "load", "lock", "merge", "move", "notify",
            "prepare", "reassign", "refresh", "reindex", "release", "reset", "revoke", "rollback", "savepoint",
            "security", "select", "set", "show", "start", "table", "truncate", "unlisten", "update", "vacuum",
            "values", "with");

    // ------------------------------------------------------------------------------------ DML and queries

    private Plan query() throws PgException, SQLException {
        collectScope(0, t.size());
        markComparisons(0, t.size());
        Out out = new Out(plan.positions);
        expr(out, 0, t.size());
        plan.kind = Plan.Kind.QUERY;
        plan.verb = "SELECT";
        plan.writes = false;
        plan.h2Sql = out.toString();
        if (t.get(0).isWord("select")) {
            plan.columnNames = selectNames(1, t.size());
            plan.itemTypes = itemTypes(1, t.size());
        }
        return plan;
    }

    private Plan table() throws PgException, SQLException {
        Out out = new Out(plan.positions);
        out.append("SELECT * FROM", t.get(0).start());
        expr(out, 1, t.size());
        plan.kind = Plan.Kind.QUERY;
        plan.verb = "SELECT";
        plan.writes = false;
        plan.h2Sql = out.toString();
        return plan;
    }

    private Plan dml(String verb) throws PgException, SQLException {
        collectScope(0, t.size());
        markComparisons(0, t.size());
        Out out = new Out(plan.positions);
        expr(out, 0, t.size());
        plan.kind = Plan.Kind.DML;
        plan.verb = verb;
        plan.h2Sql = out.toString();
        return plan;
    }

    private Plan insert() throws PgException, SQLException {
        int i = 1;
        if (!at(i, "into")) {
            throw syntaxAt(i);
        }
        QName qn = qname(i + 1);
        Catalog.Relation rel = resolve(qn);
        plan.target = rel;
        int j = qn.next;
        if (at(j, "as")) {
            j += 2;
        }
        List<Catalog.Attribute> targetCols = new ArrayList<>();
        if (j < t.size() && t.get(j).is("(") && !(at(j + 1, "select") || at(j + 1, "with") || at(j + 1, "values"))) {
            int close = match(j);
            for (int k = j + 1; k < close; k++) {
                if (t.get(k).is(",")) {
                    continue;
                }
                Catalog.Attribute a = rel == null ? null : rel.attribute(t.get(k).value());
                if (rel != null && a == null) {
                    throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + t.get(k).value() + "\" of relation \""
                            + rel.name() + "\" does not exist").withPosition(t.get(k).start() + 1);
                }
                targetCols.add(a);
            }
            j = close + 1;
        } else if (rel != null) {
            targetCols.addAll(rel.attributes());
        }
        int returning = topLevel(j, t.size(), "returning");
        int conflict = -1;
        for (int k = j; k < t.size() - 1; k++) {
            if (depthAt(k) == 0 && t.get(k).isWord("on") && t.get(k + 1).isWord("conflict")) {
                conflict = k;
                break;
            }
        }
        int bodyEnd = conflict >= 0 ? conflict : returning >= 0 ? returning : t.size();
        if (at(j, "values")) {
            int k = j + 1;
            while (k < bodyEnd && t.get(k).is("(")) {
                int close = match(k);
                markItems(split(k + 1, close), targetCols);
                k = close + 1;
                if (k < bodyEnd && t.get(k).is(",")) {
                    k++;
                }
            }
        } else if (at(j, "select")) {
            int end = firstTopLevel(j + 1, bodyEnd, "from", "where", "group", "order", "limit", "union");
            markItems(split(j + 1, end), targetCols);
        }
        collectScope(j, bodyEnd);
        markComparisons(j, bodyEnd);
        if (conflict >= 0 && (!at(conflict + 2, "do") || !at(conflict + 3, "nothing")
                || conflict + 4 != (returning >= 0 ? returning : t.size()))) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "INSERT ... ON CONFLICT with a conflict target or DO UPDATE is not supported by the H2 source (only ON CONFLICT DO NOTHING is)")
                    .withPosition(t.get(conflict).start() + 1);
        }
        return finishDml("INSERT", "FINAL", returning, bodyEnd, conflict >= 0 ? "ON CONFLICT DO NOTHING" : null,
                conflict >= 0 ? t.get(conflict).start() : -1);
    }

    private Plan update() throws PgException, SQLException {
        int i = 1;
        if (at(i, "only")) {
            i++;
        }
        QName qn = qname(i);
        Catalog.Relation rel = resolve(qn);
        plan.target = rel;
        int set = topLevel(qn.next, t.size(), "set");
        if (set < 0) {
            throw syntaxAt(Math.min(qn.next, t.size()));
        }
        int returning = topLevel(set, t.size(), "returning");
        int end = returning >= 0 ? returning : t.size();
        int from = topLevel(set, end, "from");
        if (from >= 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "UPDATE ... FROM is not supported by the H2 source")
                    .withPosition(t.get(from).start() + 1);
        }
        int setEnd = firstTopLevel(set + 1, end, "where");
        for (int[] item : split(set + 1, setEnd)) {
            if (item[1] - item[0] >= 3 && t.get(item[0] + 1).is("=") && rel != null) {
                Catalog.Attribute a = rel.attribute(t.get(item[0]).value());
                if (a != null) {
                    markLiteral(item[0] + 2, item[1], a.type());
                }
            }
        }
        collectScope(0, end);
        markComparisons(setEnd, end);
        return finishDml("UPDATE", "FINAL", returning, end, null, -1);
    }

    private Plan delete() throws PgException, SQLException {
        if (!at(1, "from")) {
            throw syntaxAt(1);
        }
        int i = 2;
        if (at(i, "only")) {
            i++;
        }
        QName qn = qname(i);
        plan.target = resolve(qn);
        int returning = topLevel(qn.next, t.size(), "returning");
        int end = returning >= 0 ? returning : t.size();
        int using = topLevel(qn.next, end, "using");
        if (using >= 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "DELETE ... USING is not supported by the H2 source")
                    .withPosition(t.get(using).start() + 1);
        }
        collectScope(0, end);
        markComparisons(qn.next, end);
        return finishDml("DELETE", "OLD", returning, end, null, -1);
    }

    /**
     * The H2 text of a data-changing statement whose tokens up to {@code end} are rewritten as they are,
     * followed by {@code suffix} (H2 text standing at client position {@code suffixAt}; null for none).
     * With RETURNING the statement is wrapped as a query of its {@code deltaTable} (FINAL or OLD).
     */
    private Plan finishDml(String verb, String deltaTable, int returning, int end, String suffix, int suffixAt)
            throws PgException, SQLException {
        Out out = new Out(plan.positions);
        if (returning >= 0) {
            out.append("SELECT", t.get(returning).start());
            expr(out, returning + 1, t.size());
            out.append("FROM " + deltaTable + " TABLE (", t.get(0).start());
            plan.columnNames = selectNames(returning + 1, t.size());
        }
        expr(out, 0, end);
        if (suffix != null) {
            out.append(suffix, suffixAt);
        }
        if (returning >= 0) {
            out.append(")", sql.length());
        }
        plan.kind = returning >= 0 ? Plan.Kind.QUERY : Plan.Kind.DML;
        plan.verb = verb;
        plan.h2Sql = out.toString();
        return plan;
    }

    /** Gives each item of a VALUES row or select list the type of the column it is stored in. */
    private void markItems(List<int[]> items, List<Catalog.Attribute> columns) {
        for (int k = 0; k < items.size() && k < columns.size(); k++) {
            Catalog.Attribute a = columns.get(k);
            if (a != null) {
                markLiteral(items.get(k)[0], items.get(k)[1], a.type());
            }
        }
    }

    /** If tokens [from, to) are one literal or parameter, reads it as {@code type}. */
    private void markLiteral(int from, int to, ColumnType type) {
        int n = to - from;
        if (n == 1) {
            Token tok = t.get(from);
            if (tok.kind() == Token.Kind.STRING) {
                literalTargets.put(from, type);
            } else if (tok.kind() == Token.Kind.PARAMETER) {
                plan.paramTypes.putIfAbsent(Integer.parseInt(tok.value()), type);
            } else if (tok.kind() == Token.Kind.NUMBER && type.type() == PgType.NUMERIC) {
                literalTargets.put(from, type);
            }
        } else if (n == 2 && (t.get(from).is("-") || t.get(from).is("+")) && t.get(from + 1).kind() == Token.Kind.NUMBER
                && type.type() == PgType.NUMERIC) {
            literalTargets.put(from, type);
        }
    }

    // ------------------------------------------------------------------------------------ column scope

    private final Map<String, ColumnType> scope = new HashMap<>();
    private final Set<String> ambiguous = new HashSet<>();

    /** Collects the declared columns of the tables the statement names after FROM, JOIN, UPDATE and INTO. */
    private void collectScope(int from, int to) throws SQLException, PgException {
        for (int k = from; k < to; k++) {
            Token tok = t.get(k);
            if (tok.isWord("from") || tok.isWord("join") || tok.isWord("update") || tok.isWord("into")) {
                int j = k + 1;
                if (at(j, "only")) {
                    j++;
                }
                while (j < to && isName(j)) {
                    QName qn = qname(j);
                    Catalog.Relation rel = qn.next <= to ? resolve(qn) : null;
                    if (rel != null) {
                        for (Catalog.Attribute a : rel.attributes()) {
                            ColumnType prev = scope.putIfAbsent(a.name(), a.type());
                            if (prev != null && !prev.equals(a.type())) {
                                ambiguous.add(a.name());
                            }
                        }
                    }
                    j = qn.next;
                    if (at(j, "as")) {
                        j++;
                    }
                    if (j < to && isName(j) && !isClauseWord(t.get(j))) {
                        j++;
                    }
                    if (j < to && t.get(j).is(",")) {
                        j++;
                    } else {
                        break;
                    }
                }
            }
        }
    }

    private static boolean isClauseWord(Token tok) {
        return tok.kind() == Token.Kind.IDENTIFIER && Set.of("where", "group", "order", "limit", "offset", "join", "inner",
                "left", "right", "full", "cross", "natural", "on", "using", "set", "values", "select", "returning", "union",
                "except", "intersect", "having", "window", "for", "fetch", "default", "lateral").contains(tok.value());
    }

    private ColumnType scoped(int identIndex) {
        Token tok = t.get(identIndex);
        if (tok.kind() != Token.Kind.IDENTIFIER && tok.kind() != Token.Kind.QUOTED_IDENTIFIER) {
            return null;
        }
        if (ambiguous.contains(tok.value())) {
            return null;
        }
        return scope.get(tok.value());
    }

    /** Types literals compared with a declared column: {@code col = 'lit'}, {@code 'lit' < t.col}, {@code col = $1}. */
    private void markComparisons(int from, int to) {
        for (int k = from; k < to; k++) {
            Token tok = t.get(k);
            boolean literal = tok.kind() == Token.Kind.STRING || tok.kind() == Token.Kind.PARAMETER;
            if (!literal || literalTargets.containsKey(k) || (k + 1 < t.size() && t.get(k + 1).is("::"))) {
                continue;
            }
            ColumnType type = null;
            if (k - 2 >= from && COMPARISON.contains(t.get(k - 1).text()) && t.get(k - 1).kind() == Token.Kind.OPERATOR) {
                type = scoped(k - 2);
            }
            if (type == null && k + 2 < to && COMPARISON.contains(t.get(k + 1).text()) && t.get(k + 1).kind() == Token.Kind.OPERATOR) {
                int c = k + 2;
                if (c + 2 < to && t.get(c + 1).is(".")) {
                    c += 2;
                }
                if (!(c + 1 < to && (t.get(c + 1).is(".") || t.get(c + 1).is("(")))) {
                    type = scoped(c);
                }
            }
            if (type == null && k > from && t.get(k - 1).isWord("when") && booleanCaseOperand(k - 1)) {
                type = ColumnType.of(PgType.BOOL);
            }
            if (type != null) {
                markLiteral(k, k + 1, type);
            }
        }
    }

    // ------------------------------------------------------------------------------------ expressions

    /** Writes tokens [from, to) for H2. */
    void expr(Out out, int from, int to) throws PgException {
        for (int i = from; i < to; i++) {
            Token tok = t.get(i);
            switch (tok.kind()) {
                case STRING -> {
                    if (i + 1 < to && t.get(i + 1).is("::")) {
                        TypeNames.Parsed p = TypeNames.parse(t, i + 2);
                        out.append(typedLiteral(p.type(), tok), tok.start());
                        i = p.next() - 1;
                    } else if (literalTargets.containsKey(i)) {
                        out.append(typedLiteral(literalTargets.get(i), tok), tok.start());
                    } else {
                        out.append(H2Literals.quote(tok.value()), tok.start());
                    }
                }
                case NUMBER -> {
                    if (literalTargets.containsKey(i)) {
                        out.append(typedLiteral(literalTargets.get(i), tok.text().replace("_", ""), tok), tok.start());
                    } else {
                        out.append(tok.text().replace("_", ""), tok.start());
                    }
                }
                case PARAMETER -> {
                    int n = Integer.parseInt(tok.value());
                    if (n < 1) {
                        throw new PgException(SqlState.UNDEFINED_PARAMETER, "there is no parameter $" + n).withPosition(tok.start() + 1);
                    }
                    plan.maxParam = Math.max(plan.maxParam, n);
                    out.append("?" + n, tok.start());
                }
                case BIT_STRING -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        "bit string constants are not supported by the H2 source").withPosition(tok.start() + 1);
                case QUOTED_IDENTIFIER -> out.append(H2Literals.quoteIdent(tok.value()), tok.start());
                case OPERATOR -> {
                    if (literalTargets.containsKey(i) && i + 1 < to && t.get(i + 1).kind() == Token.Kind.NUMBER) {
                        out.append(typedLiteral(literalTargets.get(i), tok.text() + t.get(i + 1).text(), tok), tok.start());
                        i++;
                    } else {
                        out.append(tok.text(), tok.start());
                    }
                }
                case PUNCTUATION -> {
                    if (tok.is("::")) {
                        TypeNames.Parsed p = TypeNames.parse(t, i + 1);
                        out.append("::" + p.type().castType(), tok.start());
                        i = p.next() - 1;
                    } else {
                        out.append(tok.text(), tok.start());
                    }
                }
                case IDENTIFIER -> i = identifier(out, i, to);
                default -> out.append(tok.text(), tok.start());
            }
        }
    }

    private int identifier(Out out, int i, int to) throws PgException {
        Token tok = t.get(i);
        String w = tok.value();
        boolean call = i + 1 < to && t.get(i + 1).is("(");
        boolean qualified = i > 0 && t.get(i - 1).is(".");
        if (call && !qualified && w.equals("cast")) {
            int close = match(i + 1);
            int as = topLevel(i + 2, close, "as");
            if (as < 0) {
                throw syntaxAt(close);
            }
            TypeNames.Parsed p = TypeNames.parse(t, as + 1);
            if (p.next() != close) {
                throw syntaxAt(p.next());
            }
            if (as == i + 3 && t.get(i + 2).kind() == Token.Kind.STRING) {
                out.append(typedLiteral(p.type(), t.get(i + 2)), tok.start());
            } else {
                out.append("CAST(", tok.start());
                expr(out, i + 2, as);
                out.append("AS " + p.type().castType() + ")", t.get(as).start());
            }
            return close;
        }
        if (!qualified && TypeNames.isLiteralTypeWord(tok) && !call) {
            // date '...', timestamp with time zone '...', interval '...'
            TypeNames.Parsed p = TypeNames.parse(t, i);
            if (p.next() < to && t.get(p.next()).kind() == Token.Kind.STRING) {
                out.append(typedLiteral(p.type(), t.get(p.next())), tok.start());
                return p.next();
            }
        }
        if (!qualified && w.equals("pg_catalog") && i + 2 < to && t.get(i + 1).is(".")
                && (ReplicationSql.NAMES.containsKey(t.get(i + 2).value()) || t.get(i + 2).isWord("pg_replication_slots"))) {
            return i + 1; // PostgreSQL's functions are Slotway's: drop the qualification
        }
        boolean pgQualified = qualified && i >= 2 && t.get(i - 2).isWord("pg_catalog");
        if (call && (!qualified || pgQualified) && ReplicationSql.NAMES.containsKey(w)) {
            boolean inFrom = inFrom(pgQualified ? i - 2 : i);
            out.append(Catalog.SCHEMA + "." + ReplicationSql.NAMES.get(w)[inFrom ? 0 : 1], tok.start());
            if (inFrom && ReplicationSql.TABLE_COLUMNS.containsKey(w)) {
                plan.functionColumnTypes.putAll(ReplicationSql.TABLE_COLUMNS.get(w));
            }
            return i;
        }
        if (!call && (!qualified || pgQualified) && w.equals("pg_replication_slots") && inFrom(pgQualified ? i - 2 : i)) {
            out.append(Catalog.SCHEMA + ".replication_slots()", tok.start());
            plan.functionColumnTypes.putAll(ReplicationSql.TABLE_COLUMNS.get(w));
            return i;
        }
        if (!call && !qualified && tok.kind() == Token.Kind.IDENTIFIER
                && (w.equals("current_user") || w.equals("session_user") || w.equals("current_role"))) {
            out.append("public.pg_session_user()", tok.start());
            return i;
        }
        if (call && !qualified && FUNCTION_RENAMES.containsKey(w)) {
            out.append(FUNCTION_RENAMES.get(w), tok.start());
            return i;
        }
        if (call && w.equals("generate_series")) {
            // PostgreSQL names the single column of a scalar function in FROM after its alias.
            int close = match(i + 1);
            out.append(w, tok.start());
            expr(out, i + 1, close + 1);
            int j = close + 1;
            if (at(j, "as")) {
                j++;
            }
            if (j < to && isName(j) && !isClauseWord(t.get(j)) && !(j + 1 < to && t.get(j + 1).is("("))) {
                String alias = H2Literals.quoteIdent(t.get(j).value());
                out.append(alias + "(" + alias + ")", t.get(j).start());
                return j;
            }
            return close;
        }
        out.append(w, tok.start());
        return i;
    }

    /** Whether the name at {@code i} is a FROM item: right after FROM, JOIN or a comma of a FROM list. */
    private boolean inFrom(int i) {
        if (i == 0) {
            return false;
        }
        Token before = t.get(i - 1);
        if (before.isWord("from") || before.isWord("join") || before.isWord("lateral")) {
            return true;
        }
        if (before.is(",")) {
            int depth = 0;
            for (int k = i - 2; k >= 0; k--) {
                Token tok = t.get(k);
                if (tok.is(")") || tok.is("]")) {
                    depth++;
                } else if (tok.is("(") || tok.is("[")) {
                    if (depth == 0) {
                        return false;
                    }
                    depth--;
                } else if (depth == 0 && tok.isWord("from")) {
                    return true;
                } else if (depth == 0 && (tok.isWord("select") || tok.isWord("where"))) {
                    return false;
                }
            }
        }
        return false;
    }

    /** PostgreSQL's types for select-list items that are a bare call of one of {@link ReplicationSql#SCALAR_TYPES}. */
    private List<PgType> itemTypes(int from, int to) {
        int i = from;
        if (at(i, "distinct") || at(i, "all")) {
            return null;
        }
        int end = firstTopLevel(i, to, "from", "into", "where", "group", "having", "order", "limit", "offset", "union",
                "except", "intersect", "window", "fetch", "for");
        List<PgType> types = new ArrayList<>();
        boolean any = false;
        for (int[] item : split(i, end)) {
            if (t.get(item[1] - 1).is("*")) {
                return null;
            }
            int e = item[1];
            if (hasAlias(item[0], item[1])) {
                e = t.get(e - 2).isWord("as") ? e - 2 : e - 1;
            }
            int k = item[0];
            if (k + 2 < e && t.get(k).isWord("pg_catalog") && t.get(k + 1).is(".")) {
                k += 2;
            }
            PgType type = callType(k, e);
            if (type == null) {
                type = caseType(k, e);
            }
            any |= type != null;
            types.add(type);
        }
        return any ? types : null;
    }

    /**
     * Whether the WHEN at {@code when} belongs to a simple CASE whose operand is a bare call of a boolean function
     * ({@code case pg_is_in_recovery() when 't' ...}): PostgreSQL reads the WHEN literal as a boolean, H2 would
     * compare a boolean with a string.
     */
    private boolean booleanCaseOperand(int when) {
        int depth = 0;
        int firstWhen = when;
        for (int k = when - 1; k >= 0; k--) {
            Token x = t.get(k);
            if (x.is(")")) {
                depth++;
            } else if (x.is("(")) {
                if (depth == 0) {
                    return false;
                }
                depth--;
            } else if (depth == 0 && x.isWord("when")) {
                firstWhen = k;
            } else if (depth == 0 && x.isWord("case")) {
                return k + 2 < firstWhen && ReplicationSql.BOOLEAN_FUNCTIONS.contains(t.get(k + 1).value())
                        && t.get(k + 1).kind() == Token.Kind.IDENTIFIER && t.get(k + 2).is("(") && match(k + 2) == firstWhen - 1;
            } else if (depth == 0 && x.isWord("end")) {
                return false;
            }
        }
        return false;
    }

    /** The {@link ReplicationSql#SCALAR_TYPES} type of {@code [k, e)} when it is a bare call (e.g. {@code pg_current_wal_lsn()}). */
    private PgType callType(int k, int e) {
        if (k + 2 < e && t.get(k).isWord("pg_catalog") && t.get(k + 1).is(".")) {
            k += 2;
        }
        if (k + 1 < e && t.get(k).kind() == Token.Kind.IDENTIFIER && t.get(k + 1).is("(") && match(k + 1) == e - 1) {
            return ReplicationSql.SCALAR_TYPES.get(t.get(k).value());
        }
        return null;
    }

    /**
     * The type of a (parenthesised) {@code CASE ... END} whose every THEN and ELSE result is a call of the same
     * {@link #callType typed} function, as Debezium's {@code (case pg_is_in_recovery() when 't' then
     * pg_last_wal_receive_lsn() else pg_current_wal_lsn() end)}; null otherwise.
     */
    private PgType caseType(int k, int e) {
        while (k < e && t.get(k).is("(") && match(k) == e - 1) {
            k++;
            e--;
        }
        if (!(k < e && t.get(k).isWord("case") && t.get(e - 1).isWord("end"))) {
            return null;
        }
        PgType type = null;
        int start = -1;
        for (int i = k + 1; i < e; i++) {
            Token x = t.get(i);
            if (x.is("(") || x.is("[")) {
                i = x.is("(") ? match(i) : i;
                continue;
            }
            if (x.isWord("case")) {
                return null; // nested CASE: not worth following
            }
            if (start >= 0 && (x.isWord("when") || x.isWord("else") || x.isWord("end"))) {
                PgType branch = callType(start, i);
                if (branch == null || (type != null && type != branch)) {
                    return null;
                }
                type = branch;
                start = -1;
            }
            if (x.isWord("then") || x.isWord("else")) {
                start = i + 1;
            }
        }
        return type;
    }

    private String typedLiteral(ColumnType type, Token tok) throws PgException {
        return typedLiteral(type, tok.value(), tok);
    }

    String typedLiteral(ColumnType type, String text, Token at) throws PgException {
        Object canonical;
        try {
            canonical = type.parse(text, session.context().format());
        } catch (PgException e) {
            throw e.position() == 0 ? e.withPosition(at.start() + 1) : e;
        }
        Object stored = type.toStorage(canonical);
        if (stored instanceof String s && !type.isArray()) {
            return type.storedAsText() || type.type().category() == 'S' ? H2Literals.quote(s)
                    : "CAST(" + H2Literals.quote(s) + " AS " + type.storageType() + ")";
        }
        return H2Literals.render(type, stored);
    }

    // ------------------------------------------------------------------------------------ column names

    /** PostgreSQL's names for the items of a select list starting at {@code from}; null entries where H2's name is right. */
    List<String> selectNames(int from, int to) {
        int i = from;
        if (at(i, "distinct")) {
            i++;
            if (at(i, "on") && i + 1 < to && t.get(i + 1).is("(")) {
                i = match(i + 1) + 1;
            }
        } else if (at(i, "all")) {
            i++;
        }
        int end = firstTopLevel(i, to, "from", "into", "where", "group", "having", "order", "limit", "offset", "union",
                "except", "intersect", "window", "fetch", "for");
        List<String> names = new ArrayList<>();
        for (int[] item : split(i, end)) {
            if (t.get(item[1] - 1).is("*") && (item[1] - item[0] == 1 || t.get(item[1] - 2).is("."))) {
                return null; // * expands to H2's names, which are the columns' names
            }
            names.add(hasAlias(item[0], item[1]) ? null : figureName(item[0], item[1]));
        }
        return names;
    }

    private boolean hasAlias(int from, int to) {
        if (to - from < 2) {
            return false;
        }
        Token last = t.get(to - 1);
        if (last.kind() != Token.Kind.IDENTIFIER && last.kind() != Token.Kind.QUOTED_IDENTIFIER) {
            return false;
        }
        Token before = t.get(to - 2);
        if (before.isWord("as")) {
            return true;
        }
        if (last.kind() == Token.Kind.IDENTIFIER && Set.of("end", "null", "true", "false", "zone", "precision", "varying",
                "unknown", "nothing").contains(last.value())) {
            return false;
        }
        if (before.is(".") || before.is("::") || before.kind() == Token.Kind.OPERATOR || before.is("(") || before.is(",")) {
            return false;
        }
        if (before.kind() == Token.Kind.IDENTIFIER && Set.of("is", "not", "and", "or", "distinct", "from", "then", "else",
                "when", "case", "in", "like", "ilike", "between").contains(before.value())) {
            return false;
        }
        // x::type alias vs x::double precision: a cast whose type ends exactly at the end has no alias.
        for (int k = to - 2; k >= from; k--) {
            if (t.get(k).is("::") && depthBetween(from, k) == 0) {
                try {
                    return TypeNames.parse(t, k + 1).next() != to;
                } catch (PgException e) {
                    return true;
                }
            }
        }
        return true;
    }

    private int depthBetween(int from, int k) {
        int d = 0;
        for (int j = from; j < k; j++) {
            if (t.get(j).is("(") || t.get(j).is("[")) {
                d++;
            } else if (t.get(j).is(")") || t.get(j).is("]")) {
                d--;
            }
        }
        return d;
    }

    /** PostgreSQL's FigureColname, for the common shapes of expressions. */
    private String figureName(int from, int to) {
        if (to <= from) {
            return "?column?";
        }
        // A trailing cast: the name of its argument, else the type's name.
        for (int k = to - 1; k > from; k--) {
            if (t.get(k).is("::") && depthBetween(from, k) == 0) {
                String inner = figureName(from, k);
                if (!inner.equals("?column?")) {
                    return inner;
                }
                try {
                    return TypeNames.parse(t, k + 1).type().type().name();
                } catch (PgException e) {
                    return "?column?";
                }
            }
        }
        Token first = t.get(from);
        if (first.is("(") && match(from) == to - 1) {
            return figureName(from + 1, to - 1);
        }
        boolean nameChain = true;
        for (int k = from; k < to; k++) {
            boolean name = t.get(k).kind() == Token.Kind.IDENTIFIER || t.get(k).kind() == Token.Kind.QUOTED_IDENTIFIER;
            if ((k - from) % 2 == 0 ? !name : !t.get(k).is(".")) {
                nameChain = false;
                break;
            }
        }
        if (nameChain && (to - from) % 2 == 1) {
            Token last = t.get(to - 1);
            if (to - from == 1 && last.kind() == Token.Kind.IDENTIFIER) {
                if (last.value().equals("true") || last.value().equals("false")) {
                    return "bool";
                }
                if (last.value().equals("null")) {
                    return "?column?";
                }
            }
            return last.value();
        }
        if (first.isWord("case")) {
            return "case";
        }
        if (first.isWord("array")) {
            return "array";
        }
        if (first.isWord("exists")) {
            return "exists";
        }
        if (first.isWord("cast") && from + 1 < to && t.get(from + 1).is("(") && match(from + 1) == to - 1) {
            int as = topLevel(from + 2, to - 1, "as");
            if (as > 0) {
                String inner = figureName(from + 2, as);
                if (!inner.equals("?column?")) {
                    return inner;
                }
                try {
                    return TypeNames.parse(t, as + 1).type().type().name();
                } catch (PgException e) {
                    return "?column?";
                }
            }
        }
        // A function call, maybe schema-qualified: its name.
        int k = from;
        while (k + 2 < to && t.get(k + 1).is(".")) {
            k += 2;
        }
        if (k + 1 < to && t.get(k).kind() == Token.Kind.IDENTIFIER && t.get(k + 1).is("(")) {
            int close = match(k + 1);
            int after = close + 1;
            if (after < to && t.get(after).isWord("over")) {
                after = t.get(after + 1).is("(") ? match(after + 1) + 1 : after + 2;
            }
            if (after < to && t.get(after).isWord("filter")) {
                after = match(after + 1) + 1;
            }
            if (after == to) {
                return t.get(k).value();
            }
        }
        return "?column?";
    }

    // ------------------------------------------------------------------------------------ token helpers

    record QName(String schema, String name, int next, int start) {}

    boolean isName(int i) {
        return i < t.size() && (t.get(i).kind() == Token.Kind.IDENTIFIER || t.get(i).kind() == Token.Kind.QUOTED_IDENTIFIER);
    }

    QName qname(int i) throws PgException {
        if (!isName(i)) {
            throw syntaxAt(i);
        }
        if (i + 2 < t.size() && t.get(i + 1).is(".") && isName(i + 2)) {
            return new QName(t.get(i).value(), t.get(i + 2).value(), i + 3, t.get(i).start());
        }
        return new QName(null, t.get(i).value(), i + 1, t.get(i).start());
    }

    String schemaOf(QName qn) throws SQLException {
        return qn.schema != null ? qn.schema : session.currentSchema();
    }

    String h2Name(QName qn) throws SQLException {
        return H2Literals.quoteIdent(schemaOf(qn)) + "." + H2Literals.quoteIdent(qn.name);
    }

    Catalog.Relation resolve(QName qn) throws SQLException {
        String schema = schemaOf(qn);
        if (RESERVED_SCHEMAS.contains(schema)) {
            return null;
        }
        return Catalog.find(session.connection(), schema, qn.name);
    }

    boolean at(int i, String word) {
        return i < t.size() && t.get(i).isWord(word);
    }

    /** Index of the bracket closing the one at {@code open}. */
    int match(int open) {
        int depth = 0;
        for (int k = open; k < t.size(); k++) {
            Token tok = t.get(k);
            if (tok.is("(") || tok.is("[")) {
                depth++;
            } else if (tok.is(")") || tok.is("]")) {
                depth--;
                if (depth == 0) {
                    return k;
                }
            }
        }
        return t.size();
    }

    int depthAt(int i) {
        return depthBetween(0, i);
    }

    /** The first index in [from, to) at bracket depth 0 (relative to from) holding {@code word}, or -1. */
    int topLevel(int from, int to, String word) {
        int depth = 0;
        for (int k = from; k < to; k++) {
            Token tok = t.get(k);
            if (tok.is("(") || tok.is("[")) {
                depth++;
            } else if (tok.is(")") || tok.is("]")) {
                depth--;
            } else if (depth == 0 && tok.isWord(word)) {
                return k;
            }
        }
        return -1;
    }

    int firstTopLevel(int from, int to, String... words) {
        int best = to;
        for (String w : words) {
            int k = topLevel(from, to, w);
            if (k >= 0 && k < best) {
                best = k;
            }
        }
        return best;
    }

    /** Ranges [start, end) of the comma-separated items in [from, to) at bracket depth 0. */
    List<int[]> split(int from, int to) {
        List<int[]> items = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int k = from; k < to; k++) {
            Token tok = t.get(k);
            if (tok.is("(") || tok.is("[")) {
                depth++;
            } else if (tok.is(")") || tok.is("]")) {
                depth--;
            } else if (depth == 0 && tok.is(",")) {
                items.add(new int[] {start, k});
                start = k + 1;
            }
        }
        if (start < to) {
            items.add(new int[] {start, to});
        }
        return items;
    }

    PgException syntaxAt(int i) {
        if (i >= t.size()) {
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input").withPosition(sql.length() + 1);
        }
        return TypeNames.syntax(t.get(i));
    }

    /** The H2 statement being written, with where each piece came from in the client's statement. */
    static final class Out {
        private final StringBuilder b = new StringBuilder();
        private final Plan.Positions positions;

        Out(Plan.Positions positions) {
            this.positions = positions;
        }

        Out append(String text, int originalOffset) {
            if (b.length() > 0 && !text.isEmpty()) {
                b.append(' ');
            }
            if (positions != null) {
                positions.mark(b.length(), originalOffset);
            }
            b.append(text);
            return this;
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
