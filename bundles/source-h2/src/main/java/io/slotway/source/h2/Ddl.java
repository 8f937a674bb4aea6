package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * DDL and other utility statements: rewritten for H2, with the declared types, OIDs and replica identity
 * kept in the {@link Catalog} by the same H2 transaction, and PostgreSQL's notices and errors for
 * objects that do or do not exist.
 */
final class Ddl {
    private static final Set<String> COLUMN_CONSTRAINT_WORDS = Set.of("constraint", "not", "null", "default", "primary",
            "unique", "check", "references", "collate", "generated", "deferrable", "initially");

    private final Rewriter r;
    private final List<Token> t;
    private final Plan plan;

    Ddl(Rewriter r) {
        this.r = r;
        this.t = r.t;
        this.plan = r.plan;
    }

    Plan plan() throws PgException, SQLException {
        plan.kind = Plan.Kind.UTILITY;
        String first = t.get(0).value();
        switch (first) {
            case "create":
                return create();
            case "alter":
                return alter();
            case "drop":
                return drop();
            case "truncate":
                return truncate();
            case "comment":
                return comment();
            case "grant", "revoke":
                // One user owns everything in the embedded source: privileges have nothing to act on.
                return utility(first.toUpperCase(Locale.ROOT), false, s -> -1);
            case "vacuum", "analyze":
                return utility(first.toUpperCase(Locale.ROOT), false, s -> -1);
            case "checkpoint":
                return utility("CHECKPOINT", false, s -> {
                    s.execute("CHECKPOINT");
                    return -1;
                });
            default:
                throw notSupported(first.toUpperCase(Locale.ROOT));
        }
    }

    private Plan utility(String tag, boolean writes, Plan.Utility u) {
        plan.kind = Plan.Kind.UTILITY;
        plan.verb = tag;
        plan.writes = writes;
        plan.utility = u;
        return plan;
    }

