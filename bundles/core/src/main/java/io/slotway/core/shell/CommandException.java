package io.slotway.core.shell;

import io.slotway.api.PgException;

/**
 * A shell command failed. The message reads as psql prints a server error ({@code ERROR:  text}), so
 * what an operator sees in the shell matches what {@code pg_drop_replication_slot} says in psql.
 */
public final class CommandException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    CommandException(PgException e) {
        super("ERROR:  " + e.getMessage(), e);
        this.sqlState = e.sqlState();
    }

    CommandException(String usage) {
        super(usage);
        this.sqlState = null;
    }

    /** The SQLSTATE when the failure is PostgreSQL's error, else null. */
    public String sqlState() {
        return sqlState;
    }

    /** Gogo prints an exception it cannot format with toString: the message alone reads best. */
    @Override
    public String toString() {
        return getMessage();
    }
}
