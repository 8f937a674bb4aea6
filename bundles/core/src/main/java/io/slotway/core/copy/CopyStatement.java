package io.slotway.core.copy;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.sql.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code COPY} statement, as PostgreSQL 15's grammar ({@code CopyStmt}) reads it:
 *
 * <pre>
 * COPY [BINARY] name [(columns)] FROM|TO STDIN|STDOUT|'file'|PROGRAM 'cmd' [[USING] DELIMITERS 'd'] [[WITH] options]
 * COPY (query) TO STDOUT|'file'|PROGRAM 'cmd' [[WITH] options]
 * </pre>
 *
 * where options are either the parenthesised generic list ({@code (FORMAT csv, HEADER, ...)}) or the old
 * keyword list ({@code BINARY}, {@code CSV}, {@code HEADER}, {@code DELIMITER [AS] 'x'}, ...). Old
 * keywords become the generic options they stand for, as gram.y does, so {@link CopyOptions} checks both
 * the same way.
 *
 * @param schema  the relation's schema, or null (search_path)
 * @param table   the relation's name, or null for {@code COPY (query)}
 * @param columns the column list (null when none was given)
 * @param query   the inner query's text, or null
 * @param queryOffset where the inner query starts in the statement (0-based), for error positions
 * @param from    {@code FROM} (true) or {@code TO}
 * @param target  {@code stdio}, {@code file} or {@code program}
 */
