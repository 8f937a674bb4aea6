package io.slotway.api.sql;

import java.util.Locale;

/**
 * One lexical token of PostgreSQL SQL.
 *
 * @param kind  what it is
 * @param start offset of its first character in the statement text
 * @param end   offset just past its last character
 * @param text  the exact source text
 * @param value for strings the unescaped value, for quoted identifiers the name, for identifiers the
 *              name folded to lower case, for parameters the number, else the text
 */
public record Token(Kind kind, int start, int end, String text, String value) {

    public enum Kind {
        /** An unquoted identifier or key word. */
        IDENTIFIER,
        /** A {@code "quoted identifier"}. */
        QUOTED_IDENTIFIER,
        /** A string constant: {@code '...'}, {@code E'...'}, {@code $tag$...$tag$}, {@code U&'...'}. */
        STRING,
        /** {@code B'0101'} or {@code X'1F'}. */
        BIT_STRING,
        NUMBER,
        /** A positional parameter {@code $n}. */
        PARAMETER,
        /** An operator such as {@code =}, {@code ->>}, {@code ~}. */
        OPERATOR,
        /** One of {@code ( ) [ ] , ; : . ::}. */
        PUNCTUATION,
        WHITESPACE,
        COMMENT
    }

    /** True for an unquoted identifier or key word equal, ignoring case, to {@code word}. */
    public boolean isWord(String word) {
        return kind == Kind.IDENTIFIER && value.equals(word.toLowerCase(Locale.ROOT));
    }

    /** True for punctuation or an operator spelled exactly {@code symbol}. */
    public boolean is(String symbol) {
        return (kind == Kind.PUNCTUATION || kind == Kind.OPERATOR) && text.equals(symbol);
    }

    /** True for tokens that carry no meaning: whitespace and comments. */
    public boolean isBlank() {
        return kind == Kind.WHITESPACE || kind == Kind.COMMENT;
    }
}
