package io.slotway.source.h2;

import io.slotway.api.sql.Token;
import io.slotway.api.types.PgTypeNames;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A default expression as PostgreSQL prints it back ({@code pg_get_expr(adbin, adrelid)}, what wal2json's
 * {@code include-default} and psql's {@code \d} show): PostgreSQL stores the parsed expression and
 * deparses it, so {@code DEFAULT 'x'} on a text column reads {@code 'x'::text}, {@code DEFAULT -1} reads
 * {@code '-1'::integer}, {@code DEFAULT 1+2} reads {@code (1 + 2)}, {@code DEFAULT current_date} reads
 * {@code CURRENT_DATE}. This covers the forms defaults use: literals, signed numbers, NULL/booleans, the
 * SQL value keywords, function calls, casts, and binary operators; anything else is kept as the client
 * wrote it (whitespace normalised).
 */
final class PgExprText {
    private static final Map<String, String> KEYWORDS = Map.of("current_date", "CURRENT_DATE", "current_timestamp",
            "CURRENT_TIMESTAMP", "current_time", "CURRENT_TIME", "localtimestamp", "LOCALTIMESTAMP", "localtime", "LOCALTIME",
            "current_user", "CURRENT_USER", "session_user", "SESSION_USER", "current_role", "CURRENT_ROLE", "user", "CURRENT_USER");
    private static final Set<String> BINARY = Set.of("+", "-", "*", "/", "%", "||", "=", "<>", "!=", "<", ">", "<=", ">=");

    private final List<Token> t;
    private final int end;
    private int i;

    private PgExprText(List<Token> tokens, int from, int to) {
        this.t = tokens;
        this.i = from;
        this.end = to;
    }

    /**
     * The deparsed default of tokens {@code from..to} for a column of type {@code column}; null when the
     * default is NULL (PostgreSQL then stores none).
     */
    static String deparse(List<Token> tokens, int from, int to, ColumnType column) {
        if (to - from == 1 && tokens.get(from).isWord("null")) {
            return null;
        }
        PgExprText p = new PgExprText(tokens, from, to);
        try {
            String s = p.expr(column);
            if (p.i == to) {
                return s;
            }
        } catch (RuntimeException e) {
            // not a form this deparser knows: keep the text
        }
        StringBuilder b = new StringBuilder();
        for (int k = from; k < to; k++) {
            if (b.length() > 0 && !tokens.get(k).is(")") && !tokens.get(k).is(",") && !tokens.get(k - 1).is("(")) {
                b.append(' ');
            }
            b.append(tokens.get(k).text());
        }
        return b.toString();
    }

    /** The serial default: {@code nextval('seq'::regclass)}, the sequence qualified when not in public. */
    static String nextval(String schema, String sequence) {
        String name = schema.equals("public") ? quoteIdentIfNeeded(sequence) : quoteIdentIfNeeded(schema) + "." + quoteIdentIfNeeded(sequence);
        return "nextval('" + name.replace("'", "''") + "'::regclass)";
    }

    private static String quoteIdentIfNeeded(String s) {
        return io.slotway.api.sql.PgIdentifiers.quote(s);
    }

    private Token peek() {
        return i < end ? t.get(i) : null;
    }

    /** expr := operand (binop operand)*, printed with PostgreSQL's parentheses around each operation. */
    private String expr(ColumnType context) {
        String left = operand(context);
        while (peek() != null && peek().kind() == Token.Kind.OPERATOR && BINARY.contains(peek().text())) {
            String op = peek().text().equals("!=") ? "<>" : peek().text();
            i++;
            String right = operand(null);
            left = "(" + left + " " + op + " " + right + ")";
        }
        return left;
    }

    private String operand(ColumnType context) {
        Token tok = peek();
        if (tok == null) {
            throw new IllegalStateException("end");
        }
        String s;
        if (tok.is("(")) {
            i++;
            s = expr(context);
            expect(")");
        } else if (tok.is("-") && i + 1 < end && t.get(i + 1).kind() == Token.Kind.NUMBER) {
            i += 2;
            s = number("-" + t.get(i - 1).text(), true);
        } else if (tok.kind() == Token.Kind.NUMBER) {
            i++;
            s = number(tok.text(), false);
        } else if (tok.kind() == Token.Kind.STRING) {
            i++;
            if (peek() != null && peek().is("::")) {
                s = literal(tok.value(), null);
            } else {
                s = literal(tok.value(), context == null ? "text" : PgTypeNames.formatType(context.type().oid(), -1));
            }
        } else if (tok.kind() == Token.Kind.IDENTIFIER && (tok.isWord("true") || tok.isWord("false"))) {
            i++;
            s = tok.value().toLowerCase(Locale.ROOT);
        } else if (tok.kind() == Token.Kind.IDENTIFIER && KEYWORDS.containsKey(tok.value()) && !(i + 1 < end && t.get(i + 1).is("("))) {
            i++;
            s = KEYWORDS.get(tok.value());
        } else if ((tok.kind() == Token.Kind.IDENTIFIER || tok.kind() == Token.Kind.QUOTED_IDENTIFIER) && i + 1 < end
                && t.get(i + 1).is("(")) {
            String name = tok.value();
            i += 2;
            StringBuilder b = new StringBuilder(name).append('(');
            boolean first = true;
            while (!peek().is(")")) {
                if (!first) {
                    expect(",");
                    b.append(", ");
                }
                first = false;
                b.append(expr(null));
            }
            i++;
            if (name.equals("nextval")) {
                return b.append(')').toString().replace("'::text)", "'::regclass)");
            }
            s = b.append(')').toString();
        } else {
            throw new IllegalStateException("unknown operand");
        }
        while (peek() != null && peek().is("::")) {
            i++;
            TypeNames.Parsed p = castType(t, i);
            i = p.next();
            String type = PgTypeNames.formatType(p.type().type().oid(), p.type().typmod());
            if (s.startsWith("'") && s.endsWith("'")) {
                s = s + "::" + type;
            } else if (s.matches("'.*'::[a-z ]+(\\[\\])?")) {
                s = s.substring(0, s.lastIndexOf("::")) + "::" + type;
            } else {
                s = "(" + s + ")::" + type;
            }
        }
        return s;
    }

    private void expect(String symbol) {
        if (peek() == null || !peek().is(symbol)) {
            throw new IllegalStateException("expected " + symbol);
        }
        i++;
    }

    private static String literal(String value, String type) {
        String quoted = "'" + value.replace("'", "''") + "'";
        return type == null ? quoted : quoted + "::" + type;
    }

    /** A numeric constant: int4 and numeric print bare, negative ones and int8 quoted with their type. */
    private static String number(String text, boolean negative) {
        io.slotway.api.types.PgType type = numberType(text);
        boolean bare = !negative && (type == io.slotway.api.types.PgType.INT4
                || (type == io.slotway.api.types.PgType.NUMERIC && !text.matches("-?\\d+")));
        return bare ? text : "'" + text + "'::" + PgTypeNames.formatType(type.oid(), -1);
    }

    /**
     * The type PostgreSQL's parser gives a numeric literal: {@code integer} if an integer fits 32 bits,
     * {@code bigint} if it fits 64, else {@code numeric} (and {@code numeric} for any with a point or exponent).
     */
    static io.slotway.api.types.PgType numberType(String text) {
        if (!text.matches("-?\\d+")) {
            return io.slotway.api.types.PgType.NUMERIC;
        }
        BigDecimal v = new BigDecimal(text);
        if (v.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0 && v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
            return io.slotway.api.types.PgType.INT4;
        }
        if (v.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0 && v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
            return io.slotway.api.types.PgType.INT8;
        }
        return io.slotway.api.types.PgType.NUMERIC;
    }

    /** The type name at token {@code i} of a {@code ::type} cast; a name this source cannot read ends the deparse. */
    static TypeNames.Parsed castType(List<Token> tokens, int i) {
        try {
            return TypeNames.parse(tokens, i);
        } catch (io.slotway.api.PgException e) {
            throw new IllegalStateException(e);
        }
    }
}
