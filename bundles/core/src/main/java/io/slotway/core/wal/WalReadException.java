package io.slotway.core.wal;

import io.slotway.api.PgException;

/**
 * A failure while lazily reading a transaction's entries (an iterator cannot throw checked
 * exceptions): the WAL was removed under the reader or is damaged. {@link #error()} is the error for
 * the client.
 */
public final class WalReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WalReadException(PgException cause) {
        super(cause.getMessage(), cause);
    }

    public PgException error() {
        return (PgException) getCause();
    }
}
