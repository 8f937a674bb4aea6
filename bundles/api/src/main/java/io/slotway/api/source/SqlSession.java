package io.slotway.api.source;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One client's session on a source. Core owns PostgreSQL's transaction rules (implicit transactions,
 * the failed state, savepoint names, COMMIT of a failed transaction rolling back); the session carries
 * them out. Outside {@link #begin} every statement commits on its own.
 */
@ConsumerType
public interface SqlSession extends AutoCloseable {

    /**
     * Parses and plans one statement. {@code paramTypeOids} holds the parameter types the client
     * declared (0 = let the source infer); it may be shorter than the number of parameters.
     */
    PreparedQuery prepare(String sql, int[] paramTypeOids) throws PgException;

    /** Starts a transaction block. */
    void begin(TransactionMode mode) throws PgException;

    /** Commits the transaction block. */
    void commit() throws PgException;

    /** Rolls the transaction block back; never fails for a block that already failed. */
    void rollback() throws PgException;

    void savepoint(String name) throws PgException;

    void rollbackToSavepoint(String name) throws PgException;

    void releaseSavepoint(String name) throws PgException;

    /** Asks the statement running now, on another thread, to stop with 57014. */
    void cancel();

    /** Rolls back whatever is open and frees the session. */
    @Override
    void close();
}
