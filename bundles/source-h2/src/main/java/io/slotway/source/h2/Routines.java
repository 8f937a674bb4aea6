package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.Token;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Functions, procedures and event triggers, recorded but not run: H2 cannot run PL/pgSQL, and Slotway's
 * schema-change watchers do what event triggers would (DMS's {@code awsdms_intercept_ddl}). Recording
 * them lets setup scripts written for PostgreSQL run unchanged, with PostgreSQL's checks and errors, and
 * keeps their definitions in the catalog ({@code slotway_meta.functions}, {@code slotway_meta.event_triggers}).
 */
final class Routines {
    /** Languages a PostgreSQL 15 database has without CREATE EXTENSION. */
    private static final Set<String> LANGUAGES = Set.of("sql", "plpgsql", "c", "internal");
    private static final Set<String> EVENTS = Set.of("ddl_command_start", "ddl_command_end", "sql_drop", "table_rewrite");
    /** Words that end a RETURNS clause. */
    private static final Set<String> OPTION_WORDS = Set.of("language", "as", "security", "immutable", "stable", "volatile",
            "strict", "called", "cost", "rows", "set", "window", "leakproof", "not", "parallel", "external", "support",
            "transform", "begin", "return");

    private final Rewriter r;
    private final List<Token> t;

    Routines(Rewriter r) {
        this.r = r;
        this.t = r.t;
    }

    static void init(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + Catalog.SCHEMA + ".functions (oid BIGINT PRIMARY KEY, nspname VARCHAR NOT NULL,"
                    + " proname VARCHAR NOT NULL, argtypes VARCHAR NOT NULL, prokind CHAR(1) NOT NULL, rettype VARCHAR,"
                    + " language VARCHAR NOT NULL, body VARCHAR, definition VARCHAR NOT NULL, UNIQUE (nspname, proname, argtypes))");
            s.execute("CREATE TABLE IF NOT EXISTS " + Catalog.SCHEMA + ".event_triggers (oid BIGINT PRIMARY KEY, evtname VARCHAR NOT NULL UNIQUE,"
                    + " evtevent VARCHAR NOT NULL, evtfoid BIGINT NOT NULL, evtenabled CHAR(1) NOT NULL, evttags VARCHAR)");
        }
    }

    // ------------------------------------------------------------------------------------ functions

    /** {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE name (args) ...}; {@code i} is at the name. */
    Plan.Utility createFunction(int i, boolean orReplace, boolean procedure) throws PgException {
        Rewriter.QName qn = r.qname(i);
        int open = qn.next();
        if (!r.at(open, "(") && !(open < t.size() && t.get(open).is("("))) {
            throw r.syntaxAt(open);
        }
        int close = r.match(open);
        String args = argTypes(open, close);
        String returns = null;
        String language = null;
        String body = null;
        int k = close + 1;
        while (k < t.size()) {
            Token tok = t.get(k);
            if (tok.isWord("returns")) {
                int from = k + 1;
                int to = from;
                while (to < t.size() && !(t.get(to).kind() == Token.Kind.IDENTIFIER && OPTION_WORDS.contains(t.get(to).value()))) {
                    to++;
                }
                if (to == from) {
                    throw r.syntaxAt(from);
                }
                returns = r.sql.substring(t.get(from).start(), t.get(to - 1).end()).trim().toLowerCase(Locale.ROOT);
                k = to;
            } else if (tok.isWord("language")) {
                if (k + 1 >= t.size()) {
                    throw r.syntaxAt(k + 1);
                }
                language = t.get(k + 1).value().toLowerCase(Locale.ROOT);
                k += 2;
            } else if (tok.isWord("as")) {
                if (k + 1 >= t.size() || t.get(k + 1).kind() != Token.Kind.STRING) {
                    throw r.syntaxAt(k + 1);
                }
                body = t.get(k + 1).value();
                k += 2;
                if (k < t.size() && t.get(k).is(",")) {
                    k += 2;
                }
            } else {
                k++;
            }
        }
        if (language == null) {
            language = "sql";
        }
        if (!LANGUAGES.contains(language)) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "language \"" + language + "\" does not exist")
                    .withHint("Use CREATE EXTENSION to load the language into the database.");
        }
        if (body == null && !language.equals("sql")) {
            throw new PgException(SqlState.INVALID_FUNCTION_DEFINITION, "no function body specified");
        }
        if (!procedure && returns == null) {
            throw new PgException(SqlState.INVALID_FUNCTION_DEFINITION, "function result type must be specified");
        }
        String name = qn.name();
        String rettype = procedure ? null : returns;
        String definition = r.sql;
        String lang = language;
        String src = body;
        return s -> {
            Connection c = s.connection();
            String schema = r.schemaOf(qn);
            if (!Ddl.schemaExists(c, schema)) {
                throw new PgException(SqlState.UNDEFINED_SCHEMA, "schema \"" + schema + "\" does not exist");
            }
            Long existing = functionOid(c, schema, name, args);
            if (existing != null && !orReplace) {
                throw new PgException(SqlState.DUPLICATE_FUNCTION, "function \"" + name + "\" already exists with same argument types");
            }
            if (existing != null) {
                try (PreparedStatement p = c.prepareStatement("UPDATE " + Catalog.SCHEMA + ".functions SET prokind = ?, rettype = ?,"
                        + " language = ?, body = ?, definition = ? WHERE oid = ?")) {
                    p.setString(1, procedure ? "p" : "f");
                    p.setString(2, rettype);
                    p.setString(3, lang);
                    p.setString(4, src);
                    p.setString(5, definition);
                    p.setLong(6, existing);
                    p.executeUpdate();
                }
                return -1;
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + Catalog.SCHEMA + ".functions (oid, nspname, proname, argtypes,"
                    + " prokind, rettype, language, body, definition) VALUES (NEXT VALUE FOR " + Catalog.SCHEMA + ".oids, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, schema);
                p.setString(2, name);
                p.setString(3, args);
                p.setString(4, procedure ? "p" : "f");
                p.setString(5, rettype);
                p.setString(6, lang);
                p.setString(7, src);
                p.setString(8, definition);
                p.executeUpdate();
            }
            return -1;
        };
    }

    /** {@code DROP FUNCTION|PROCEDURE [IF EXISTS] name [(args)] [, ...] [CASCADE|RESTRICT]}. */
    Plan.Utility dropFunction(boolean procedure) throws PgException {
        int i = 2;
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
        List<String> argLists = new ArrayList<>();
        for (int[] item : r.split(i, end)) {
            Rewriter.QName qn = r.qname(item[0]);
            String args = null;
            int next = qn.next();
            if (next < item[1] && t.get(next).is("(")) {
                int close = r.match(next);
                args = argTypes(next, close);
                next = close + 1;
            }
            if (next != item[1]) {
                throw r.syntaxAt(next);
            }
            names.add(qn);
            argLists.add(args);
        }
        String kind = procedure ? "procedure" : "function";
        boolean cas = cascade;
        return s -> {
            Connection c = s.connection();
            for (int k = 0; k < names.size(); k++) {
                Rewriter.QName qn = names.get(k);
                String schema = r.schemaOf(qn);
                String args = argLists.get(k);
                List<Long> oids = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement("SELECT oid, argtypes FROM " + Catalog.SCHEMA
                        + ".functions WHERE nspname = ? AND proname = ?" + (args == null ? "" : " AND argtypes = ?"))) {
                    p.setString(1, schema);
                    p.setString(2, qn.name());
                    if (args != null) {
                        p.setString(3, args);
                    }
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            oids.add(rs.getLong(1));
                        }
                    }
                }
                if (oids.size() > 1) {
                    throw new PgException(SqlState.AMBIGUOUS_FUNCTION, kind + " name \"" + qn.name() + "\" is not unique")
                            .withHint("Specify the argument list to select the " + kind + " unambiguously.");
                }
                if (oids.isEmpty()) {
                    String shown = args == null ? qn.name() : qn.name() + "(" + args + ")";
                    if (ifExists) {
                        s.notice(SqlState.SUCCESSFUL_COMPLETION, kind + " " + shown + " does not exist, skipping");
                        continue;
                    }
                    throw new PgException(SqlState.UNDEFINED_FUNCTION, args == null
                            ? "could not find a " + kind + " named \"" + qn.name() + "\"" : kind + " " + shown + " does not exist");
                }
                long oid = oids.get(0);
                List<String> triggers = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement("SELECT evtname FROM " + Catalog.SCHEMA + ".event_triggers WHERE evtfoid = ?")) {
                    p.setLong(1, oid);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            triggers.add(rs.getString(1));
                        }
                    }
                }
                if (!triggers.isEmpty() && !cas) {
                    throw new PgException(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, "cannot drop " + kind + " " + qn.name() + "("
                            + (args == null ? "" : args) + ") because other objects depend on it")
                            .withDetail("event trigger " + triggers.get(0) + " depends on " + kind + " " + qn.name() + "()")
                            .withHint("Use DROP ... CASCADE to drop the dependent objects too.");
                }
                execute(c, "DELETE FROM " + Catalog.SCHEMA + ".event_triggers WHERE evtfoid = ?", oid);
                execute(c, "DELETE FROM " + Catalog.SCHEMA + ".functions WHERE oid = ?", oid);
            }
            return -1;
        };
    }

    /** The argument types of {@code (args)} as a canonical text: types only, names and modes left out. */
    private String argTypes(int open, int close) {
        List<String> types = new ArrayList<>();
        for (int[] item : r.split(open + 1, close)) {
            int from = item[0];
            int to = item[1];
            int def = r.firstTopLevel(from, to, "default");
            if (def >= 0) {
                to = def;
            }
            for (int k = from; k < to; k++) {
                if (t.get(k).is("=")) {
                    to = k;
                    break;
                }
            }
            if (from < to && Set.of("in", "out", "inout", "variadic").contains(t.get(from).value().toLowerCase(Locale.ROOT))
                    && t.get(from).kind() == Token.Kind.IDENTIFIER) {
                from++;
            }
            if (to - from >= 2 && (t.get(from).kind() == Token.Kind.IDENTIFIER || t.get(from).kind() == Token.Kind.QUOTED_IDENTIFIER)
                    && !isTypeStart(from, to)) {
                from++;
            }
            if (from < to) {
                types.add(r.sql.substring(t.get(from).start(), t.get(to - 1).end()).trim().toLowerCase(Locale.ROOT));
            }
        }
        return String.join(", ", types);
    }

    /** Whether tokens {@code from..to} are a type name alone (so the first word is not an argument name). */
    private boolean isTypeStart(int from, int to) {
        String first = t.get(from).value().toLowerCase(Locale.ROOT);
        return (to - from == 2 && Set.of("double", "character", "bit", "time", "timestamp", "interval").contains(first))
                || (to > from + 1 && t.get(from + 1).is("."))
                || (to > from + 1 && t.get(from + 1).is("("))
                || (to > from + 1 && t.get(from + 1).is("["));
    }

    private static Long functionOid(Connection c, String schema, String name, String args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT oid FROM " + Catalog.SCHEMA
                + ".functions WHERE nspname = ? AND proname = ? AND argtypes = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            p.setString(3, args);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------------------------ event triggers

    /**
     * {@code CREATE EVENT TRIGGER name ON event [WHEN TAG IN ('...', ...)] EXECUTE {FUNCTION|PROCEDURE}
     * fn()}; {@code i} is at the name.
     */
    Plan.Utility createEventTrigger(int i) throws PgException {
        if (!r.isName(i)) {
            throw r.syntaxAt(i);
        }
        String name = t.get(i).value();
        if (!r.at(i + 1, "on") || !r.isName(i + 2)) {
            throw r.syntaxAt(i + 1);
        }
        String event = t.get(i + 2).value();
        int k = i + 3;
        List<String> tags = new ArrayList<>();
        if (r.at(k, "when")) {
            if (!r.at(k + 1, "tag") || !r.at(k + 2, "in") || k + 3 >= t.size() || !t.get(k + 3).is("(")) {
                throw r.syntaxAt(k + 1);
            }
            int close = r.match(k + 3);
            for (int[] item : r.split(k + 4, close)) {
                if (item[1] != item[0] + 1 || t.get(item[0]).kind() != Token.Kind.STRING) {
                    throw r.syntaxAt(item[0]);
                }
                tags.add(t.get(item[0]).value().toUpperCase(Locale.ROOT));
            }
            k = close + 1;
        }
        if (!r.at(k, "execute") || !(r.at(k + 1, "function") || r.at(k + 1, "procedure"))) {
            throw r.syntaxAt(k);
        }
        Rewriter.QName fn = r.qname(k + 2);
        int open = fn.next();
        if (open >= t.size() || !t.get(open).is("(") || r.match(open) != open + 1 || open + 2 != t.size()) {
            throw r.syntaxAt(open);
        }
        if (!EVENTS.contains(event)) {
            throw new PgException(SqlState.SYNTAX_ERROR, "unrecognized event name \"" + event + "\"");
        }
        String evtTags = tags.isEmpty() ? null : String.join(",", tags);
        return s -> {
            Connection c = s.connection();
            if (exists(c, "SELECT 1 FROM " + Catalog.SCHEMA + ".event_triggers WHERE evtname = ?", name)) {
                throw new PgException(SqlState.DUPLICATE_OBJECT, "event trigger \"" + name + "\" already exists");
            }
            String schema = r.schemaOf(fn);
            Long oid = functionOid(c, schema, fn.name(), "");
            if (oid == null) {
                throw new PgException(SqlState.UNDEFINED_FUNCTION, "function " + fn.name() + "() does not exist");
            }
            String rettype;
            try (PreparedStatement p = c.prepareStatement("SELECT rettype FROM " + Catalog.SCHEMA + ".functions WHERE oid = ?")) {
                p.setLong(1, oid);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    rettype = rs.getString(1);
                }
            }
            if (!"event_trigger".equals(rettype)) {
                throw new PgException(SqlState.INVALID_OBJECT_DEFINITION, "function " + fn.name() + " must return type event_trigger");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + Catalog.SCHEMA + ".event_triggers (oid, evtname, evtevent,"
                    + " evtfoid, evtenabled, evttags) VALUES (NEXT VALUE FOR " + Catalog.SCHEMA + ".oids, ?, ?, ?, 'O', ?)")) {
                p.setString(1, name);
                p.setString(2, event);
                p.setLong(3, oid);
                p.setString(4, evtTags);
                p.executeUpdate();
            }
            return -1;
        };
    }

    /** {@code DROP EVENT TRIGGER [IF EXISTS] name [CASCADE|RESTRICT]}. */
    Plan.Utility dropEventTrigger() throws PgException {
        int i = 3;
        boolean ifExists = r.at(i, "if") && r.at(i + 1, "exists");
        if (ifExists) {
            i += 2;
        }
        if (!r.isName(i)) {
            throw r.syntaxAt(i);
        }
        String name = t.get(i).value();
        int end = i + 1;
        if (r.at(end, "cascade") || r.at(end, "restrict")) {
            end++;
        }
        if (end != t.size()) {
            throw r.syntaxAt(end);
        }
        return s -> {
            Connection c = s.connection();
            if (execute(c, "DELETE FROM " + Catalog.SCHEMA + ".event_triggers WHERE evtname = ?", name) == 0) {
                if (ifExists) {
                    s.notice(SqlState.SUCCESSFUL_COMPLETION, "event trigger \"" + name + "\" does not exist, skipping");
                } else {
                    throw new PgException(SqlState.UNDEFINED_OBJECT, "event trigger \"" + name + "\" does not exist");
                }
            }
            return -1;
        };
    }

    /** {@code ALTER EVENT TRIGGER name ENABLE [REPLICA|ALWAYS] | DISABLE}. */
    Plan.Utility alterEventTrigger() throws PgException {
        if (!r.isName(3)) {
            throw r.syntaxAt(3);
        }
        String name = t.get(3).value();
        String enabled;
        int end;
        if (r.at(4, "disable")) {
            enabled = "D";
            end = 5;
        } else if (r.at(4, "enable") && r.at(5, "replica")) {
            enabled = "R";
            end = 6;
        } else if (r.at(4, "enable") && r.at(5, "always")) {
            enabled = "A";
            end = 6;
        } else if (r.at(4, "enable")) {
            enabled = "O";
            end = 5;
        } else {
            throw notSupportedAlter();
        }
        if (end != t.size()) {
            throw r.syntaxAt(end);
        }
        return s -> {
            try (PreparedStatement p = s.connection().prepareStatement("UPDATE " + Catalog.SCHEMA
                    + ".event_triggers SET evtenabled = ? WHERE evtname = ?")) {
                p.setString(1, enabled);
                p.setString(2, name);
                if (p.executeUpdate() == 0) {
                    throw new PgException(SqlState.UNDEFINED_OBJECT, "event trigger \"" + name + "\" does not exist");
                }
            }
            return -1;
        };
    }

    private static PgException notSupportedAlter() {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "this ALTER EVENT TRIGGER is not supported by the H2 source");
    }

    private static boolean exists(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, param);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int execute(Connection c, String sql, Object param) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setObject(1, param);
            return p.executeUpdate();
        }
    }
}