    private static PgException notSupported(String what) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, what + " is not supported by the H2 source");
    }

    // ------------------------------------------------------------------------------------ CREATE

    private Plan create() throws PgException, SQLException {
        int i = 1;
        boolean orReplace = false;
        if (r.at(i, "or") && r.at(i + 1, "replace")) {
            orReplace = true;
            i += 2;
        }
        boolean temp = false;
        while (r.at(i, "temp") || r.at(i, "temporary") || r.at(i, "unlogged") || r.at(i, "global") || r.at(i, "local")) {
            temp |= r.at(i, "temp") || r.at(i, "temporary");
            i++;
        }
        boolean unique = false;
        if (r.at(i, "unique")) {
            unique = true;
            i++;
        }
        String what = i < t.size() ? t.get(i).value() : "";
        switch (what) {
            case "table":
                if (!orReplace && !unique) {
                    return createTable(i + 1, temp);
                }
                break;
            case "index":
                if (!orReplace) {
                    return createIndex(i + 1, unique);
                }
                break;
            case "view":
                if (!unique) {
                    return createView(i + 1, orReplace, temp);
                }
                break;
            case "recursive":
                throw notSupported("CREATE RECURSIVE VIEW");
            case "sequence":
                return createSequence(i + 1, temp);
            case "schema":
                return createSchema(i + 1);
            case "publication":
                if (!orReplace && !unique && !temp) {
                    return utility("CREATE PUBLICATION", true, new Publications(r).create(i + 1));
                }
                break;
            case "function", "procedure":
                if (!unique && !temp) {
                    boolean procedure = what.equals("procedure");
                    return utility(procedure ? "CREATE PROCEDURE" : "CREATE FUNCTION", true,
                            new Routines(r).createFunction(i + 1, orReplace, procedure));
                }
                break;
            case "event":
                if (!orReplace && !unique && !temp && r.at(i + 1, "trigger")) {
                    return utility("CREATE EVENT TRIGGER", true, new Routines(r).createEventTrigger(i + 2));
                }
                break;
            case "materialized":
                throw notSupported("CREATE MATERIALIZED VIEW");
            default:
                break;
        }
        throw notSupported("CREATE " + what.toUpperCase(Locale.ROOT));
    }

    private Plan createTable(int i, boolean temp) throws PgException, SQLException {
        boolean ifNotExists = false;
        if (r.at(i, "if") && r.at(i + 1, "not") && r.at(i + 2, "exists")) {
            ifNotExists = true;
            i += 3;
        }
        Rewriter.QName qn = r.qname(i);
        String schema = r.schemaOf(qn);
        String table = qn.name();
        i = qn.next();
        int as = r.topLevel(i, t.size(), "as");
        if (as >= 0 && (as == i || t.get(i).is("("))) {
            return createTableAs(qn, i, as, temp, ifNotExists);
        }
        if (i >= t.size() || !t.get(i).is("(")) {
            throw r.syntaxAt(i);
        }
        int close = r.match(i);
        for (int k = close + 1; k < t.size(); k++) {
            Token tok = t.get(k);
            if (tok.isWord("with") && k + 1 < t.size() && t.get(k + 1).is("(")) {
                k = r.match(k + 1);
            } else if (tok.isWord("tablespace") || tok.isWord("using")) {
                k++;
            } else if (tok.isWord("on") && r.at(k + 1, "commit")) {
                throw notSupported("ON COMMIT");
            } else if (tok.isWord("inherits") || tok.isWord("partition")) {
                throw notSupported(tok.value().toUpperCase(Locale.ROOT));
            } else if (!tok.isWord("without") && !tok.isWord("oids")) {
                throw r.syntaxAt(k);
            }
        }
        TableBuilder b = new TableBuilder(schema, table);
        List<int[]> items = r.split(i + 1, close);
        for (int[] item : items) {
            if (isTableConstraint(item[0])) {
                continue;
            }
            b.column(item[0], item[1]);
        }
        for (int[] item : items) {
            if (isTableConstraint(item[0])) {
                b.tableConstraint(item[0], item[1]);
            }
        }
        StringBuilder h2 = new StringBuilder(temp ? "CREATE LOCAL TEMPORARY TABLE " : "CREATE TABLE ");
        h2.append(H2Literals.quoteIdent(schema)).append('.').append(H2Literals.quoteIdent(table)).append(" (");
        List<String> parts = new ArrayList<>(b.columnDefs);
        parts.addAll(b.constraints);
        h2.append(String.join(", ", parts)).append(')');
        boolean ine = ifNotExists;
        return utility("CREATE TABLE", true, s -> {
            if (Catalog.h2Kind(s.connection(), schema, table) != null) {
                if (ine) {
                    s.notice(SqlState.DUPLICATE_TABLE, "relation \"" + table + "\" already exists, skipping");
                    return -1;
                }
                throw new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + table + "\" already exists");
            }
            for (String pre : b.before) {
                s.execute(pre);
            }
            s.execute(h2.toString());
            Catalog.prune(s.connection());
            long oid = Catalog.create(s.connection(), schema, table, 'r', b.attributes);
            for (Map.Entry<String, String> d : b.defaults.entrySet()) {
                Catalog.setDefault(s.connection(), oid, d.getKey(), d.getValue());
            }
            b.saveChecks(s.connection(), oid);
            if (!temp) {
                Capture.install(s.connection(), schema, table, oid);
            }
            return -1;
        });
    }

    private Plan createTableAs(Rewriter.QName qn, int i, int as, boolean temp, boolean ifNotExists) throws PgException, SQLException {
        List<String> names = new ArrayList<>();
        if (t.get(i).is("(")) {
            int close = r.match(i);
            for (int[] item : r.split(i + 1, close)) {
                names.add(t.get(item[0]).value());
            }
        }
        int queryEnd = t.size();
        boolean withData = true;
        if (queryEnd - 3 > as && r.at(queryEnd - 2, "no") && r.at(queryEnd - 1, "data") && r.at(queryEnd - 3, "with")) {
            withData = false;
            queryEnd -= 3;
        } else if (queryEnd - 2 > as && r.at(queryEnd - 1, "data") && r.at(queryEnd - 2, "with")) {
            queryEnd -= 2;
        }
        String query = r.sql.substring(t.get(as + 1).start(), t.get(queryEnd - 1).end());
        Plan sub = new Rewriter(r.session, query).plan();
        if (sub.kind != Plan.Kind.QUERY) {
            throw r.syntaxAt(as + 1);
        }
        String schema = r.schemaOf(qn);
        boolean data = withData;
        plan.eventTag = "CREATE TABLE AS";
        return utility(data ? "SELECT" : "CREATE TABLE AS", true, s -> {
            if (Catalog.h2Kind(s.connection(), schema, qn.name()) != null) {
                if (ifNotExists) {
                    s.notice(SqlState.DUPLICATE_TABLE, "relation \"" + qn.name() + "\" already exists, skipping");
                    return -1;
                }
                throw new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + qn.name() + "\" already exists");
            }
            List<H2Query.Result> cols = H2Query.describe(s, sub);
            List<String> defs = new ArrayList<>();
            List<Catalog.Attribute> attrs = new ArrayList<>();
            for (int k = 0; k < cols.size(); k++) {
                String name = k < names.size() ? names.get(k) : cols.get(k).description().name();
                ColumnType type = cols.get(k).type();
                defs.add(H2Literals.quoteIdent(name) + " " + type.storageType());
                attrs.add(new Catalog.Attribute(name, (short) (k + 1), type));
            }
            String target = H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(qn.name());
            s.execute((temp ? "CREATE LOCAL TEMPORARY TABLE " : "CREATE TABLE ") + target + " (" + String.join(", ", defs) + ")");
            Catalog.prune(s.connection());
            long oid = Catalog.create(s.connection(), schema, qn.name(), 'r', attrs);
            if (!temp) {
                Capture.install(s.connection(), schema, qn.name(), oid);
            }
            long n = 0;
            if (data) {
                try (Statement st = s.connection().createStatement()) {
                    n = st.executeUpdate("INSERT INTO " + target + " " + sub.h2Sql);
                }
            }
            return data ? n : -1;
        });
    }

    private boolean isTableConstraint(int k) {
        Token tok = t.get(k);
        return tok.kind() == Token.Kind.IDENTIFIER && Set.of("constraint", "primary", "unique", "foreign", "check", "exclude", "like")
                .contains(tok.value()) && !(k + 1 < t.size() && t.get(k + 1).kind() != Token.Kind.IDENTIFIER
                && !t.get(k + 1).is("(") && !tok.value().equals("constraint"));
    }

    /** Collects a table's H2 column definitions, constraints (named as PostgreSQL names them) and metadata. */
    private final class TableBuilder {
        final String schema;
        final String table;
        final List<String> columnDefs = new ArrayList<>();
        final List<String> constraints = new ArrayList<>();
        final List<String> before = new ArrayList<>();
        final List<Catalog.Attribute> attributes = new ArrayList<>();
        /** Column defaults as PostgreSQL prints them (null values: DEFAULT NULL, which PostgreSQL does not store). */
        final Map<String, String> defaults = new LinkedHashMap<>();
        final Set<String> usedNames = new HashSet<>();
        /** CHECK constraints by name, as pg_get_constraintdef prints them (none when PgCheckText does not cover one). */
        final Map<String, PgCheckText.Text> checks = new LinkedHashMap<>();
        short nextAttnum = 1;

        TableBuilder(String schema, String table) {
            this.schema = schema;
            this.table = table;
        }

        String uniqueName(String base) {
            String name = base.length() > 63 ? base.substring(0, 63) : base;
            int n = 1;
            while (!usedNames.add(name)) {
                name = base + n++;
            }
            return name;
        }

        void column(int from, int to) throws PgException, SQLException {
            if (!r.isName(from)) {
                throw r.syntaxAt(from);
            }
            String name = t.get(from).value();
            TypeNames.Parsed p = TypeNames.parse(t, from + 1);
            ColumnType type = p.type();
            StringBuilder def = new StringBuilder(H2Literals.quoteIdent(name)).append(' ').append(type.storageType());
            if (p.serial() == TypeNames.Serial.SERIAL) {
                String seq = uniqueSequence(table + "_" + name + "_seq");
                String q = H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(seq);
                String as = type.type() == PgType.INT8 ? "BIGINT" : type.type() == PgType.INT2 ? "SMALLINT" : "INTEGER";
                before.add("CREATE SEQUENCE " + q + " AS " + as);
                def.append(" DEFAULT nextval(").append(H2Literals.quote(schema + "." + seq)).append(") NOT NULL");
                defaults.put(name, PgExprText.nextval(schema, seq));
            }
            String pendingName = null;
            int k = p.next();
            while (k < to) {
                Token tok = t.get(k);
                if (tok.isWord("constraint")) {
                    pendingName = t.get(k + 1).value();
                    k += 2;
                } else if (tok.isWord("not") && r.at(k + 1, "null")) {
                    def.append(" NOT NULL");
                    k += 2;
                } else if (tok.isWord("not") && r.at(k + 1, "deferrable")) {
                    k += 2;
                } else if (tok.isWord("null")) {
                    def.append(" NULL");
                    k++;
                } else if (tok.isWord("default")) {
                    int end = k + 1;
                    int depth = 0;
                    while (end < to && !(depth == 0 && t.get(end).kind() == Token.Kind.IDENTIFIER
                            && COLUMN_CONSTRAINT_WORDS.contains(t.get(end).value()) && end > k + 1)) {
                        if (t.get(end).is("(")) {
                            depth++;
                        } else if (t.get(end).is(")")) {
                            depth--;
                        }
                        end++;
                    }
                    def.append(" DEFAULT ").append(defaultExpr(k + 1, end, type));
                    String adsrc = PgExprText.deparse(t, k + 1, end, type);
                    if (adsrc != null) {
                        defaults.put(name, adsrc);
                    }
                    k = end;
                } else if (tok.isWord("primary") && r.at(k + 1, "key")) {
                    constraints.add("CONSTRAINT " + H2Literals.quoteIdent(pendingName != null ? pendingName : uniqueName(table + "_pkey"))
                            + " PRIMARY KEY (" + H2Literals.quoteIdent(name) + ")");
                    pendingName = null;
                    k += 2;
                } else if (tok.isWord("unique")) {
                    constraints.add("CONSTRAINT " + H2Literals.quoteIdent(pendingName != null ? pendingName : uniqueName(table + "_" + name + "_key"))
                            + " UNIQUE (" + H2Literals.quoteIdent(name) + ")");
                    pendingName = null;
                    k++;
                    if (r.at(k, "nulls")) {
                        k += r.at(k + 1, "not") ? 3 : 2;
                    }
                } else if (tok.isWord("check")) {
                    int close = r.match(k + 1);
                    Rewriter.Out out = new Rewriter.Out(null);
                    r.expr(out, k + 1, close + 1);
                    String only = checkColumn(k + 2, close, name);
                    String checkName = pendingName != null ? pendingName
                            : uniqueName(table + (only != null ? "_" + only : "") + "_check");
                    constraints.add("CONSTRAINT " + H2Literals.quoteIdent(checkName) + " CHECK " + out);
                    ColumnType self = type;
                    PgCheckText.Text text = PgCheckText.deparse(t, k + 2, close, c -> c.equals(name) ? self : columnType(c));
                    if (text != null) {
                        checks.put(checkName, text);
                    }
                    pendingName = null;
                    k = close + 1;
                    if (r.at(k, "no") && r.at(k + 1, "inherit")) {
                        k += 2;
                    }
                } else if (tok.isWord("references")) {
                    StringBuilder fk = new StringBuilder("CONSTRAINT ")
                            .append(H2Literals.quoteIdent(pendingName != null ? pendingName : uniqueName(table + "_" + name + "_fkey")))
                            .append(" FOREIGN KEY (").append(H2Literals.quoteIdent(name)).append(")");
                    k = references(fk, k, to);
                    constraints.add(fk.toString());
                    pendingName = null;
                } else if (tok.isWord("collate")) {
                    k += 2;
                } else if (tok.isWord("deferrable")) {
                    k++;
                } else if (tok.isWord("initially")) {
                    k += 2;
                } else if (tok.isWord("generated")) {
                    int as = k + 1;
                    while (as < to && !t.get(as).isWord("as")) {
                        as++;
                    }
                    if (r.at(as + 1, "identity")) {
                        def.append(r.at(k + 1, "always") ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY");
                        k = as + 2;
                        if (k < to && t.get(k).is("(")) {
                            k = r.match(k) + 1;
                        }
                    } else if (as + 1 < to && t.get(as + 1).is("(")) {
                        int close = r.match(as + 1);
                        Rewriter.Out out = new Rewriter.Out(null);
                        r.expr(out, as + 1, close + 1);
                        def.append(" GENERATED ALWAYS AS ").append(out);
                        k = close + 1;
                        if (r.at(k, "stored")) {
                            k++;
                        }
                    } else {
                        throw r.syntaxAt(as);
                    }
                } else {
                    throw r.syntaxAt(k);
                }
            }
            columnDefs.add(def.toString());
            attributes.add(new Catalog.Attribute(name, nextAttnum++, type));
        }

        private String uniqueSequence(String base) throws SQLException {
            String name = base;
            int n = 1;
            while (sequenceExists(r.session.connection(), schema, name)) {
                name = base + n++;
            }
            return name;
        }

        String defaultExpr(int from, int to, ColumnType type) throws PgException {
            int n = to - from;
            if (n == 1 && (t.get(from).kind() == Token.Kind.STRING
                    || (t.get(from).kind() == Token.Kind.NUMBER && type.type() == PgType.NUMERIC))) {
                return r.typedLiteral(type, t.get(from).kind() == Token.Kind.STRING ? t.get(from).value() : t.get(from).text(), t.get(from));
            }
            if (n == 2 && t.get(from).is("-") && t.get(from + 1).kind() == Token.Kind.NUMBER && type.type() == PgType.NUMERIC) {
                return r.typedLiteral(type, "-" + t.get(from + 1).text(), t.get(from));
            }
            Rewriter.Out out = new Rewriter.Out(null);
            r.expr(out, from, to);
            return out.toString();
        }

        /**
         * The one column a CHECK expression in {@code from..to} references, or null when it references none or several:
         * PostgreSQL names the constraint {@code <table>_<column>_check} or {@code <table>_check} by that, wherever the
         * constraint was written. {@code extra} is a column being defined (not yet among the attributes).
         */
        String checkColumn(int from, int to, String extra) {
            Set<String> seen = new LinkedHashSet<>();
            for (int j = from; j < to; j++) {
                if (r.isName(j) && !(j + 1 < to && t.get(j + 1).is("(")) && !(j > from && t.get(j - 1).is("::"))) {
                    String v = t.get(j).value();
                    if (v.equals(extra) || columnType(v) != null) {
                        seen.add(v);
                    }
                }
            }
            return seen.size() == 1 ? seen.iterator().next() : null;
        }

        /** The type of a column defined so far, or null. */
        ColumnType columnType(String column) {
            for (Catalog.Attribute a : attributes) {
                if (a.name().equals(column)) {
                    return a.type();
                }
            }
            return null;
        }

        /** Records the builder's CHECK texts for the table {@code oid}. */
        void saveChecks(java.sql.Connection c, long oid) throws SQLException {
            for (Map.Entry<String, PgCheckText.Text> e : checks.entrySet()) {
                Catalog.setCheck(c, oid, e.getKey(), e.getValue());
            }
        }

        void tableConstraint(int from, int to) throws PgException, SQLException {
            int k = from;
            String name = null;
            if (r.at(k, "constraint")) {
                name = t.get(k + 1).value();
                k += 2;
            }
            if (r.at(k, "primary") && r.at(k + 1, "key")) {
                List<String> cols = columnList(k + 2);
                constraints.add("CONSTRAINT " + H2Literals.quoteIdent(name != null ? name : uniqueName(table + "_pkey"))
                        + " PRIMARY KEY (" + quoted(cols) + ")");
            } else if (r.at(k, "unique")) {
                int open = k + 1;
                if (r.at(open, "nulls")) {
                    open += r.at(open + 1, "not") ? 3 : 2;
                }
                List<String> cols = columnList(open);
                constraints.add("CONSTRAINT " + H2Literals.quoteIdent(name != null ? name : uniqueName(table + "_" + String.join("_", cols) + "_key"))
                        + " UNIQUE (" + quoted(cols) + ")");
            } else if (r.at(k, "check")) {
                int close = r.match(k + 1);
                String column = checkColumn(k + 2, close, null);
                Rewriter.Out out = new Rewriter.Out(null);
                r.expr(out, k + 1, close + 1);
                String checkName = name != null ? name : uniqueName(table + (column != null ? "_" + column : "") + "_check");
                constraints.add("CONSTRAINT " + H2Literals.quoteIdent(checkName) + " CHECK " + out);
                PgCheckText.Text text = PgCheckText.deparse(t, k + 2, close, this::columnType);
                if (text != null) {
                    checks.put(checkName, text);
                }
            } else if (r.at(k, "foreign") && r.at(k + 1, "key")) {
                List<String> cols = columnList(k + 2);
                int after = r.match(k + 2) + 1;
                StringBuilder fk = new StringBuilder("CONSTRAINT ")
                        .append(H2Literals.quoteIdent(name != null ? name : uniqueName(table + "_" + String.join("_", cols) + "_fkey")))
                        .append(" FOREIGN KEY (").append(quoted(cols)).append(")");
                int end = references(fk, after, to);
                if (end != to) {
                    throw r.syntaxAt(end);
                }
                constraints.add(fk.toString());
            } else if (r.at(k, "exclude")) {
                throw notSupported("EXCLUDE constraints");
            } else if (r.at(k, "like")) {
                throw notSupported("CREATE TABLE ... LIKE");
            } else {
                throw r.syntaxAt(k);
            }
        }

        private int references(StringBuilder fk, int k, int to) throws PgException, SQLException {
            if (!r.at(k, "references")) {
                throw r.syntaxAt(k);
            }
            Rewriter.QName ref = r.qname(k + 1);
            fk.append(" REFERENCES ").append(r.h2Name(ref));
            k = ref.next();
            if (k < to && t.get(k).is("(")) {
                fk.append(" (").append(quoted(columnList(k))).append(")");
                k = r.match(k) + 1;
            }
            while (k < to) {
                if (r.at(k, "match")) {
                    k += 2;
                } else if (r.at(k, "on") && (r.at(k + 1, "delete") || r.at(k + 1, "update"))) {
                    fk.append(" ON ").append(t.get(k + 1).value().toUpperCase(Locale.ROOT));
                    k += 2;
                    if (r.at(k, "no") && r.at(k + 1, "action")) {
                        fk.append(" NO ACTION");
                        k += 2;
                    } else if (r.at(k, "set")) {
                        fk.append(" SET ").append(t.get(k + 1).value().toUpperCase(Locale.ROOT));
                        k += 2;
                        if (k < to && t.get(k).is("(")) {
                            throw notSupported("ON DELETE SET NULL with a column list");
                        }
                    } else {
                        fk.append(' ').append(t.get(k).value().toUpperCase(Locale.ROOT));
                        k++;
                    }
                } else if (r.at(k, "deferrable")) {
                    k++;
                } else if (r.at(k, "not") && r.at(k + 1, "deferrable")) {
                    k += 2;
                } else if (r.at(k, "initially")) {
                    k += 2;
                } else {
                    break;
                }
            }
            return k;
        }
    }

    private List<String> columnList(int open) throws PgException {
        if (open >= t.size() || !t.get(open).is("(")) {
            throw r.syntaxAt(open);
        }
        int close = r.match(open);
        List<String> cols = new ArrayList<>();
        for (int[] item : r.split(open + 1, close)) {
            if (!r.isName(item[0])) {
                throw r.syntaxAt(item[0]);
            }
            cols.add(t.get(item[0]).value());
        }
        return cols;
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) {
            q.add(H2Literals.quoteIdent(n));
        }
        return String.join(", ", q);
    }

    private Plan createIndex(int i, boolean unique) throws PgException, SQLException {
        if (r.at(i, "concurrently")) {
            i++;
        }
        boolean ifNotExists = false;
        if (r.at(i, "if") && r.at(i + 1, "not") && r.at(i + 2, "exists")) {
            ifNotExists = true;
            i += 3;
        }
        String name = null;
        if (!r.at(i, "on")) {
            name = t.get(i).value();
            i++;
        }
        if (!r.at(i, "on")) {
            throw r.syntaxAt(i);
        }
        i++;
        if (r.at(i, "only")) {
            i++;
        }
        Rewriter.QName table = r.qname(i);
        i = table.next();
        if (r.at(i, "using")) {
            String method = t.get(i + 1).value();
            if (!method.equals("btree") && !method.equals("hash")) {
                throw notSupported("index method " + method);
            }
            i += 2;
        }
        if (i >= t.size() || !t.get(i).is("(")) {
            throw r.syntaxAt(i);
        }
        int close = r.match(i);
        List<String> cols = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (int[] item : r.split(i + 1, close)) {
            int k = item[0];
            if (!r.isName(k) || (k + 1 < item[1] && (t.get(k + 1).is("(") || t.get(k + 1).is(".") || t.get(k + 1).kind() == Token.Kind.OPERATOR))) {
                throw notSupported("an index on an expression");
            }
            String col = t.get(k).value();
            cols.add(col);
            StringBuilder it = new StringBuilder(H2Literals.quoteIdent(col));
            for (k = k + 1; k < item[1]; k++) {
                if (r.at(k, "asc") || r.at(k, "desc")) {
                    it.append(' ').append(t.get(k).value().toUpperCase(Locale.ROOT));
                } else if (r.at(k, "nulls")) {
                    it.append(" NULLS ").append(t.get(k + 1).value().toUpperCase(Locale.ROOT));
                    k++;
                } else if (r.at(k, "collate")) {
                    k++;
                } else if (!r.isName(k)) {
                    throw r.syntaxAt(k);
                } // an operator class: ignored
            }
            items.add(it.toString());
        }
        for (int k = close + 1; k < t.size(); k++) {
            if (r.at(k, "where")) {
                throw notSupported("a partial index (CREATE INDEX ... WHERE)");
            } else if (t.get(k).is("(")) {
                k = r.match(k);
            } else if (r.at(k, "tablespace")) {
                k++;
            }
        }
        String schema = r.schemaOf(table);
        String indexName = name != null ? name : table.name() + "_" + String.join("_", cols) + "_idx";
        String sqlText = "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + H2Literals.quoteIdent(schema) + "."
                + H2Literals.quoteIdent(indexName) + " ON " + r.h2Name(table) + " (" + String.join(", ", items) + ")";
        boolean ine = ifNotExists;
        boolean named = name != null;
        return utility("CREATE INDEX", true, s -> {
            if (Catalog.h2Kind(s.connection(), schema, table.name()) == null) {
                throw new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + table.name() + "\" does not exist");
            }
            String finalName = indexName;
            if (relationExists(s.connection(), schema, indexName)) {
                if (named) {
                    if (ine) {
                        s.notice(SqlState.DUPLICATE_TABLE, "relation \"" + indexName + "\" already exists, skipping");
                        return -1;
                    }
                    throw new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + indexName + "\" already exists");
                }
                int n = 1;
                while (relationExists(s.connection(), schema, indexName + n)) {
                    n++;
                }
                finalName = indexName + n;
            }
            s.execute(sqlText.replace(H2Literals.quoteIdent(indexName) + " ON", H2Literals.quoteIdent(finalName) + " ON"));
            return -1;
        });
    }

    private Plan createView(int i, boolean orReplace, boolean temp) throws PgException, SQLException {
        Rewriter.QName qn = r.qname(i);
        i = qn.next();
        List<String> names = new ArrayList<>();
        if (i < t.size() && t.get(i).is("(")) {
            names.addAll(columnList(i));
            i = r.match(i) + 1;
        }
        if (r.at(i, "with") && i + 1 < t.size() && t.get(i + 1).is("(")) {
            i = r.match(i + 1) + 1;
        }
        if (!r.at(i, "as")) {
            throw r.syntaxAt(i);
        }
        int end = t.size();
        if (r.at(end - 2, "check") && r.at(end - 1, "option")) {
            throw notSupported("WITH CHECK OPTION");
        }
        String query = r.sql.substring(t.get(i + 1).start(), t.get(end - 1).end());
        Plan sub = new Rewriter(r.session, query).plan();
        if (sub.kind != Plan.Kind.QUERY || sub.maxParam > 0) {
            throw r.syntaxAt(i + 1);
        }
        String schema = r.schemaOf(qn);
        return utility("CREATE VIEW", true, s -> {
            Connection c = s.connection();
            String kind = Catalog.h2Kind(c, schema, qn.name());
            if (kind != null && !(orReplace && kind.equals("VIEW"))) {
                if (kind.equals("VIEW")) {
                    throw new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + qn.name() + "\" already exists");
                }
                throw new PgException(SqlState.WRONG_OBJECT_TYPE, "\"" + qn.name() + "\" is not a view");
            }
            List<H2Query.Result> cols = H2Query.describe(s, sub);
            List<Catalog.Attribute> attrs = new ArrayList<>();
            for (int k = 0; k < cols.size(); k++) {
                String name = k < names.size() ? names.get(k) : cols.get(k).description().name();
                attrs.add(new Catalog.Attribute(name, (short) (k + 1), cols.get(k).type()));
            }
            String columns = names.isEmpty() ? "" : " (" + quoted(names) + ")";
            s.execute("CREATE " + (orReplace ? "OR REPLACE " : "") + "VIEW " + H2Literals.quoteIdent(schema) + "."
                    + H2Literals.quoteIdent(qn.name()) + columns + " AS " + sub.h2Sql);
            Catalog.Relation old = Catalog.load(c, schema, qn.name());
            if (old != null) {
                Catalog.replaceAttributes(c, old.oid(), attrs);
            } else {
                Catalog.create(c, schema, qn.name(), 'v', attrs);
            }
            return -1;
        });
    }

    private Plan createSequence(int i, boolean temp) throws PgException, SQLException {
        boolean ifNotExists = false;
        if (r.at(i, "if") && r.at(i + 1, "not") && r.at(i + 2, "exists")) {
            ifNotExists = true;
            i += 3;
        }
        Rewriter.QName qn = r.qname(i);
        String options = sequenceOptions(qn.next());
        String schema = r.schemaOf(qn);
        String sqlText = "CREATE SEQUENCE " + r.h2Name(qn) + options;
        boolean ine = ifNotExists;
        // PostgreSQL's cache (1 unless given) is what pg_sequence shows; H2 keeps a cache of its own
        Long cache = null;
        for (int k = qn.next(); k + 1 < t.size(); k++) {
            if (r.at(k, "cache") && t.get(k + 1).kind() == Token.Kind.NUMBER) {
                cache = Long.parseLong(t.get(k + 1).text());
            }
        }
        Long pgCache = cache;
        return utility("CREATE SEQUENCE", true, s -> {
            if (relationExists(s.connection(), schema, qn.name())) {
                if (ine) {
                    s.notice(SqlState.DUPLICATE_TABLE, "relation \"" + qn.name() + "\" already exists, skipping");
                    return -1;
                }
                throw new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + qn.name() + "\" already exists");
            }
            s.execute(sqlText);
            Catalog.setSequenceCache(s.connection(), schema, qn.name(), pgCache);
            return -1;
        });
    }

    private String sequenceOptions(int i) throws PgException {
        StringBuilder b = new StringBuilder();
        while (i < t.size()) {
            Token tok = t.get(i);
            String w = tok.value();
            switch (w) {
                case "as" -> {
                    TypeNames.Parsed p = TypeNames.parse(t, i + 1);
                    b.append(" AS ").append(p.type().storageType());
                    i = p.next();
                }
                case "increment", "start", "restart" -> {
                    b.append(' ').append(w.toUpperCase(Locale.ROOT));
                    i++;
                    if (r.at(i, "by") || r.at(i, "with")) {
                        i++;
                    }
                    if (i < t.size() && (t.get(i).kind() == Token.Kind.NUMBER || t.get(i).is("-"))) {
                        b.append(w.equals("increment") ? " BY " : " WITH ");
                        i = number(b, i);
                    }
                }
                case "minvalue", "maxvalue", "cache" -> {
                    b.append(' ').append(w.toUpperCase(Locale.ROOT)).append(' ');
                    i = number(b, i + 1);
                }
                case "no" -> {
                    b.append(" NO ").append(t.get(i + 1).value().toUpperCase(Locale.ROOT));
                    i += 2;
                }
                case "cycle" -> {
                    b.append(" CYCLE");
                    i++;
                }
                case "owned" -> {
                    // OWNED BY table.column | NONE: H2 has no owned sequences; serial columns handle their own.
                    i += 2;
                    while (i < t.size() && (r.isName(i) || t.get(i).is("."))) {
                        i++;
                    }
                }
                default -> throw r.syntaxAt(i);
            }
        }
        return b.toString();
    }

    private int number(StringBuilder b, int i) throws PgException {
        if (t.get(i).is("-") || t.get(i).is("+")) {
            b.append(t.get(i).text());
            i++;
        }
        if (i >= t.size() || t.get(i).kind() != Token.Kind.NUMBER) {
            throw r.syntaxAt(i);
        }
        b.append(t.get(i).text());
        return i + 1;
    }

    private Plan createSchema(int i) throws PgException {
        boolean ifNotExists = false;
        if (r.at(i, "if") && r.at(i + 1, "not") && r.at(i + 2, "exists")) {
            ifNotExists = true;
            i += 3;
        }
        String name;
        if (r.at(i, "authorization")) {
            name = t.get(i + 1).value();
        } else {
            name = t.get(i).value();
            if (r.at(i + 1, "authorization")) {
                i += 2;
            }
            if (i + 1 < t.size()) {
                throw notSupported("CREATE SCHEMA with schema elements");
            }
        }
        boolean ine = ifNotExists;
        return utility("CREATE SCHEMA", true, s -> {
            if (schemaExists(s.connection(), name)) {
                if (ine) {
                    s.notice(SqlState.DUPLICATE_SCHEMA, "schema \"" + name + "\" already exists, skipping");
                    return -1;
                }
                throw new PgException(SqlState.DUPLICATE_SCHEMA, "schema \"" + name + "\" already exists");
            }
            s.execute("CREATE SCHEMA " + H2Literals.quoteIdent(name));
            return -1;
        });
    }

    // ------------------------------------------------------------------------------------ ALTER

    private Plan alter() throws PgException, SQLException {
        String what = t.size() > 1 ? t.get(1).value() : "";
        if (what.equals("event") && r.at(2, "trigger")) {
            return utility("ALTER EVENT TRIGGER", true, new Routines(r).alterEventTrigger());
        }
        if (what.equals("publication")) {
            return utility("ALTER PUBLICATION", true, new Publications(r).alter());
        }
        switch (what) {
            case "table":
                return alterTable();
            case "sequence": {
                int i = 2;
                boolean ifExists = r.at(i, "if") && r.at(i + 1, "exists");
                if (ifExists) {
                    i += 2;
                }
                Rewriter.QName qn = r.qname(i);
                String options = sequenceOptions(qn.next());
                String schema = r.schemaOf(qn);
                String sqlText = "ALTER SEQUENCE " + r.h2Name(qn) + options;
                return utility("ALTER SEQUENCE", true, s -> {
                    if (!sequenceExists(s.connection(), schema, qn.name())) {
                        if (ifExists) {
                            s.notice(SqlState.SUCCESSFUL_COMPLETION, "relation \"" + qn.name() + "\" does not exist, skipping");
                            return -1;
                        }
                        throw new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + qn.name() + "\" does not exist");
                    }
                    if (!options.isEmpty()) {
                        s.execute(sqlText);
                    }
                    return -1;
                });
            }
            default:
                throw notSupported("ALTER " + what.toUpperCase(Locale.ROOT));
        }
    }

    /** One piece of ALTER TABLE's work, run in order with the table's catalog entry. */
    private interface AlterStep {
        void run(H2Session s, Catalog.Relation rel, String h2Table) throws SQLException, PgException;
    }

    private Plan alterTable() throws PgException, SQLException {
        int i = 2;
        boolean ifExists = false;
        if (r.at(i, "if") && r.at(i + 1, "exists")) {
            ifExists = true;
            i += 2;
        }
        if (r.at(i, "only")) {
            i++;
        }
        Rewriter.QName qn = r.qname(i);
        String schema = r.schemaOf(qn);
        List<AlterStep> steps = new ArrayList<>();
        for (int[] action : r.split(qn.next(), t.size())) {
            steps.add(alterAction(action[0], action[1], schema, qn.name()));
        }
        if (steps.isEmpty()) {
            throw r.syntaxAt(qn.next());
        }
        boolean ife = ifExists;
        return utility("ALTER TABLE", true, s -> {
            Catalog.Relation rel = Catalog.find(s.connection(), schema, qn.name());
            if (rel == null || rel.kind() != 'r') {
                if (rel == null && ife) {
                    s.notice(SqlState.SUCCESSFUL_COMPLETION, "relation \"" + qn.name() + "\" does not exist, skipping");
                    return -1;
                }
                if (rel != null) {
                    throw new PgException(SqlState.WRONG_OBJECT_TYPE, "\"" + qn.name() + "\" is not a table");
                }
                throw new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + qn.name() + "\" does not exist");
            }
            for (AlterStep step : steps) {
                step.run(s, Catalog.load(s.connection(), rel.schema(), rel.name()), H2Literals.quoteIdent(rel.schema()) + "."
                        + H2Literals.quoteIdent(rel.name()));
            }
            return -1;
        });
    }

    private AlterStep alterAction(int from, int to, String schema, String table) throws PgException, SQLException {
        int k = from;
        String w = t.get(k).value();
        switch (w) {
            case "add": {
                k++;
                if (r.at(k, "constraint") || r.at(k, "primary") || r.at(k, "unique") || r.at(k, "foreign") || r.at(k, "check")
                        || r.at(k, "exclude")) {
                    TableBuilder b = new TableBuilder(schema, table);
                    int cf = k;
                    return (s, rel, h2Table) -> {
                        for (Catalog.Attribute a : rel.attributes()) {
                            b.attributes.add(a);
                        }
                        b.tableConstraint(cf, to);
                        for (String c : b.constraints) {
                            s.execute("ALTER TABLE " + h2Table + " ADD " + c);
                        }
                        b.saveChecks(s.connection(), rel.oid());
                    };
                }
                if (r.at(k, "column")) {
                    k++;
                }
                boolean ifNotExists = false;
                if (r.at(k, "if") && r.at(k + 1, "not") && r.at(k + 2, "exists")) {
                    ifNotExists = true;
                    k += 3;
                }
                TableBuilder b = new TableBuilder(schema, table);
                b.column(k, to);
                String column = t.get(k).value();
                boolean ine = ifNotExists;
                return (s, rel, h2Table) -> {
                    if (rel.attribute(column) != null) {
                        if (ine) {
                            s.notice(SqlState.DUPLICATE_COLUMN, "column \"" + column + "\" of relation \"" + table + "\" already exists, skipping");
                            return;
                        }
                        throw new PgException(SqlState.DUPLICATE_COLUMN, "column \"" + column + "\" of relation \"" + table + "\" already exists");
                    }
                    for (String pre : b.before) {
                        s.execute(pre);
                    }
                    s.execute("ALTER TABLE " + h2Table + " ADD COLUMN " + b.columnDefs.get(0));
                    for (String c : b.constraints) {
                        s.execute("ALTER TABLE " + h2Table + " ADD " + c);
                    }
                    Catalog.addColumn(s.connection(), rel.oid(), column, b.attributes.get(0).type());
                    b.saveChecks(s.connection(), rel.oid());
                    if (b.defaults.containsKey(column)) {
                        Catalog.setDefault(s.connection(), rel.oid(), column, b.defaults.get(column));
                    }
                };
            }
            case "drop": {
                k++;
                if (r.at(k, "constraint")) {
                    k++;
                    boolean ifExists = r.at(k, "if") && r.at(k + 1, "exists");
                    if (ifExists) {
                        k += 2;
                    }
                    String name = t.get(k).value();
                    boolean cascade = r.at(k + 1, "cascade");
                    return (s, rel, h2Table) -> s.execute("ALTER TABLE " + h2Table + " DROP CONSTRAINT " + (ifExists ? "IF EXISTS " : "")
                            + H2Literals.quoteIdent(name) + (cascade ? " CASCADE" : ""));
                }
                if (r.at(k, "column")) {
                    k++;
                }
                boolean ifExists = r.at(k, "if") && r.at(k + 1, "exists");
                if (ifExists) {
                    k += 2;
                }
                String column = t.get(k).value();
                return (s, rel, h2Table) -> {
                    if (rel.attribute(column) == null) {
                        if (ifExists) {
                            s.notice(SqlState.SUCCESSFUL_COMPLETION, "column \"" + column + "\" of relation \"" + table + "\" does not exist, skipping");
                            return;
                        }
                        throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + column + "\" of relation \"" + table + "\" does not exist");
                    }
                    s.execute("ALTER TABLE " + h2Table + " DROP COLUMN " + H2Literals.quoteIdent(column));
                    Catalog.dropColumn(s.connection(), rel.oid(), column);
                };
            }
            case "alter": {
                k++;
                if (r.at(k, "column")) {
                    k++;
                }
                String column = t.get(k).value();
                k++;
                String h2Action;
                ColumnType retype = null;
                int defaultFrom = -1;
                if (r.at(k, "type") || (r.at(k, "set") && r.at(k + 1, "data") && r.at(k + 2, "type"))) {
                    k += r.at(k, "type") ? 1 : 3;
                    TypeNames.Parsed p = TypeNames.parse(t, k);
                    if (p.next() < to) {
                        throw notSupported("ALTER COLUMN ... TYPE with " + t.get(p.next()).value().toUpperCase(Locale.ROOT));
                    }
                    retype = p.type();
                    h2Action = "SET DATA TYPE " + p.type().storageType();
                } else if (r.at(k, "set") && r.at(k + 1, "default")) {
                    Rewriter.Out out = new Rewriter.Out(null);
                    r.expr(out, k + 2, to);
                    h2Action = "SET DEFAULT " + out;
                    defaultFrom = k + 2;
                } else if (r.at(k, "drop") && r.at(k + 1, "default")) {
                    h2Action = "DROP DEFAULT";
                    defaultFrom = to;
                } else if (r.at(k, "set") && r.at(k + 1, "not") && r.at(k + 2, "null")) {
                    h2Action = "SET NOT NULL";
                } else if (r.at(k, "drop") && r.at(k + 1, "not") && r.at(k + 2, "null")) {
                    h2Action = "DROP NOT NULL";
                } else {
                    throw notSupported("ALTER TABLE ... ALTER COLUMN " + (k < to ? t.get(k).text().toUpperCase(Locale.ROOT) : ""));
                }
                ColumnType newType = retype;
                int defFrom = defaultFrom;
                int defTo = to;
                return (s, rel, h2Table) -> {
                    Catalog.Attribute a = rel.attribute(column);
                    if (a == null) {
                        throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + column + "\" of relation \"" + table + "\" does not exist");
                    }
                    if (newType != null && !newType.storageType().equals(a.type().storageType()) && (newType.storedAsText()
                            || a.type().storedAsText())) {
                        throw notSupported("changing a column's type to or from " + (newType.storedAsText() ? newType : a.type()).displayName());
                    }
                    s.execute("ALTER TABLE " + h2Table + " ALTER COLUMN " + H2Literals.quoteIdent(column) + " " + h2Action);
                    if (newType != null) {
                        Catalog.retypeColumn(s.connection(), rel.oid(), column, newType);
                    }
                    if (defFrom >= 0) {
                        Catalog.setDefault(s.connection(), rel.oid(), column,
                                defFrom == defTo ? null : PgExprText.deparse(t, defFrom, defTo, a.type()));
                    }
                };
            }
            case "rename": {
                k++;
                if (r.at(k, "to")) {
                    String newName = t.get(k + 1).value();
                    return (s, rel, h2Table) -> {
                        s.execute("ALTER TABLE " + h2Table + " RENAME TO " + H2Literals.quoteIdent(newName));
                        Catalog.rename(s.connection(), rel.oid(), rel.schema(), newName);
                    };
                }
                if (r.at(k, "constraint")) {
                    String old = t.get(k + 1).value();
                    String newName = t.get(k + 3).value();
                    return (s, rel, h2Table) -> s.execute("ALTER TABLE " + h2Table + " RENAME CONSTRAINT " + H2Literals.quoteIdent(old)
                            + " TO " + H2Literals.quoteIdent(newName));
                }
                if (r.at(k, "column")) {
                    k++;
                }
                String old = t.get(k).value();
                if (!r.at(k + 1, "to")) {
                    throw r.syntaxAt(k + 1);
                }
                String newName = t.get(k + 2).value();
                return (s, rel, h2Table) -> {
                    if (rel.attribute(old) == null) {
                        throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + old + "\" does not exist");
                    }
                    s.execute("ALTER TABLE " + h2Table + " ALTER COLUMN " + H2Literals.quoteIdent(old) + " RENAME TO "
                            + H2Literals.quoteIdent(newName));
                    Catalog.renameColumn(s.connection(), rel.oid(), old, newName);
                };
            }
            case "replica": {
                if (!r.at(k + 1, "identity")) {
                    throw r.syntaxAt(k + 1);
                }
                k += 2;
                char ident;
                String index = null;
                if (r.at(k, "default")) {
                    ident = 'd';
                } else if (r.at(k, "full")) {
                    ident = 'f';
                } else if (r.at(k, "nothing")) {
                    ident = 'n';
                } else if (r.at(k, "using") && r.at(k + 1, "index")) {
                    ident = 'i';
                    index = t.get(k + 2).value();
                    k += 2;
                } else {
                    throw r.syntaxAt(k);
                }
                if (k + 1 != to) {
                    throw r.syntaxAt(k + 1);
                }
                String idx = index;
                return (s, rel, h2Table) -> {
                    if (idx != null && !uniqueIndexOn(s.connection(), rel.schema(), rel.name(), idx)) {
                        throw new PgException(SqlState.UNDEFINED_OBJECT, "index \"" + idx + "\" for table \"" + table + "\" does not exist");
                    }
                    Catalog.setReplicaIdentity(s.connection(), rel.oid(), ident, idx);
                };
            }
            case "owner":
                return (s, rel, h2Table) -> { };
            default:
                throw notSupported("ALTER TABLE ... " + t.get(from).text().toUpperCase(Locale.ROOT));
        }
    }

    // ------------------------------------------------------------------------------------ DROP, TRUNCATE, COMMENT

    private Plan drop() throws PgException, SQLException {
        String what = t.size() > 1 ? t.get(1).value() : "";
        if (what.equals("function") || what.equals("procedure")) {
            boolean procedure = what.equals("procedure");
            return utility(procedure ? "DROP PROCEDURE" : "DROP FUNCTION", true, new Routines(r).dropFunction(procedure));
        }
        if (what.equals("event") && r.at(2, "trigger")) {
            return utility("DROP EVENT TRIGGER", true, new Routines(r).dropEventTrigger());
        }
        if (!Set.of("table", "view", "sequence", "index", "schema").contains(what)) {
            if (what.equals("publication")) {
                return utility("DROP PUBLICATION", true, new Publications(r).drop());
            }
            throw notSupported("DROP " + what.toUpperCase(Locale.ROOT));
        }
        int i = 2;
        if (r.at(i, "concurrently")) {
            i++;
        }
        boolean ifExists = r.at(i, "if") && r.at(i + 1, "exists");
        if (ifExists) {
            i += 2;
        }
        int end = t.size();
        boolean cascade = false;
        if (r.at(end - 1, "cascade") || r.at(end - 1, "restrict")) {
            cascade = r.at(end - 1, "cascade");
            end--;
        }
        List<Rewriter.QName> names = new ArrayList<>();
        for (int[] item : r.split(i, end)) {
            Rewriter.QName qn = r.qname(item[0]);
            if (qn.next() != item[1]) {
                throw r.syntaxAt(qn.next());
            }
            names.add(qn);
        }
        List<String> schemas = new ArrayList<>();
        for (Rewriter.QName qn : names) {
            schemas.add(what.equals("schema") ? qn.name() : r.schemaOf(qn));
        }
        boolean cas = cascade;
        return utility("DROP " + what.toUpperCase(Locale.ROOT), true, s -> {
            Connection c = s.connection();
            List<String> statements = new ArrayList<>();
            List<Long> dropped = new ArrayList<>();
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(k).name();
                String schema = schemas.get(k);
                boolean exists;
                String wrongType = null;
                switch (what) {
                    case "table", "view" -> {
                        String kind = Catalog.h2Kind(c, schema, name);
                        exists = kind != null && (what.equals("view") == kind.equals("VIEW"));
                        if (kind != null && !exists) {
                            wrongType = "\"" + name + "\" is not a " + what;
                        }
                    }
                    case "sequence" -> exists = sequenceExists(c, schema, name);
                    case "index" -> exists = indexTable(c, schema, name) != null;
                    default -> exists = schemaExists(c, name);
                }
                if (wrongType != null) {
                    throw new PgException(SqlState.WRONG_OBJECT_TYPE, wrongType)
                            .withHint("Use DROP " + (what.equals("table") ? "VIEW" : "TABLE") + " to remove a "
                                    + (what.equals("table") ? "view" : "table") + ".");
                }
                if (!exists) {
                    String msg = what + " \"" + name + "\" does not exist";
                    if (ifExists) {
                        s.notice(SqlState.SUCCESSFUL_COMPLETION, msg + ", skipping");
                        continue;
                    }
                    String state = switch (what) {
                        case "schema" -> SqlState.UNDEFINED_SCHEMA;
                        case "index" -> SqlState.UNDEFINED_OBJECT;
                        default -> SqlState.UNDEFINED_TABLE;
                    };
                    throw new PgException(state, msg);
                }
                String target = what.equals("schema") ? H2Literals.quoteIdent(name)
                        : H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(name);
                statements.add("DROP " + what.toUpperCase(Locale.ROOT) + " " + target + (cas ? " CASCADE" : what.equals("index") ? "" : " RESTRICT"));
                if (what.equals("table")) {
                    statements.addAll(ownedSequences(c, schema, name));
                }
                if (what.equals("table") || what.equals("view")) {
                    Catalog.Relation rel = Catalog.load(c, schema, name);
                    if (rel != null) {
                        dropped.add(rel.oid());
                    }
                }
            }
            for (String st : statements) {
                s.execute(st);
            }
            for (long oid : dropped) {
                Catalog.drop(c, oid);
            }
            Catalog.prune(c);
            return -1;
        });
    }

    /** DROP statements for the sequences serial columns of the table made (PostgreSQL drops them with it). */
    private static List<String> ownedSequences(Connection c, String schema, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME, COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            p.setString(1, schema);
            p.setString(2, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String seq = table + "_" + rs.getString(1) + "_seq";
                    String dflt = rs.getString(2);
                    if (dflt != null && dflt.contains(schema + "." + seq + "'") && sequenceExists(c, schema, seq)) {
                        out.add("DROP SEQUENCE " + H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(seq));
                    }
                }
            }
        }
        return out;
    }

    private Plan truncate() throws PgException, SQLException {
        int i = 1;
        if (r.at(i, "table")) {
            i++;
        }
        int end = t.size();
        boolean restart = false;
        while (end > i && (r.at(end - 1, "cascade") || r.at(end - 1, "restrict") || r.at(end - 1, "identity"))) {
            if (r.at(end - 1, "identity")) {
                restart = r.at(end - 2, "restart");
                end -= 2;
            } else {
                if (r.at(end - 1, "cascade")) {
                    throw notSupported("TRUNCATE ... CASCADE");
                }
                end--;
            }
        }
        List<String> statements = new ArrayList<>();
        List<String[]> targets = new ArrayList<>();
        for (int[] item : r.split(i, end)) {
            int k = item[0];
            if (r.at(k, "only")) {
                k++;
            }
            Rewriter.QName qn = r.qname(k);
            statements.add("TRUNCATE TABLE " + r.h2Name(qn) + (restart ? " RESTART IDENTITY" : ""));
            targets.add(new String[] {r.schemaOf(qn), qn.name()});
        }
        boolean restartIdentity = restart;
        return utility("TRUNCATE TABLE", true, s -> {
            for (String st : statements) {
                s.execute(st);
            }
            // H2 fires no row triggers for TRUNCATE: the change is logged here, in the TRUNCATE's own transaction.
            List<io.slotway.api.change.Relation> rels = new ArrayList<>();
            for (String[] target : targets) {
                Catalog.Relation rel = Catalog.load(s.connection(), target[0], target[1]);
                Capture.Captured cap = rel == null ? null : s.source().relation(s.connection(), rel.oid());
                if (cap != null) {
                    rels.add(cap.relation());
                }
            }
            if (!rels.isEmpty()) {
                s.capture().add(new io.slotway.api.change.Change.Truncate(rels, false, restartIdentity));
            }
            return -1;
        });
    }

    private Plan comment() throws PgException, SQLException {
        if (!r.at(1, "on")) {
            throw r.syntaxAt(1);
        }
        String what = t.get(2).value();
        int is = r.topLevel(3, t.size(), "is");
        if (is < 0 || is + 2 != t.size()) {
            throw r.syntaxAt(Math.max(is, 3));
        }
        Token text = t.get(is + 1);
        String value = text.isWord("null") ? "NULL" : H2Literals.quote(text.value());
        String target;
        switch (what) {
            case "table", "view", "sequence", "index" -> {
                Rewriter.QName qn = r.qname(3);
                target = what.toUpperCase(Locale.ROOT) + " " + r.h2Name(qn);
            }
            case "column" -> {
                List<String> parts = new ArrayList<>();
                for (int k = 3; k < is; k += 2) {
                    parts.add(t.get(k).value());
                }
                if (parts.size() == 2) {
                    parts.add(0, r.session.currentSchema());
                }
                List<String> q = new ArrayList<>();
                for (String p : parts) {
                    q.add(H2Literals.quoteIdent(p));
                }
                target = "COLUMN " + String.join(".", q);
            }
            case "schema" -> target = "SCHEMA " + H2Literals.quoteIdent(t.get(3).value());
            default -> throw notSupported("COMMENT ON " + what.toUpperCase(Locale.ROOT));
        }
        String sqlText = "COMMENT ON " + target + " IS " + value;
        return utility("COMMENT", true, s -> {
            s.execute(sqlText);
            return -1;
        });
    }

    // ------------------------------------------------------------------------------------ H2 lookups

    static boolean sequenceExists(Connection c, String schema, String name) throws SQLException {
        return exists(c, "SELECT 1 FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_SCHEMA = ? AND SEQUENCE_NAME = ?", schema, name);
    }

    static boolean schemaExists(Connection c, String name) throws SQLException {
        return exists(c, "SELECT 1 FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = ?", name);
    }

    /** Whether a table, view, sequence or index of that name exists (they share PostgreSQL's pg_class namespace). */
    static boolean relationExists(Connection c, String schema, String name) throws SQLException {
        return Catalog.h2Kind(c, schema, name) != null || sequenceExists(c, schema, name) || indexTable(c, schema, name) != null;
    }

    static String indexTable(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean uniqueIndexOn(Connection c, String schema, String table, String index) throws SQLException {
        return exists(c, "SELECT 1 FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?"
                + " AND INDEX_TYPE_NAME IN ('UNIQUE INDEX', 'PRIMARY KEY')", schema, table, index)
                || exists(c, "SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?"
                + " AND CONSTRAINT_NAME = ? AND CONSTRAINT_TYPE IN ('UNIQUE', 'PRIMARY KEY')", schema, table, index);
    }

    private static boolean exists(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }
}