public record CopyStatement(String schema, String table, List<String> columns, String query, int queryOffset,
                            boolean from, String target, List<Option> options) {

    /**
     * One option as gram.y builds its DefElem: {@code name} in lower case; {@code value} a String (string,
     * number or word), {@code "*"} for {@code *}, a {@code List<String>} of column names, or null when
     * absent; {@code position} is the 1-based position of the option in the statement.
     */
    public record Option(String name, Object value, int position) {}

    /** Whether {@code sql} is a COPY statement (its first word is COPY). */
    public static boolean isCopy(String sql) throws PgException {
        List<Token> t = PgLexer.significant(sql);
        return !t.isEmpty() && t.get(0).isWord("copy");
    }

    /** Parses a COPY statement; syntax errors are PostgreSQL's {@code 42601 syntax error at or near}. */
    public static CopyStatement parse(String sql) throws PgException {
        return new Parser(sql).statement();
    }

    private static final class Parser {
        private final String sql;
        private final List<Token> t;
        private int i;

        Parser(String sql) throws PgException {
            this.sql = sql;
            this.t = PgLexer.significant(sql);
        }

        CopyStatement statement() throws PgException {
            expectWord("copy");
            List<Option> options = new ArrayList<>();
            String schema = null;
            String table = null;
            List<String> columns = null;
            String query = null;
            int queryOffset = 0;
            if (peekIs("(")) {
                Token open = next();
                int depth = 1;
                int start = i;
                while (depth > 0) {
                    Token x = peek();
                    if (x == null) {
                        throw syntaxError();
                    }
                    if (x.is(";")) {
                        throw syntaxError();
                    }
                    if (x.is("(")) {
                        depth++;
                    } else if (x.is(")")) {
                        depth--;
                    }
                    i++;
                }
                if (i - 1 == start) {
                    i--;
                    throw syntaxError();
                }
                queryOffset = t.get(start).start();
                query = sql.substring(queryOffset, t.get(i - 1).start());
                if (open == null) {
                    throw syntaxError();
                }
            } else {
                if (peekWord("binary")) {
                    options.add(new Option("format", "binary", pos(peek())));
                    i++;
                }
                String first = name();
                if (peekIs(".")) {
                    i++;
                    schema = first;
                    table = name();
                    if (peekIs(".")) {
                        i++; // database.schema.table: the database must be ours; the source checks the rest
                        schema = table;
                        table = name();
                    }
                } else {
                    table = first;
                }
                if (peekIs("(")) {
                    i++;
                    columns = new ArrayList<>();
                    columns.add(name());
                    while (peekIs(",")) {
                        i++;
                        columns.add(name());
                    }
                    expect(")");
                }
            }
            boolean from;
            if (acceptWord("from")) {
                from = true;
                if (query != null) {
                    i--;
                    throw syntaxError(); // COPY (query) FROM is not in the grammar
                }
            } else if (acceptWord("to")) {
                from = false;
            } else {
                throw syntaxError();
            }
            String target;
            if (acceptWord("stdin") || acceptWord("stdout")) {
                target = "stdio";
            } else if (acceptWord("program")) {
                string();
                target = "program";
            } else if (peek() != null && peek().kind() == Token.Kind.STRING) {
                i++;
                target = "file";
            } else {
                throw syntaxError();
            }
            if (peekWord("using") || peekWord("delimiters")) {
                acceptWord("using");
                int pos = pos(peek());
                expectWord("delimiters");
                options.add(new Option("delimiter", string(), pos));
            }
            acceptWord("with");
            if (peekIs("(")) {
                i++;
                genericOption(options);
                while (peekIs(",")) {
                    i++;
                    genericOption(options);
                }
                expect(")");
            } else {
                while (peek() != null && !peekIs(";")) {
                    oldOption(options);
                }
            }
            if (peekIs(";")) {
                i++;
            }
            if (peek() != null) {
                throw syntaxError();
            }
            return new CopyStatement(schema, table, columns, query, queryOffset, from, target, List.copyOf(options));
        }

        private void genericOption(List<Option> options) throws PgException {
            Token nameToken = peek();
            if (nameToken == null || (nameToken.kind() != Token.Kind.IDENTIFIER
                    && nameToken.kind() != Token.Kind.QUOTED_IDENTIFIER)) {
                throw syntaxError();
            }
            i++;
            int pos = pos(nameToken);
            Token x = peek();
            Object value;
            if (x == null || x.is(",") || x.is(")")) {
                value = null;
            } else if (x.is("*")) {
                i++;
                value = "*";
            } else if (x.is("(")) {
                i++;
                List<String> list = new ArrayList<>();
                list.add(name());
                while (peekIs(",")) {
                    i++;
                    list.add(name());
                }
                expect(")");
                value = list;
            } else if (x.kind() == Token.Kind.STRING || x.kind() == Token.Kind.IDENTIFIER
                    || x.kind() == Token.Kind.QUOTED_IDENTIFIER) {
                i++;
                value = x.value();
            } else if (x.kind() == Token.Kind.NUMBER) {
                i++;
                value = x.text();
            } else if ((x.is("+") || x.is("-")) && i + 1 < t.size() && t.get(i + 1).kind() == Token.Kind.NUMBER) {
                i += 2;
                value = x.text() + t.get(i - 1).text();
            } else {
                throw syntaxError();
            }
            options.add(new Option(nameToken.value(), value, pos));
        }

        private void oldOption(List<Option> options) throws PgException {
            Token x = peek();
            int pos = pos(x);
            if (acceptWord("binary")) {
                options.add(new Option("format", "binary", pos));
            } else if (acceptWord("freeze")) {
                options.add(new Option("freeze", "true", pos));
            } else if (acceptWord("delimiter")) {
                acceptWord("as");
                options.add(new Option("delimiter", string(), pos));
            } else if (acceptWord("null")) {
                acceptWord("as");
                options.add(new Option("null", string(), pos));
            } else if (acceptWord("csv")) {
                options.add(new Option("format", "csv", pos));
            } else if (acceptWord("header")) {
                options.add(new Option("header", "true", pos));
            } else if (acceptWord("quote")) {
                acceptWord("as");
                options.add(new Option("quote", string(), pos));
            } else if (acceptWord("escape")) {
                acceptWord("as");
                options.add(new Option("escape", string(), pos));
            } else if (acceptWord("encoding")) {
                options.add(new Option("encoding", string(), pos));
            } else if (acceptWord("force")) {
                String name;
                if (acceptWord("quote")) {
                    name = "force_quote";
                    if (peekIs("*")) {
                        i++;
                        options.add(new Option(name, "*", pos));
                        return;
                    }
                } else if (acceptWord("not")) {
                    expectWord("null");
                    name = "force_not_null";
                } else if (acceptWord("null")) {
                    name = "force_null";
                } else {
                    throw syntaxError();
                }
                List<String> list = new ArrayList<>();
                list.add(name());
                while (peekIs(",")) {
                    i++;
                    list.add(name());
                }
                options.add(new Option(name, list, pos));
            } else {
                throw syntaxError();
            }
        }

        private String name() throws PgException {
            Token x = peek();
            if (x == null || (x.kind() != Token.Kind.IDENTIFIER && x.kind() != Token.Kind.QUOTED_IDENTIFIER)) {
                throw syntaxError();
            }
            i++;
            return x.value();
        }

        private String string() throws PgException {
            Token x = peek();
            if (x == null || x.kind() != Token.Kind.STRING) {
                throw syntaxError();
            }
            i++;
            return x.value();
        }

        private int pos(Token x) {
            return sql.codePointCount(0, x.start()) + 1;
        }

        private Token peek() {
            return i < t.size() ? t.get(i) : null;
        }

        private Token next() {
            return t.get(i++);
        }

        private boolean peekIs(String symbol) {
            Token x = peek();
            return x != null && x.is(symbol);
        }

        private boolean peekWord(String word) {
            Token x = peek();
            return x != null && x.isWord(word);
        }

        private boolean acceptWord(String word) {
            if (peekWord(word)) {
                i++;
                return true;
            }
            return false;
        }

        private void expectWord(String word) throws PgException {
            if (!acceptWord(word)) {
                throw syntaxError();
            }
        }

        private void expect(String symbol) throws PgException {
            if (!peekIs(symbol)) {
                throw syntaxError();
            }
            i++;
        }

        private PgException syntaxError() {
            Token x = peek();
            if (x == null) {
                return new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input").withPosition(sql.length() + 1);
            }
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + x.text() + "\"")
                    .withPosition(sql.codePointCount(0, x.start()) + 1);
        }
    }
}
