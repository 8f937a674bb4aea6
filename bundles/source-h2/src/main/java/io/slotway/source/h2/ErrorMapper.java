package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgValues;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;

/**
 * Turns H2's errors into PostgreSQL's: SQLSTATE, and where the information is there, PostgreSQL's message,
 * detail and position. H2's stack traces never reach the client; the H2 exception stays the cause.
 */
final class ErrorMapper {
    private static final Pattern FK = Pattern.compile(
            "\"(.+?): (\\S+)\\.(\\S+) FOREIGN KEY\\((.+?)\\) REFERENCES (\\S+)\\.([^(]+)\\((.+?)\\) \\((.*)\\)\"");

    private final H2Session session;

    ErrorMapper(H2Session session) {
        this.session = session;
    }

    PgException map(SQLException e, Plan plan) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof PgException p) {
                return p; // raised by one of Slotway's own functions, as PostgreSQL words it
            }
        }
        PgException pg;
        try {
            pg = translate(e, plan);
        } catch (RuntimeException | SQLException failure) {
            pg = new PgException(SqlState.INTERNAL_ERROR, clean(e.getMessage()), e);
        }
        return pg;
    }

    private PgException translate(SQLException e, Plan plan) throws SQLException {
        String msg = clean(e.getMessage());
        String first = firstQuoted(msg);
        String table = plan != null && plan.target != null ? plan.target.name() : null;
        switch (e.getErrorCode()) {
            case ErrorCode.DUPLICATE_KEY_1:
                return duplicateKey(e, msg, plan);
            case ErrorCode.NULL_NOT_ALLOWED:
                return new PgException(SqlState.NOT_NULL_VIOLATION, "null value in column \"" + first + "\""
                        + (table != null ? " of relation \"" + table + "\"" : "") + " violates not-null constraint", e);
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1:
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_CHILD_EXISTS_1: {
                Matcher m = FK.matcher(msg);
                if (!m.find()) {
                    return new PgException(SqlState.FOREIGN_KEY_VIOLATION, msg, e);
                }
                String name = m.group(1);
                String child = m.group(3);
                String parent = m.group(6);
                String values = String.join(", ", values(m.group(8)));
                if (e.getErrorCode() == ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1) {
                    return new PgException(SqlState.FOREIGN_KEY_VIOLATION, "insert or update on table \"" + child
                            + "\" violates foreign key constraint \"" + name + "\"", e)
                            .withDetail("Key (" + cols(m.group(4)) + ")=(" + values + ") is not present in table \"" + parent + "\".");
                }
                return new PgException(SqlState.FOREIGN_KEY_VIOLATION, "update or delete on table \"" + parent
                        + "\" violates foreign key constraint \"" + name + "\" on table \"" + child + "\"", e)
                        .withDetail("Key (" + cols(m.group(7)) + ")=(" + values + ") is still referenced from table \"" + child + "\".");
            }
            case ErrorCode.CHECK_CONSTRAINT_VIOLATED_1: {
                String name = first == null ? "" : first.contains(":") ? first.substring(0, first.indexOf(':')) : first;
                return new PgException(SqlState.CHECK_VIOLATION, "new row for relation \"" + (table != null ? table : "?")
                        + "\" violates check constraint \"" + name + "\"", e);
            }
            case ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1, ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2,
                 ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1, ErrorCode.SEQUENCE_NOT_FOUND_1:
                return positioned(new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + unqualified(first) + "\" does not exist", e),
                        plan, unqualified(first));
            case ErrorCode.COLUMN_NOT_FOUND_1: {
                String col = unqualified(first);
                return positioned(new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + col + "\" does not exist", e), plan, col);
            }
            case ErrorCode.SYNTAX_ERROR_1, ErrorCode.SYNTAX_ERROR_2:
                return syntax(e, plan);
            case ErrorCode.TABLE_OR_VIEW_ALREADY_EXISTS_1, ErrorCode.SEQUENCE_ALREADY_EXISTS_1, ErrorCode.INDEX_ALREADY_EXISTS_1:
                return new PgException(SqlState.DUPLICATE_TABLE, "relation \"" + unqualified(first) + "\" already exists", e);
            case ErrorCode.DUPLICATE_COLUMN_NAME_1:
                return new PgException(SqlState.DUPLICATE_COLUMN, "column \"" + unqualified(first) + "\" specified more than once", e);
            case ErrorCode.INDEX_NOT_FOUND_1:
                return new PgException(SqlState.UNDEFINED_OBJECT, "index \"" + unqualified(first) + "\" does not exist", e);
            case ErrorCode.SCHEMA_NOT_FOUND_1:
                return new PgException(SqlState.UNDEFINED_SCHEMA, "schema \"" + first + "\" does not exist", e);
            case ErrorCode.SCHEMA_ALREADY_EXISTS_1:
                return new PgException(SqlState.DUPLICATE_SCHEMA, "schema \"" + first + "\" already exists", e);
            case ErrorCode.FUNCTION_NOT_FOUND_1:
                return positioned(new PgException(SqlState.UNDEFINED_FUNCTION, "function " + first + " does not exist", e), plan, first);
            case ErrorCode.DIVISION_BY_ZERO_1:
                return new PgException(SqlState.DIVISION_BY_ZERO, "division by zero", e);
            case ErrorCode.DATA_CONVERSION_ERROR_1:
                return new PgException(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax: " + msg, e);
            case ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_1, ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_2:
                return new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: " + (first != null ? first : msg), e);
            case ErrorCode.VALUE_TOO_LONG_2: {
                String type = first != null && first.contains(" ") ? first.substring(first.indexOf(' ') + 1) : "character varying";
                String col = first != null && first.contains(" ") ? first.substring(0, first.indexOf(' ')) : null;
                if (plan != null && plan.target != null && col != null && plan.target.attribute(col) != null) {
                    type = plan.target.attribute(col).type().displayName();
                } else {
                    type = type.toLowerCase(java.util.Locale.ROOT);
                }
                return new PgException(SqlState.STRING_DATA_RIGHT_TRUNCATION, "value too long for type " + type, e);
            }
            case ErrorCode.INVALID_DATETIME_CONSTANT_2:
                return new PgException(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for a date or time: " + msg, e);
            case ErrorCode.LOCK_TIMEOUT_1:
                return new PgException(SqlState.LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout", e);
            case ErrorCode.DEADLOCK_1:
                return new PgException(SqlState.DEADLOCK_DETECTED, "deadlock detected", e);
            case ErrorCode.CONCURRENT_UPDATE_1, ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX:
                return new PgException(SqlState.SERIALIZATION_FAILURE, "could not serialize access due to concurrent update", e);
            case ErrorCode.STATEMENT_WAS_CANCELED:
                return new PgException(SqlState.QUERY_CANCELED, "canceling statement due to user request", e);
            case ErrorCode.DATABASE_IS_READ_ONLY:
                return new PgException(SqlState.READ_ONLY_SQL_TRANSACTION, "cannot execute statement in a read-only transaction", e);
            case ErrorCode.PARAMETER_NOT_SET_1:
                return new PgException(SqlState.PROTOCOL_VIOLATION, "a parameter was not bound", e);
            case ErrorCode.FEATURE_NOT_SUPPORTED_1:
                return new PgException(SqlState.FEATURE_NOT_SUPPORTED, msg, e);
            case ErrorCode.CANNOT_DROP_2, ErrorCode.CANNOT_DROP_TABLE_1:
                return new PgException(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, msg, e)
                        .withHint("Use DROP ... CASCADE to drop the dependent objects too.");
            default:
                break;
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("23")) {
            return new PgException(SqlState.INTEGRITY_CONSTRAINT_VIOLATION, msg, e);
        }
        if (state != null && state.startsWith("22")) {
            return new PgException(SqlState.DATA_EXCEPTION, msg, e);
        }
        return new PgException(SqlState.INTERNAL_ERROR, msg, e);
    }

    /** {@code duplicate key value violates unique constraint "t_pkey"}, with {@code Key (id)=(1) already exists.} */
    private PgException duplicateKey(SQLException e, String msg, Plan plan) throws SQLException {
        int open = msg.indexOf('"');
        int close = msg.lastIndexOf('"');
        if (open < 0 || close <= open) {
            return new PgException(SqlState.UNIQUE_VIOLATION, msg, e);
        }
        String inner = msg.substring(open + 1, close);
        boolean primary = inner.startsWith("PRIMARY KEY ON ");
        int on = inner.indexOf(" ON ");
        String index = primary ? null : inner.substring(0, on);
        String rest = inner.substring(on + 4);
        int paren = rest.indexOf('(');
        String qualifiedTable = rest.substring(0, paren);
        int colsEnd = matching(rest, paren);
        List<String> cols = new ArrayList<>();
        for (String c : rest.substring(paren + 1, colsEnd).split(",")) {
            cols.add(c.trim().replaceAll(" (NULLS (FIRST|LAST)|ASC|DESC)$", "").replaceAll(" (NULLS (FIRST|LAST)|ASC|DESC)$", "").replace("\"", ""));
        }
        String tail = rest.substring(colsEnd + 1).trim();
        if (tail.startsWith("VALUES")) {
            tail = tail.substring("VALUES".length()).trim();
        }
        List<String> vals = tail.startsWith("(") ? values(tail.substring(1, matching(tail, 0))) : List.of();
        String schema = qualifiedTable.contains(".") ? qualifiedTable.substring(0, qualifiedTable.indexOf('.')) : session.currentSchema();
        String table = qualifiedTable.substring(qualifiedTable.indexOf('.') + 1);
        if (primary && vals.size() != cols.size()) {
            // H2 shows the whole row: pick the key columns by position.
            Catalog.Relation rel = Catalog.load(session.connection(), schema, table);
            List<String> picked = new ArrayList<>();
            if (rel != null && rel.attributes().size() == vals.size()) {
                for (String c : cols) {
                    for (int i = 0; i < rel.attributes().size(); i++) {
                        if (rel.attributes().get(i).name().equals(c)) {
                            picked.add(vals.get(i));
                        }
                    }
                }
            }
            vals = picked;
        }
        String name = constraintName(schema, table, primary, index == null ? null : unqualified(index));
        PgException pg = new PgException(SqlState.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \"" + name + "\"", e);
        if (vals.size() == cols.size()) {
            Catalog.Relation rel = Catalog.load(session.connection(), schema, table);
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) {
                shown.add(keyValue(rel, cols.get(i), vals.get(i)));
            }
            pg = pg.withDetail("Key (" + String.join(", ", cols) + ")=(" + String.join(", ", shown) + ") already exists.");
        }
        return pg;
    }

    private String constraintName(String schema, String table, boolean primary, String index) throws SQLException {
        String sql = primary
                ? "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND CONSTRAINT_TYPE = 'PRIMARY KEY'"
                : "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND INDEX_NAME = ?";
        try (PreparedStatement p = session.connection().prepareStatement(sql)) {
            p.setString(1, schema);
            p.setString(2, table);
            if (!primary) {
                p.setString(3, index);
            }
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        return index != null ? index : table + "_pkey";
    }

    private static int matching(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return s.length() - 1;
    }

    /** The values of an H2 value list ({@code 1, 'a''b', CAST('NaN' AS DECFLOAT)}) as PostgreSQL prints them in a detail. */
    /** The top-level elements of an H2 value list, each as the SQL text H2 wrote (e.g. {@code CAST(1 AS BIGINT)}). */
    private static List<String> values(String list) {
        List<String> out = new ArrayList<>();
        List<Token> tokens;
        try {
            tokens = PgLexer.significant(list);
        } catch (Exception ex) {
            return out;
        }
        int depth = 0;
        int start = -1;
        int end = -1;
        for (Token t : tokens) {
            if (t.is("(") || t.is("[")) {
                depth++;
            } else if (t.is(")") || t.is("]")) {
                depth--;
            }
            if (depth == 0 && t.is(",")) {
                if (start >= 0) {
                    out.add(list.substring(start, end));
                }
                start = -1;
                continue;
            }
            if (start < 0) {
                start = t.start();
            }
            end = t.end();
        }
        if (start >= 0) {
            out.add(list.substring(start, end));
        }
        return out;
    }

    /**
     * A key value as PostgreSQL writes it in a DETAIL: H2 evaluates the literal it printed, and the
     * column's declared type writes it with PostgreSQL's output function. Falls back to H2's text.
     */
    private String keyValue(Catalog.Relation rel, String column, String h2Literal) {
        Catalog.Attribute attribute = rel == null ? null : rel.attribute(column);
        if (attribute == null) {
            return h2Literal;
        }
        try (Statement st = session.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT " + h2Literal)) {
            if (!rs.next()) {
                return h2Literal;
            }
            Object value = attribute.type().read(rs, 1);
            return value == null ? "null" : PgValues.toText(attribute.type().type(), value, session.context().format());
        } catch (SQLException | PgException | RuntimeException ex) {
            return h2Literal;
        }
    }

    private static String cols(String h2Cols) {
        List<String> out = new ArrayList<>();
        for (String c : h2Cols.split(",")) {
            out.add(c.trim().replace("\"", ""));
        }
        return String.join(", ", out);
    }

    private PgException syntax(SQLException e, Plan plan) {
        String msg = e.getMessage();
        int q = msg.indexOf('"');
        int mark = msg.indexOf("[*]");
        if (plan == null || q < 0 || mark < 0 || plan.h2Sql == null) {
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error: " + clean(msg), e);
        }
        int h2Offset = mark - q - 1;
        int original = plan.positions.original(h2Offset);
        String sql = plan.sql;
        if (original < 0 || sql == null || original >= sql.length()) {
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input", e)
                    .withPosition(sql == null ? 0 : sql.codePointCount(0, sql.length()) + 1);
        }
        String near = sql.substring(original);
        try {
            List<Token> tokens = PgLexer.significant(near);
            near = tokens.isEmpty() ? near : tokens.get(0).text();
        } catch (PgException ignored) {
            // keep the raw remainder
        }
        return new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + near + "\"", e)
                .withPosition(sql.codePointCount(0, original) + 1);
    }

    private PgException positioned(PgException pg, Plan plan, String name) {
        String sql = plan == null ? null : plan.sql;
        if (sql == null || name == null) {
            return pg;
        }
        try {
            for (Token t : PgLexer.significant(sql)) {
                if ((t.kind() == Token.Kind.IDENTIFIER || t.kind() == Token.Kind.QUOTED_IDENTIFIER) && t.value().equals(name)) {
                    return pg.withPosition(sql.codePointCount(0, t.start()) + 1);
                }
            }
        } catch (PgException ignored) {
            // no position then
        }
        return pg;
    }

    /**
     * The first double-quoted name of H2's message, {@code ""} undoubled. A scan rather than a regular
     * expression: H2 quotes the whole statement in syntax errors, and {@code "((?:[^"]|"")*)"} recursed once
     * per character there, so a long statement (pgjdbc's getIndexInfo) overflowed the backend thread's stack.
     */
    static String firstQuoted(String msg) {
        int open = msg.indexOf('"');
        if (open < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = open + 1; i < msg.length(); i++) {
            char ch = msg.charAt(i);
            if (ch != '"') {
                b.append(ch);
            } else if (i + 1 < msg.length() && msg.charAt(i + 1) == '"') {
                b.append('"');
                i++;
            } else {
                return b.toString();
            }
        }
        return null;
    }

    private static String unqualified(String name) {
        if (name == null) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        return dot >= 0 ? name.substring(dot + 1) : name;
    }

    /** H2's message without the statement it quotes and the error code suffix. */
    static String clean(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        int sqlAt = msg.indexOf("; SQL statement:");
        if (sqlAt >= 0) {
            msg = msg.substring(0, sqlAt);
        }
        return msg.replaceAll(" \\[\\d+-\\d+\\]$", "").trim();
    }
}
