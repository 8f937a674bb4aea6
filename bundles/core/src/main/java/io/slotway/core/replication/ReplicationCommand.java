package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands of PostgreSQL 15's replication protocol (its walsender grammar), parsed from a simple
 * Query on a replication connection. {@link #parse} returns null when the text is not a replication
 * command, i.e. SQL for a {@code replication=database} connection.
 */
public sealed interface ReplicationCommand {

    record IdentifySystem() implements ReplicationCommand {}

    /** SHOW inside the replication grammar: {@code SHOW name}. */
    record Show(String name) implements ReplicationCommand {}

    /**
     * CREATE_REPLICATION_SLOT in either syntax. {@code snapshot} is {@code export}, {@code use} or
     * {@code nothing}.
     */
    record CreateSlot(String name, boolean temporary, boolean physical, String plugin, String snapshot,
                      boolean twoPhase, boolean reserveWal) implements ReplicationCommand {}

    record ReadSlot(String name) implements ReplicationCommand {}

    record DropSlot(String name, boolean waitForRelease) implements ReplicationCommand {}

    /** START_REPLICATION; {@code options} keep the client's order, a bare option has a null value. */
    record StartReplication(String slot, boolean physical, Lsn start, Long timeline, Map<String, String> options)
            implements ReplicationCommand {}

    record TimelineHistory(long timeline) implements ReplicationCommand {}

    record BaseBackup(String text) implements ReplicationCommand {}

    /** Whether {@code sql} starts with a word of the replication grammar. */
    static boolean isReplicationCommand(String sql) {
        String first = firstWord(sql);
        return switch (first) {
            case "identify_system", "create_replication_slot", "drop_replication_slot", "read_replication_slot",
                    "start_replication", "timeline_history", "base_backup", "show" -> true;
            default -> false;
        };
    }

    private static String firstWord(String sql) {
        int i = 0;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(Locale.ROOT);
    }

    /** Parses one replication command; errors are PostgreSQL's 42601 syntax errors. */
    static ReplicationCommand parse(String sql) throws PgException {
        return new Parser(sql).command();
    }

    /** PostgreSQL's replication lexer and grammar (repl_scanner.l, repl_gram.y), as facts re-expressed. */
    final class Parser {
        private enum Kind { WORD, IDENT, STRING, LSN, NUMBER, PUNCT, END }

        private record Tok(Kind kind, String text, String value, int pos) {}

        private final String sql;
        private final List<Tok> toks = new ArrayList<>();
        private int i;

        Parser(String sql) throws PgException {
            this.sql = sql;
            lex();
        }

        private void lex() throws PgException {
            int p = 0;
            int n = sql.length();
            while (p < n) {
                char c = sql.charAt(p);
                if (Character.isWhitespace(c)) {
                    p++;
                } else if (c == ';' ) {
                    p++;
                    // a trailing semicolon is allowed
                    toks.add(new Tok(Kind.PUNCT, ";", ";", p - 1));
                } else if (c == '(' || c == ')' || c == ',' || c == '.') {
                    toks.add(new Tok(Kind.PUNCT, String.valueOf(c), String.valueOf(c), p));
                    p++;
                } else if (c == '\'' || c == '"') {
                    int start = p;
                    StringBuilder v = new StringBuilder();
                    p = quoted(p, v);
                    if (c == '"' && v.length() == 0) {
                        throw new PgException(SqlState.SYNTAX_ERROR, "zero-length delimited identifier");
                    }
                    toks.add(new Tok(c == '"' ? Kind.IDENT : Kind.STRING, sql.substring(start, p), v.toString(), start));
                } else if (isHex(c)) {
                    int start = p;
                    while (p < n && isHex(sql.charAt(p))) {
                        p++;
                    }
                    if (p < n && sql.charAt(p) == '/' && p + 1 < n && isHex(sql.charAt(p + 1))) {
                        p++;
                        while (p < n && isHex(sql.charAt(p))) {
                            p++;
                        }
                        String text = sql.substring(start, p);
                        toks.add(new Tok(Kind.LSN, text, text, start));
                        continue;
                    }
                    // not an LSN: an identifier or number
                    p = start;
                    while (p < n && (Character.isLetterOrDigit(sql.charAt(p)) || sql.charAt(p) == '_' || sql.charAt(p) == '$')) {
                        p++;
                    }
                    String text = sql.substring(start, p);
                    Kind kind = text.chars().allMatch(Character::isDigit) ? Kind.NUMBER : Kind.WORD;
                    toks.add(new Tok(kind, text, kind == Kind.WORD ? text.toLowerCase(Locale.ROOT) : text, start));
                } else if (Character.isLetter(c) || c == '_') {
                    int start = p;
                    while (p < n && (Character.isLetterOrDigit(sql.charAt(p)) || sql.charAt(p) == '_' || sql.charAt(p) == '$')) {
                        p++;
                    }
                    String text = sql.substring(start, p);
                    toks.add(new Tok(Kind.WORD, text, text.toLowerCase(Locale.ROOT), start));
                } else {
                    throw error();
                }
            }
            toks.add(new Tok(Kind.END, "", "", n));
        }

        /**
         * Reads a quoted string or identifier starting at the opening quote {@code sql[open]}; a doubled
         * quote stands for one. Appends the value and returns the index after the closing quote.
         */
        private int quoted(int open, StringBuilder value) throws PgException {
            char q = sql.charAt(open);
            int p = open + 1;
            while (true) {
                if (p >= sql.length()) {
                    throw new PgException(SqlState.SYNTAX_ERROR,
                            q == '"' ? "unterminated quoted identifier" : "unterminated quoted string");
                }
                char d = sql.charAt(p++);
                if (d == q) {
                    if (p < sql.length() && sql.charAt(p) == q) {
                        value.append(q);
                        p++;
                        continue;
                    }
                    return p;
                }
                value.append(d);
            }
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0;
        }

        private Tok peek() {
            return toks.get(i);
        }

        private Tok next() {
            return toks.get(i++);
        }

        private boolean acceptWord(String w) {
            if (peek().kind() == Kind.WORD && peek().value().equals(w)) {
                i++;
                return true;
            }
            return false;
        }

        private void expectWord(String w) throws PgException {
            if (!acceptWord(w)) {
                throw error();
            }
        }

        private boolean acceptPunct(String p) {
            if (peek().kind() == Kind.PUNCT && peek().value().equals(p)) {
                i++;
                return true;
            }
            return false;
        }

        private PgException error() {
            return new PgException(SqlState.SYNTAX_ERROR, "syntax error");
        }

        /** An identifier: a word (folded to lower case) or a quoted identifier. */
        private String ident() throws PgException {
            Tok t = peek();
            if (t.kind() == Kind.WORD || t.kind() == Kind.IDENT) {
                i++;
                return t.value();
            }
            throw error();
        }

        private void end() throws PgException {
            acceptPunct(";");
            if (peek().kind() != Kind.END) {
                throw error();
            }
        }

        ReplicationCommand command() throws PgException {
            Tok first = peek();
            if (first.kind() != Kind.WORD) {
                throw error();
            }
            i++;
            switch (first.value()) {
                case "identify_system" -> {
                    end();
                    return new IdentifySystem();
                }
                case "show" -> {
                    StringBuilder name = new StringBuilder(ident());
                    while (acceptPunct(".")) {
                        name.append('.').append(ident());
                    }
                    end();
                    return new Show(name.toString());
                }
                case "create_replication_slot" -> {
                    return createSlot();
                }
                case "read_replication_slot" -> {
                    String name = ident();
                    end();
                    return new ReadSlot(name);
                }
                case "drop_replication_slot" -> {
                    String name = ident();
                    boolean wait = acceptWord("wait");
                    end();
                    return new DropSlot(name, wait);
                }
                case "start_replication" -> {
                    return startReplication();
                }
                case "timeline_history" -> {
                    Tok t = next();
                    if (t.kind() != Kind.NUMBER) {
                        throw error();
                    }
                    end();
                    return new TimelineHistory(Long.parseLong(t.text()));
                }
                case "base_backup" -> {
                    return new BaseBackup(sql);
                }
                default -> throw error();
            }
        }

        private ReplicationCommand createSlot() throws PgException {
            String name = ident();
            boolean temporary = acceptWord("temporary");
            boolean physical;
            String plugin = null;
            if (acceptWord("physical")) {
                physical = true;
            } else {
                expectWord("logical");
                physical = false;
                plugin = ident();
            }
            String snapshot = "export";
            boolean twoPhase = false;
            boolean reserveWal = false;
            if (acceptPunct("(")) {
                // PostgreSQL 15 syntax: ( option [value] [, ...] )
                if (!acceptPunct(")")) {
                    do {
                        String option = ident();
                        String value = null;
                        Tok v = peek();
                        if (v.kind() == Kind.STRING || v.kind() == Kind.NUMBER || v.kind() == Kind.WORD
                                || v.kind() == Kind.IDENT) {
                            i++;
                            value = v.value();
                        }
                        switch (option) {
                            case "snapshot" -> {
                                if (value == null) {
                                    throw new PgException(SqlState.SYNTAX_ERROR, "snapshot requires a value");
                                }
                                String s = value.toLowerCase(Locale.ROOT);
                                if (!s.equals("export") && !s.equals("use") && !s.equals("nothing")) {
                                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                                            "unrecognized value for CREATE_REPLICATION_SLOT option \"snapshot\": \"" + value + "\"");
                                }
                                snapshot = s;
                            }
                            case "two_phase" -> twoPhase = bool("two_phase", value);
                            case "reserve_wal" -> reserveWal = bool("reserve_wal", value);
                            default -> throw new PgException(SqlState.SYNTAX_ERROR,
                                    "unrecognized option: " + option);
                        }
                    } while (acceptPunct(","));
                    if (!acceptPunct(")")) {
                        throw error();
                    }
                }
            } else {
                // legacy syntax: bare keywords
                while (peek().kind() == Kind.WORD) {
                    switch (next().value()) {
                        case "export_snapshot" -> snapshot = "export";
                        case "noexport_snapshot" -> snapshot = "nothing";
                        case "use_snapshot" -> snapshot = "use";
                        case "two_phase" -> twoPhase = true;
                        case "reserve_wal" -> reserveWal = true;
                        default -> throw error();
                    }
                }
            }
            end();
            return new CreateSlot(name, temporary, physical, plugin, snapshot, twoPhase, reserveWal);
        }

        private static boolean bool(String option, String value) throws PgException {
            if (value == null) {
                return true;
            }
            switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "on", "1", "yes", "t", "y":
                    return true;
                case "false", "off", "0", "no", "f", "n":
                    return false;
                default:
                    throw new PgException(SqlState.SYNTAX_ERROR, option + " requires a Boolean value");
            }
        }

        private ReplicationCommand startReplication() throws PgException {
            String slot = null;
            if (acceptWord("slot")) {
                slot = ident();
            }
            boolean physical = true;
            if (acceptWord("logical")) {
                physical = false;
            } else {
                acceptWord("physical");
            }
            Tok lsn = next();
            if (lsn.kind() != Kind.LSN) {
                throw error();
            }
            Lsn start;
            try {
                start = Lsn.parse(lsn.text());
            } catch (IllegalArgumentException e) {
                throw new PgException(SqlState.SYNTAX_ERROR, "invalid streaming start location");
            }
            Long timeline = null;
            Map<String, String> options = new LinkedHashMap<>();
            if (physical) {
                if (acceptWord("timeline")) {
                    Tok t = next();
                    if (t.kind() != Kind.NUMBER) {
                        throw error();
                    }
                    timeline = Long.parseLong(t.text());
                }
            } else if (slot == null) {
                throw error();
            } else if (acceptPunct("(")) {
                do {
                    String option = ident();
                    String value = null;
                    if (peek().kind() == Kind.STRING) {
                        value = next().value();
                    }
                    options.put(option, value);
                } while (acceptPunct(","));
                if (!acceptPunct(")")) {
                    throw error();
                }
            }
            end();
            return new StartReplication(slot, physical, start, timeline, options);
        }
    }
}
