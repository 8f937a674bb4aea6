package io.slotway.api.source;

/**
 * How a transaction block was opened: {@code BEGIN [ISOLATION LEVEL ...] [READ ONLY | READ WRITE]
 * [[NOT] DEFERRABLE]}.
 *
 * @param isolation PostgreSQL's isolation level name in lower case, e.g. {@code read committed}
 */
public record TransactionMode(String isolation, boolean readOnly, boolean deferrable) {
    public static final TransactionMode DEFAULT = new TransactionMode("read committed", false, false);
}
