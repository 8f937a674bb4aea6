package io.slotway.api.sql;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into {@link Token}s by PostgreSQL's lexical rules with
 * {@code standard_conforming_strings = on}. Errors are PostgreSQL's: 42601 with the position of the
 * offending token.
 */
public final class PgLexer {
    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

    private final String sql;
    private int pos;

    private PgLexer(String sql) {
        this.sql = sql;
    }

    /** All tokens of {@code sql}, whitespace and comments included, in order. */
    public static List<Token> tokenize(String sql) throws PgException {
        PgLexer lexer = new PgLexer(sql);
        List<Token> tokens = new ArrayList<>();
        while (lexer.pos < sql.length()) {
            tokens.add(lexer.next());
        }
        return tokens;
    }

    /** The tokens of {@code sql} without whitespace and comments. */
    public static List<Token> significant(String sql) throws PgException {
        List<Token> out = new ArrayList<>();
        for (Token t : tokenize(sql)) {
            if (!t.isBlank()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Splits a simple-query string into statements at top-level semicolons, as PostgreSQL does. Each
     * statement is trimmed of surrounding whitespace and comments; empty statements are dropped.
     */
    public static List<String> splitStatements(String sql) throws PgException {
        List<String> statements = new ArrayList<>();
        List<Token> tokens = tokenize(sql);
        int start = -1;
        int end = -1;
        for (Token t : tokens) {
            if (t.is(";")) {
                if (start >= 0) {
                    statements.add(sql.substring(start, end));
                }
                start = -1;
            } else if (!t.isBlank()) {
                if (start < 0) {
                    start = t.start();
                }
                end = t.end();
            }
        }
        if (start >= 0) {
            statements.add(sql.substring(start, end));
        }
        return statements;
    }

    private Token next() throws PgException {
        int start = pos;
        char c = sql.charAt(pos);
        if (Character.isWhitespace(c)) {
            while (pos < sql.length() && Character.isWhitespace(sql.charAt(pos))) {
                pos++;
            }
            return token(Token.Kind.WHITESPACE, start, null);
        }
        if (c == '-' && peek(1) == '-') {
            while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
                pos++;
            }
            return token(Token.Kind.COMMENT, start, null);
        }
        if (c == '/' && peek(1) == '*') {
            return blockComment(start);
        }
        if (c == '\'') {
            pos++;
            return token(Token.Kind.STRING, start, quoted(start, '\'', false));
        }
        if ((c == 'e' || c == 'E') && peek(1) == '\'') {
            pos += 2;
            return token(Token.Kind.STRING, start, quoted(start, '\'', true));
        }
        if ((c == 'b' || c == 'B' || c == 'x' || c == 'X') && peek(1) == '\'') {
            pos += 2;
            return token(Token.Kind.BIT_STRING, start, quoted(start, '\'', false));
        }
        if ((c == 'n' || c == 'N') && peek(1) == '\'') {
            pos += 2;
            return token(Token.Kind.STRING, start, quoted(start, '\'', false));
        }
        if ((c == 'u' || c == 'U') && peek(1) == '&' && peek(2) == '\'') {
            pos += 3;
            return token(Token.Kind.STRING, start, unicodeEscapes(quoted(start, '\'', false), start));
        }
        if ((c == 'u' || c == 'U') && peek(1) == '&' && peek(2) == '"') {
            pos += 3;
            return token(Token.Kind.QUOTED_IDENTIFIER, start, unicodeEscapes(quoted(start, '"', false), start));
        }
        if (c == '"') {
            pos++;
            String name = quoted(start, '"', false);
            if (name.isEmpty()) {
                throw error("zero-length delimited identifier", start);
            }
            return token(Token.Kind.QUOTED_IDENTIFIER, start, name);
        }
        if (c == '$') {
            if (Character.isDigit(peek(1))) {
                pos++;
                while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                    pos++;
                }
                return token(Token.Kind.PARAMETER, start, sql.substring(start + 1, pos));
            }
            Token dollar = dollarQuoted(start);
            if (dollar != null) {
                return dollar;
            }
        }
        if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
            return number(start);
        }
        if (isIdentStart(c)) {
            pos++;
            while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
                pos++;
            }
            return token(Token.Kind.IDENTIFIER, start, sql.substring(start, pos).toLowerCase(Locale.ROOT));
        }
        if (c == ':' && peek(1) == ':') {
            pos += 2;
            return token(Token.Kind.PUNCTUATION, start, null);
        }
        if ("()[],;:.".indexOf(c) >= 0) {
            pos++;
            return token(Token.Kind.PUNCTUATION, start, null);
        }
        if (OPERATOR_CHARS.indexOf(c) >= 0) {
            return operator(start);
        }
        pos++;
        throw error("syntax error at or near \"" + c + "\"", start);
    }

    private Token operator(int start) {
        while (pos < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(pos)) >= 0) {
            // A comment start ends the operator.
            if ((sql.charAt(pos) == '-' && peek(1) == '-') || (sql.charAt(pos) == '/' && peek(1) == '*')) {
                break;
            }
            pos++;
        }
        // PostgreSQL: a multi-character operator may end in + or - only if it contains ~ ! @ # % ^ & | ` ?
        int end = pos;
        String op = sql.substring(start, end);
        if (op.length() > 1 && (op.endsWith("+") || op.endsWith("-"))) {
            boolean special = false;
            for (char ch : op.toCharArray()) {
                if ("~!@#%^&|`?".indexOf(ch) >= 0) {
                    special = true;
                }
            }
            if (!special) {
                while (end > start + 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
                    end--;
                }
                pos = end;
            }
        }
        return token(Token.Kind.OPERATOR, start, null);
    }

    private Token number(int start) {
        while (pos < sql.length() && (Character.isDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
            pos++;
        }
        if (pos < sql.length() && sql.charAt(pos) == '.' && peek(1) != '.') {
            pos++;
            while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                pos++;
            }
        }
        if (pos < sql.length() && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < sql.length() && (sql.charAt(pos) == '+' || sql.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                while (pos < sql.length() && Character.isDigit(sql.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        return token(Token.Kind.NUMBER, start, null);
    }

    private Token blockComment(int start) throws PgException {
        int depth = 0;
        while (pos < sql.length()) {
            if (sql.charAt(pos) == '/' && peek(1) == '*') {
                depth++;
                pos += 2;
            } else if (sql.charAt(pos) == '*' && peek(1) == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return token(Token.Kind.COMMENT, start, null);
                }
            } else {
                pos++;
            }
        }
        throw error("unterminated /* comment at or near \"" + sql.substring(start) + "\"", start);
    }

    private Token dollarQuoted(int start) throws PgException {
        int p = start + 1;
        while (p < sql.length() && sql.charAt(p) != '$') {
            char ch = sql.charAt(p);
            if (!(p == start + 1 ? isIdentStart(ch) : isIdentPart(ch)) || ch == '$') {
                return null;
            }
            p++;
        }
        if (p >= sql.length()) {
            return null;
        }
        String tag = sql.substring(start, p + 1);
        int close = sql.indexOf(tag, p + 1);
        if (close < 0) {
            throw error("unterminated dollar-quoted string at or near \"" + sql.substring(start) + "\"", start);
        }
        pos = close + tag.length();
        return token(Token.Kind.STRING, start, sql.substring(p + 1, close));
    }

    /** Reads up to the closing quote; the opening quote has been consumed. Doubled quotes escape. */
    private String quoted(int start, char quote, boolean escapes) throws PgException {
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= sql.length()) {
                String what = quote == '"' ? "unterminated quoted identifier" : "unterminated quoted string";
                throw error(what + " at or near \"" + sql.substring(start) + "\"", start);
            }
            char ch = sql.charAt(pos);
            if (ch == quote) {
                if (peek(1) == quote) {
                    value.append(quote);
                    pos += 2;
                    continue;
                }
                pos++;
                // Two string constants separated by whitespace with a newline are one constant.
                if (quote == '\'') {
                    int p = pos;
                    boolean newline = false;
                    while (p < sql.length() && Character.isWhitespace(sql.charAt(p))) {
                        newline |= sql.charAt(p) == '\n' || sql.charAt(p) == '\r';
                        p++;
                    }
                    if (newline && p < sql.length() && sql.charAt(p) == '\'') {
                        pos = p + 1;
                        continue;
                    }
                }
                return value.toString();
            }
            if (escapes && ch == '\\') {
                pos++;
                if (pos >= sql.length()) {
                    continue;
                }
                escape(value, start);
                continue;
            }
            value.append(ch);
            pos++;
        }
    }

    private void escape(StringBuilder value, int start) throws PgException {
        char ch = sql.charAt(pos);
        switch (ch) {
            case 'b' -> { value.append('\b'); pos++; }
            case 'f' -> { value.append('\f'); pos++; }
            case 'n' -> { value.append('\n'); pos++; }
            case 'r' -> { value.append('\r'); pos++; }
            case 't' -> { value.append('\t'); pos++; }
            case 'x' -> {
                pos++;
                int v = 0;
                int n = 0;
                while (n < 2 && pos < sql.length() && Character.digit(sql.charAt(pos), 16) >= 0) {
                    v = v * 16 + Character.digit(sql.charAt(pos), 16);
                    pos++;
                    n++;
                }
                if (n == 0) {
                    value.append('x');
                } else {
                    appendByte(value, v, start);
                }
            }
            case 'u', 'U' -> {
                int digits = ch == 'u' ? 4 : 8;
                pos++;
                if (pos + digits > sql.length()) {
                    throw error("invalid Unicode escape", start).withHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.");
                }
                int cp;
                try {
                    cp = Integer.parseInt(sql.substring(pos, pos + digits), 16);
                } catch (NumberFormatException e) {
                    throw error("invalid Unicode escape", start).withHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX.");
                }
                pos += digits;
                if (!Character.isValidCodePoint(cp) || cp == 0) {
                    throw error("invalid Unicode escape value", start);
                }
                value.appendCodePoint(cp);
            }
            default -> {
                if (ch >= '0' && ch <= '7') {
                    int v = 0;
                    int n = 0;
                    while (n < 3 && pos < sql.length() && sql.charAt(pos) >= '0' && sql.charAt(pos) <= '7') {
                        v = v * 8 + (sql.charAt(pos) - '0');
                        pos++;
                        n++;
                    }
                    appendByte(value, v & 0xFF, start);
                } else {
                    value.append(ch);
                    pos++;
                }
            }
        }
    }

    private void appendByte(StringBuilder value, int b, int start) throws PgException {
        if (b == 0) {
            throw new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": 0x00")
                    .withPosition(start + 1);
        }
        // Octal and hex escapes give bytes; a single byte is only valid UTF-8 when it is ASCII.
        if (b < 0x80) {
            value.append((char) b);
        } else {
            throw new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE,
                    String.format("invalid byte sequence for encoding \"UTF8\": 0x%02x", b)).withPosition(start + 1);
        }
    }

    private String unicodeEscapes(String raw, int start) throws PgException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch != '\\') {
                out.append(ch);
                continue;
            }
            if (i + 1 < raw.length() && raw.charAt(i + 1) == '\\') {
                out.append('\\');
                i++;
                continue;
            }
            int digits = i + 1 < raw.length() && raw.charAt(i + 1) == '+' ? 6 : 4;
            int from = i + (digits == 6 ? 2 : 1);
            if (from + digits > raw.length()) {
                throw error("invalid Unicode escape", start);
            }
            try {
                out.appendCodePoint(Integer.parseInt(raw.substring(from, from + digits), 16));
            } catch (IllegalArgumentException e) {
                throw error("invalid Unicode escape", start);
            }
            i = from + digits - 1;
        }
        return out.toString();
    }

    private Token token(Token.Kind kind, int start, String value) {
        String text = sql.substring(start, pos);
        return new Token(kind, start, pos, text, value == null ? text : value);
    }

    private char peek(int ahead) {
        int p = pos + ahead;
        return p < sql.length() ? sql.charAt(p) : '\0';
    }

    private PgException error(String message, int offset) {
        return new PgException(SqlState.SYNTAX_ERROR, message).withPosition(sql.codePointCount(0, offset) + 1);
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '$';
    }
}
