package io.slotway.core.session;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.sql.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements core carries out itself rather than handing to the source: transaction control, SET,
 * SHOW, RESET and a few session commands. {@link #parse} returns null for everything else.
 */
public sealed interface Command {

    record Begin(TransactionMode mode, String tag) implements Command {}

    record Commit(String tag) implements Command {}

    record Rollback(String tag) implements Command {}

    record Savepoint(String name) implements Command {}

    record Release(String name) implements Command {}

    record RollbackTo(String name) implements Command {}

    /** SET name TO value; {@code value} null means DEFAULT. */
    record Set(String name, String value, boolean local) implements Command {}

    /** SET TRANSACTION / SET SESSION CHARACTERISTICS AS TRANSACTION. */
    record SetTransaction(TransactionMode mode, boolean session) implements Command {}

    /** SET TRANSACTION SNAPSHOT 'id': import an exported snapshot. */
    record SetTransactionSnapshot(String id) implements Command {}

    /** RESET name; {@code name} null means RESET ALL. */
    record Reset(String name) implements Command {}

    /** SHOW name; {@code name} null means SHOW ALL. */
    record Show(String name) implements Command {}

    /** A command accepted and completed with a tag but no effect here (LISTEN, DISCARD, ...). */
    record NoOp(String tag, boolean discardAll) implements Command {}

    /** The tag ROLLBACK / COMMIT write, for the failed-transaction rules. */
    default boolean endsTransaction() {
        return this instanceof Commit || this instanceof Rollback;
    }

    /** The command of {@code sql}, or null when the statement is for the source. */
    static Command parse(String sql) throws PgException {
        List<Token> t = PgLexer.significant(sql);
        if (t.isEmpty() || t.get(0).kind() != Token.Kind.IDENTIFIER) {
            return null;
        }
        Cursor c = new Cursor(t, sql);
        String first = t.get(0).value();
        switch (first) {
            case "begin": {
                c.next();
                c.skipWord("work", "transaction");
                return new Begin(c.transactionMode(), "BEGIN");
            }
            case "start": {
                c.next();
                if (!c.acceptWord("transaction")) {
                    return null;
                }
                return new Begin(c.transactionMode(), "START TRANSACTION");
            }
            case "commit":
            case "end": {
                c.next();
                c.skipWord("work", "transaction");
                c.rejectChain();
                c.end();
                return new Commit("COMMIT");
            }
            case "abort":
            case "rollback": {
                c.next();
                c.skipWord("work", "transaction");
                if (first.equals("rollback") && c.acceptWord("to")) {
                    c.acceptWord("savepoint");
                    String name = c.name();
                    c.end();
                    return new RollbackTo(name);
                }
                c.rejectChain();
                c.end();
                return new Rollback("ROLLBACK");
            }
            case "savepoint": {
                c.next();
                String name = c.name();
                c.end();
                return new Savepoint(name);
            }
            case "release": {
                c.next();
                c.acceptWord("savepoint");
                String name = c.name();
                c.end();
                return new Release(name);
            }
            case "set":
                return c.set();
            case "reset": {
                c.next();
                if (c.acceptWord("all")) {
                    c.end();
                    return new Reset(null);
                }
                String name = c.parameterName();
                c.end();
                return new Reset(name);
            }
            case "show": {
                c.next();
                if (c.acceptWord("all")) {
                    c.end();
                    return new Show(null);
                }
                String name;
                if (c.acceptWord("time")) {
                    c.expectWord("zone");
                    name = "timezone";
                } else if (c.acceptWord("transaction")) {
                    c.expectWord("isolation");
                    c.expectWord("level");
                    name = "transaction_isolation";
                } else if (c.acceptWord("session")) {
                    c.expectWord("authorization");
                    name = "session_authorization";
                } else {
                    name = c.parameterName();
                }
                c.end();
                return new Show(name);
            }
            case "discard": {
                c.next();
                if (c.acceptWord("all")) {
                    c.end();
                    return new NoOp("DISCARD ALL", true);
                }
                String what = c.name().toUpperCase(java.util.Locale.ROOT);
                c.end();
                return new NoOp("DISCARD " + what, false);
            }
            case "listen":
                return new NoOp("LISTEN", false);
            case "unlisten":
                return new NoOp("UNLISTEN", false);
            case "notify":
                return new NoOp("NOTIFY", false);
            default:
                return null;
        }
    }

    /** A small recursive-descent reader over significant tokens. */
    final class Cursor {
        private final List<Token> tokens;
        private final String sql;
        private int i;

        Cursor(List<Token> tokens, String sql) {
            this.tokens = tokens;
            this.sql = sql;
        }

        Token peek() {
            return i < tokens.size() ? tokens.get(i) : null;
        }

        Token next() {
            return tokens.get(i++);
        }

        boolean atEnd() {
            return i >= tokens.size();
        }

        boolean acceptWord(String word) {
            Token t = peek();
            if (t != null && t.isWord(word)) {
                i++;
                return true;
            }
            return false;
        }

        void skipWord(String... words) {
            for (String w : words) {
                if (acceptWord(w)) {
                    return;
                }
            }
        }

        void expectWord(String word) throws PgException {
            if (!acceptWord(word)) {
                throw syntax();
            }
        }

        void end() throws PgException {
            if (!atEnd()) {
                throw syntax();
            }
        }

        void rejectChain() throws PgException {
            if (acceptWord("and")) {
                if (acceptWord("no")) {
                    expectWord("chain");
                    return;
                }
                expectWord("chain");
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "AND CHAIN is not supported by Slotway");
            }
        }

        PgException syntax() {
            Token t = peek();
            if (t == null) {
                return new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input")
                        .withPosition(sql.codePointCount(0, sql.length()) + 1);
            }
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + t.text() + "\"")
                    .withPosition(sql.codePointCount(0, t.start()) + 1);
        }

        /** An identifier (folded) or quoted identifier. */
        String name() throws PgException {
            Token t = peek();
            if (t == null || (t.kind() != Token.Kind.IDENTIFIER && t.kind() != Token.Kind.QUOTED_IDENTIFIER)) {
                throw syntax();
            }
            i++;
            return t.value();
        }

        /** A parameter name, possibly dotted (custom placeholders). */
        String parameterName() throws PgException {
            StringBuilder name = new StringBuilder(name());
            while (peek() != null && peek().is(".")) {
                i++;
                name.append('.').append(name());
            }
            return name.toString();
        }

        TransactionMode transactionMode() throws PgException {
            String isolation = null;
            Boolean readOnly = null;
            boolean deferrable = false;
            while (!atEnd()) {
                if (acceptWord("isolation")) {
                    expectWord("level");
                    if (acceptWord("serializable")) {
                        isolation = "serializable";
                    } else if (acceptWord("repeatable")) {
                        expectWord("read");
                        isolation = "repeatable read";
                    } else if (acceptWord("read")) {
                        if (acceptWord("committed")) {
                            isolation = "read committed";
                        } else {
                            expectWord("uncommitted");
                            isolation = "read uncommitted";
                        }
                    } else {
                        throw syntax();
                    }
                } else if (acceptWord("read")) {
                    if (acceptWord("only")) {
                        readOnly = true;
                    } else {
                        expectWord("write");
                        readOnly = false;
                    }
                } else if (acceptWord("not")) {
                    expectWord("deferrable");
                    deferrable = false;
                } else if (acceptWord("deferrable")) {
                    deferrable = true;
                } else if (peek().is(",")) {
                    i++;
                } else {
                    throw syntax();
                }
            }
            return new TransactionMode(isolation, readOnly != null && readOnly, deferrable);
        }

        Command set() throws PgException {
            next();
            boolean local = false;
            if (acceptWord("local")) {
                local = true;
            } else {
                acceptWord("session");
            }
            if (acceptWord("transaction")) {
                if (acceptWord("snapshot")) {
                    String id = value();
                    end();
                    return new SetTransactionSnapshot(id);
                }
                return new SetTransaction(transactionMode(), false);
            }
            if (!local && peek() != null && peek().isWord("characteristics")) {
                i++;
                expectWord("as");
                expectWord("transaction");
                return new SetTransaction(transactionMode(), true);
            }
            if (acceptWord("time")) {
                expectWord("zone");
                if (acceptWord("local") || acceptWord("default")) {
                    end();
                    return new Set("TimeZone", null, local);
                }
                String value = value();
                end();
                return new Set("TimeZone", value, local);
            }
            if (acceptWord("names")) {
                String value = atEnd() ? null : value();
                end();
                return new Set("client_encoding", value, local);
            }
            if (acceptWord("schema")) {
                String value = value();
                end();
                return new Set("search_path", value, local);
            }
            if (peek() != null && peek().isWord("session") || peek() != null && peek().isWord("role")) {
                return null; // SET SESSION AUTHORIZATION / SET ROLE: the source decides (unsupported)
            }
            String name = parameterName();
            if (!acceptWord("to") && !(peek() != null && peek().is("="))) {
                throw syntax();
            }
            if (peek() != null && peek().is("=")) {
                i++;
            }
            if (acceptWord("default")) {
                end();
                return new Set(name, null, local);
            }
            List<String> parts = new ArrayList<>();
            parts.add(value());
            while (peek() != null && peek().is(",")) {
                i++;
                parts.add(value());
            }
            end();
            return new Set(name, String.join(", ", parts), local);
        }

        /** One value of SET: a string's value, a number (with sign), an identifier or a keyword. */
        String value() throws PgException {
            Token t = peek();
            if (t == null) {
                throw syntax();
            }
            if (t.is("-") || t.is("+")) {
                i++;
                Token n = peek();
                if (n == null || n.kind() != Token.Kind.NUMBER) {
                    throw syntax();
                }
                i++;
                return (t.is("-") ? "-" : "") + n.text();
            }
            switch (t.kind()) {
                case STRING, NUMBER, IDENTIFIER -> {
                    i++;
                    return t.value();
                }
                case QUOTED_IDENTIFIER -> {
                    i++;
                    return t.text();
                }
                default -> throw syntax();
            }
        }
    }
}
