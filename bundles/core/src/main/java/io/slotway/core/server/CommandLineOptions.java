package io.slotway.core.server;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.util.ArrayList;
import java.util.List;

/** The {@code options} startup parameter: {@code -c name=value} and {@code --name=value}, as PostgreSQL reads it. */
final class CommandLineOptions {
    private CommandLineOptions() {}

    /** The (name, value) pairs in {@code options}; a backslash escapes the next character (e.g. a space). */
    static List<String[]> parse(String options) throws PgException {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < options.length(); i++) {
            char ch = options.charAt(i);
            if (Character.isWhitespace(ch)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (ch == '\\' && i + 1 < options.length()) {
                ch = options.charAt(++i);
            }
            word.append(ch);
        }
        if (word != null) {
            words.add(word.toString());
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String assignment;
            if (w.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw invalid(w);
                }
                assignment = words.get(++i);
            } else if (w.startsWith("-c")) {
                assignment = w.substring(2);
            } else if (w.startsWith("--")) {
                assignment = w.substring(2);
            } else {
                throw invalid(w);
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw PgException.fatal(SqlState.SYNTAX_ERROR, "--" + assignment + " requires a value");
            }
            out.add(new String[] {assignment.substring(0, eq).replace('-', '_'), assignment.substring(eq + 1)});
        }
        return out;
    }

    private static PgException invalid(String word) {
        return PgException.fatal(SqlState.SYNTAX_ERROR, "invalid command-line argument for server process: " + word)
                .withHint("Try \"postgres --help\" for more information.");
    }
}
