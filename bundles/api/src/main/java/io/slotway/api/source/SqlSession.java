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

    /**
     * Opens a read snapshot of everything committed now (PostgreSQL's exported snapshot): under the
     * source's commit lock, pins a view that sees every committed transaction and calls {@code anchor}
     * for the LSN it stands for. Called outside a transaction block. Sources that cannot share a
     * snapshot refuse with 0A000.
     */
    default SourceSnapshot exportSnapshot(SnapshotAnchor anchor) throws PgException {
        throw new PgException(io.slotway.api.SqlState.FEATURE_NOT_SUPPORTED, "this source cannot export snapshots");
    }

    /**
     * Makes the open transaction block read through {@code snapshot} ({@code SET TRANSACTION SNAPSHOT},
     * or {@code SNAPSHOT 'use'}) until it ends: its queries (and COPY) see exactly what the snapshot sees.
     * Core calls it before the block's first query. The session holds the snapshot until the block ends,
     * even if its exporter closes it sooner.
     */
    default void useSnapshot(SourceSnapshot snapshot) throws PgException {
        throw new PgException(io.slotway.api.SqlState.FEATURE_NOT_SUPPORTED, "this source cannot import snapshots");
    }

    /** Asks the statement running now, on another thread, to stop with 57014. */
    void cancel();

    /** Rolls back whatever is open and frees the session. */
    @Override
    void close();
}
