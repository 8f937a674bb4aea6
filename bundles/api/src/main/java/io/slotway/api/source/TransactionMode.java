package io.slotway.api.source;

/**
 * How a transaction block was opened: {@code BEGIN [ISOLATION LEVEL ...] [READ ONLY | READ WRITE]
 * [[NOT] DEFERRABLE]}.
 *
 * @param isolation PostgreSQL's isolation level name in lower case, e.g. {@code read committed}; core
 *                  always passes the level in force (never null) to {@link SqlSession#begin}
 */
public record TransactionMode(String isolation, boolean readOnly, boolean deferrable) {
    public static final TransactionMode DEFAULT = new TransactionMode("read committed", false, false);

    /** A copy with another isolation level (null = the session's default). */
    public TransactionMode withIsolation(String level) {
        return new TransactionMode(level, readOnly, deferrable);
    }
}
