package io.slotway.api;

import java.util.Objects;

/**
 * An error as PostgreSQL reports it: the fields of an ErrorResponse or NoticeResponse. Every failure
 * that reaches a client passes through this one type; the wire layer turns it into exactly one
 * ErrorResponse.
 */
public class PgException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Severity as PostgreSQL spells it in the S and V fields. */
    public enum Severity { ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG }

    private final String sqlState;
    private final Severity severity;
    private final String detail;
    private final String hint;
    private final int position;

    public PgException(String sqlState, String message) {
        this(Severity.ERROR, sqlState, message, null, null, 0, null);
    }

    public PgException(String sqlState, String message, Throwable cause) {
        this(Severity.ERROR, sqlState, message, null, null, 0, cause);
    }

    public PgException(Severity severity, String sqlState, String message, String detail, String hint,
                       int position, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.severity = Objects.requireNonNull(severity, "severity");
        this.sqlState = Objects.requireNonNull(sqlState, "sqlState");
        this.detail = detail;
        this.hint = hint;
        this.position = position;
    }

    public static PgException fatal(String sqlState, String message) {
        return new PgException(Severity.FATAL, sqlState, message, null, null, 0, null);
    }

    public PgException withDetail(String newDetail) {
        return new PgException(severity, sqlState, getMessage(), newDetail, hint, position, getCause());
    }

    public PgException withHint(String newHint) {
        return new PgException(severity, sqlState, getMessage(), detail, newHint, position, getCause());
    }

    /** A copy carrying a 1-based character position into the statement text (0 = none). */
    public PgException withPosition(int newPosition) {
        return new PgException(severity, sqlState, getMessage(), detail, hint, newPosition, getCause());
    }

    public PgException withSeverity(Severity newSeverity) {
        return new PgException(newSeverity, sqlState, getMessage(), detail, hint, position, getCause());
    }

    public String sqlState() { return sqlState; }
    public Severity severity() { return severity; }
    public String detail() { return detail; }
    public String hint() { return hint; }
    /** 1-based character position into the statement, or 0 when none applies. */
    public int position() { return position; }

    @Override
    public String toString() {
        return severity + " " + sqlState + ": " + getMessage();
    }
}
